"""Anonymous answers cannot be linked to a person: not by the schema, not by any page's query."""

import re
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations import selectors, views
from evaluations.models import Answer, Receipt, Response
from tests.evaluations.factories import (
    evaluation_form,
    participant,
    respond,
    training_with_speakers,
)
from tests.factories import organiser_user

pytestmark = pytest.mark.django_db

ANSWER_TABLES = [Response, Answer]
PERSON_MODELS = {
    "participants.user",
    "participants.employee",
    "trainings.enrolment",
    "trainings.attendance",
    "evaluations.receipt",
}


@pytest.mark.parametrize("model", ANSWER_TABLES, ids=lambda model: model.__name__)
def test_answer_tables_have_no_column_that_points_to_a_person_or_a_moment(model):
    fields = model._meta.concrete_fields

    related = {
        f"{field.related_model._meta.app_label}.{field.related_model._meta.model_name}"
        for field in fields
        if field.is_relation
    }
    assert related & PERSON_MODELS == set()
    assert related <= {
        "evaluations.evaluationform",
        "evaluations.response",
        "evaluations.question",
        "trainings.speaker",
    }
    assert not [
        f.name
        for f in fields
        if isinstance(
            f,
            (
                models.DateTimeField,
                models.DateField,
                models.TimeField,
                models.GenericIPAddressField,
            ),
        )
    ]
    assert not [
        f.name
        for f in fields
        if re.search(
            r"user|employee|enrol|ip|nip|nik|time|date|"
            r"created|submitted",
            f.name,
        )
    ]
    assert isinstance(model._meta.pk, models.UUIDField)


@pytest.mark.parametrize("model", ANSWER_TABLES, ids=lambda model: model.__name__)
def test_the_database_table_agrees(model):
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, model._meta.db_table
            )
        }
        relations = connection.introspection.get_relations(cursor, model._meta.db_table)

    assert columns == {field.column for field in model._meta.concrete_fields}
    referenced = {relation[1] for relation in relations.values()}
    assert referenced <= {
        "evaluations_evaluationform",
        "evaluations_response",
        "evaluations_question",
        "trainings_speaker",
    }


def test_an_anonymous_receipt_says_only_that_the_person_responded():
    training, _speakers = training_with_speakers("Budi")
    form = evaluation_form(training=training, is_anonymous=True)
    enrolment = participant(training)

    receipt = respond(form, enrolment)

    receipt.refresh_from_db()
    assert (receipt.enrolment, receipt.anonymous, receipt.response_id) == (enrolment, True, None)
    assert Response.objects.filter(form=form).count() == 1


def test_the_database_refuses_a_link_from_an_anonymous_receipt_to_a_response():
    training, _speakers = training_with_speakers("Budi")
    form = evaluation_form(training=training, is_anonymous=True)
    receipt = respond(form, participant(training))

    receipt.response = Response.objects.get(form=form)
    with pytest.raises(IntegrityError):
        receipt.save()


def test_a_named_response_is_linked_through_its_receipt():
    training, _speakers = training_with_speakers("Budi")
    form = evaluation_form(training=training, is_anonymous=False)
    enrolment = participant(training)

    receipt = respond(form, enrolment)

    assert receipt.response == Response.objects.get(form=form)
    assert receipt.anonymous is False


def _queries_of_every_results_page(client, training):
    client.force_login(organiser_user())
    with CaptureQueriesContext(connection) as captured:
        for name in ("results", "results_export", "form_settings"):
            response = client.get(reverse(f"evaluations:{name}", args=[training.pk]))
            assert response.status_code == 200
        selectors.evaluation_summary(training=training)
        selectors.respondent_enrolment_ids(training=training)
    return [query["sql"].lower() for query in captured.captured_queries]


def test_no_query_of_the_results_joins_who_responded_with_what_they_answered(client):
    training, _speakers = training_with_speakers("Budi", "Siti")
    form = evaluation_form(training=training, is_anonymous=True)
    for value in (3, 4, 5):
        respond(
            form,
            participant(training),
            value,
            open_answers={form.questions.get(section="open", position=1).pk: f"Saran {value}"},
        )

    queries = _queries_of_every_results_page(client, training)

    receipt_queries = [sql for sql in queries if Receipt._meta.db_table in sql]
    answer_queries = [
        sql for sql in queries if Response._meta.db_table in sql or Answer._meta.db_table in sql
    ]
    assert receipt_queries and answer_queries
    assert [sql for sql in receipt_queries if sql in answer_queries] == []
    assert not any("response_id" in sql for sql in receipt_queries)


def test_views_reach_receipts_and_answers_only_through_selectors():
    source = Path(views.__file__).read_text(encoding="utf-8")

    assert not re.search(r"\b(Receipt|Answer)\b|\bResponse\.|receipts|answers\.|response__", source)
