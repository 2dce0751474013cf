"""Text that comes in through a form or the staff import is kept without control characters.

An escape character pasted from another program is invisible on the page, yet no spreadsheet
can hold it: every form of the project (core.forms.WithoutControlCharacters) and every cell of
an uploaded table (core.spreadsheets.cell_text) leave it out before anything is stored.
"""

import importlib

import pytest
from django import forms
from django.urls import reverse

from evaluations.models import Answer
from participants.importing import import_staff
from participants.models import Employee
from tests.evaluations.factories import (
    evaluation_form,
    full_ratings,
    participant,
    post_data,
    training_with_speakers,
)
from tests.factories import UnitFactory, admin_user, nip_for
from tests.participants.test_import_staff import table_of
from tests.participants.test_views_directory import _form_data

pytestmark = pytest.mark.django_db

FORM_MODULES = [
    "participants.forms", "participants.admin", "participants.admin_import",
    "trainings.forms.attendance", "trainings.forms.enrolment", "trainings.forms.trainings",
    "assessments.forms", "evaluations.forms", "certificates.forms",
]  # fmt: skip
# A password is kept exactly as typed: these forms take one.
PASSWORD_FORMS = {"NipOrEmailLoginForm", "ActivationForm"}


def test_a_name_with_an_escape_character_in_the_staff_import_is_stored_without_it():
    unit = UnitFactory(name="Kelurahan Cacaban")

    import_staff(table_of([[nip_for(1), "Budi\x1b Santoso", "III/a", unit.name]]))

    assert Employee.objects.get().name == "Budi Santoso"


def test_a_name_with_an_escape_character_in_the_directory_form_is_stored_without_it(client):
    unit = UnitFactory()
    client.force_login(admin_user())

    response = client.post(
        reverse("participants:employee_create"),
        _form_data(unit, name="Budi\x1b Santoso", jabatan="Pranata\x07 Komputer"),
    )

    assert response.status_code == 302
    employee = Employee.objects.get()
    assert (employee.name, employee.jabatan) == ("Budi Santoso", "Pranata Komputer")


def test_a_name_of_nothing_but_control_characters_is_asked_for_again(client):
    unit = UnitFactory()
    client.force_login(admin_user())

    response = client.post(reverse("participants:employee_create"), _form_data(unit, name="\x1b"))

    assert response.status_code == 200
    assert "Bidang ini tidak boleh kosong" in response.content.decode()
    assert not Employee.objects.exists()


def test_an_open_evaluation_answer_keeps_its_line_breaks_but_loses_an_escape(client):
    training, _speakers = training_with_speakers("Budi")
    form = evaluation_form(training=training)
    enrolment = participant(training)
    client.force_login(enrolment.employee.user)
    suggestion = form.questions.filter(section="open").first()

    client.post(
        reverse("evaluations:respond", args=[training.pk]),
        post_data(form, full_ratings(form, 5), {suggestion.pk: "Tambah\x1b praktik\r\nSegera"}),
    )

    assert Answer.objects.get(value__isnull=True).text == "Tambah praktik\r\nSegera"


def test_every_form_of_the_project_but_the_password_forms_leaves_out_control_characters():
    found = []
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == name
                and value.__name__ not in PASSWORD_FORMS
            ):
                found.append(value)
    assert len(found) > 20
    from core.forms import WithoutControlCharacters

    assert [form.__name__ for form in found if not issubclass(form, WithoutControlCharacters)] == []


def test_every_admin_page_that_edits_a_record_leaves_out_control_characters():
    from django.apps import apps
    from django.contrib import admin
    from django.contrib.auth import get_user_model

    from core.forms import WithoutControlCharacters

    forms_of_admin = []
    for model in apps.get_models():
        if not admin.site.is_registered(model) or model is get_user_model():
            continue  # the user admin takes passwords, kept exactly as typed
        if model._meta.app_label not in {
            "participants", "trainings", "assessments", "evaluations", "certificates",
        }:  # fmt: skip
            continue
        model_admin = admin.site.get_model_admin(model)
        forms_of_admin.append((model.__name__, model_admin.form))
        forms_of_admin += [(inline.__name__, inline.form) for inline in model_admin.inlines]
    assert len(forms_of_admin) > 10
    assert [
        name for name, form in forms_of_admin if not issubclass(form, WithoutControlCharacters)
    ] == []


def test_a_unit_named_with_an_escape_character_in_the_admin_is_stored_without_it(client):
    from participants.models import Unit

    client.force_login(admin_user(is_superuser=True))

    client.post(
        reverse("admin:participants_unit_add"),
        {
            "name": "Kelurahan\x1b Cacaban", "short_name": "", "kind": Unit.Kind.LAINNYA,
            # the unit's other names (an inline), none here
            "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0",
        },  # fmt: skip
    )

    assert Unit.objects.filter(name="Kelurahan Cacaban").exists()
