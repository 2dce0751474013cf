"""Who may open which page: every URL of the project against every kind of visitor.

The matrix below holds, for each named URL, what happens to an anonymous visitor, to participant
A on A's own objects, to A on participant B's objects (B's enrolment, attempt, certificate,
evaluation…), to an organiser and to a staff administrator. A URL the project has but the matrix
does not fails the test by name, so a new page cannot ship without its decision written here; a
row for a URL the project no longer has fails too, so the matrix never describes pages gone.

Outcomes: LOGIN (sent to the login page), DENIED (403), MISSING (404), OK (the page, or a
redirect that is not to the login page, or a form error on an empty POST). Each request is a GET;
a view that answers GET with 405 is asked again with an empty POST.
"""

import datetime
import sys

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from participants.models import StaffListImport
from trainings import checkin_tokens
from trainings.models import Training
from trainings.selectors import trainings as training_selectors
from tests.conftest import make_test_office
from tests.factories import (
    EnrolmentFactory,
    SessionFactory,
    SpeakerFactory,
    TrainingFactory,
    UserFactory,
    admin_user,
    organiser_user,
    participant_user,
)

LOGIN, DENIED, MISSING, OK = "login", "403", "404", "ok"
ACTORS = ("anonymous", "own", "other", "organiser", "admin")


def _ps(anonymous, own, other=None, organiser=None, admin=None):
    """One row: other defaults to own; organiser and admin must be given."""
    return dict(
        anonymous=anonymous,
        own=own,
        other=own if other is None else other,
        organiser=organiser,
        admin=admin,
    )


# Rows shared by many URLs.
ORGANISER_ONLY = _ps(LOGIN, DENIED, DENIED, OK, DENIED)
STAFF_DIRECTORY = _ps(LOGIN, DENIED, DENIED, OK, OK)  # both roles read the directory
ADMIN_ONLY = _ps(LOGIN, DENIED, DENIED, DENIED, OK)
ANY_LOGGED_IN = _ps(LOGIN, OK, OK, OK, OK)
PARTICIPANT_OWN = _ps(LOGIN, OK, MISSING, MISSING, MISSING)  # only the owner, others 404
PUBLIC = _ps(OK, OK, OK, OK, OK)

# name -> (kwargs built from the world for the actor's objects, row)
# "obj" in a kwargs function is the set of objects the actor aims at: A's own objects for A
# ("own"), organiser and admin; B's objects for "other".
MATRIX = {
    "home": (None, ANY_LOGGED_IN),
    "home_sessions": (None, _ps(LOGIN, DENIED, DENIED, OK, DENIED)),
    "healthz": (None, PUBLIC),
    "activate": (None, PUBLIC),
    "activate_with_code": (lambda o: {"code": "ABCD-EFGH-JK"}, PUBLIC),
    "set_language": (None, PUBLIC),
    "mfa_required": (None, ANY_LOGGED_IN),
    # The audit log: only the staff administrator reads it
    "audit:log": (None, ADMIN_ONLY),
    "office:profile": (None, ADMIN_ONLY),
    # The staff directory
    "participants:employee_list": (None, STAFF_DIRECTORY),
    "participants:employee_create": (None, ADMIN_ONLY),
    "participants:employee_export": (None, STAFF_DIRECTORY),
    "participants:my_profile": (None, ANY_LOGGED_IN),
    "privacy:my_data": (None, ANY_LOGGED_IN),
    "participants:activation_slips": (None, STAFF_DIRECTORY),
    "participants:employee_detail": (lambda o: {"pk": o["employee"].pk}, STAFF_DIRECTORY),
    "participants:employee_edit": (lambda o: {"pk": o["employee"].pk}, ADMIN_ONLY),
    "participants:activation_slip": (lambda o: {"pk": o["employee"].pk}, STAFF_DIRECTORY),
    # The staff-list import: the staff administrator's alone
    "participants:import": (None, ADMIN_ONLY),
    "participants:import_template": (None, ADMIN_ONLY),
    "participants:import_forget_mapping": (lambda o: {"mapping_id": 1}, ADMIN_ONLY),
    **{
        f"participants:import_{step}": (
            lambda o: {"import_id": o["staff_import"].pk},
            ADMIN_ONLY,
        )
        for step in ("status", "confirm", "restart", "columns", "units", "result")
    },
    # The rejected rows' file is not in this test's media folder: 404 for the admin, not a 500.
    "participants:import_rejected": (
        lambda o: {"import_id": o["staff_import"].pk},
        _ps(LOGIN, DENIED, DENIED, DENIED, MISSING),
    ),
    # Units and accounts: the staff administrator's, where the Django admin used to serve
    "participants:unit_list": (None, ADMIN_ONLY),
    "participants:unit_create": (None, ADMIN_ONLY),
    "participants:unit_edit": (lambda o: {"pk": o["employee"].unit_id}, ADMIN_ONLY),
    "participants:unit_delete": (lambda o: {"pk": o["employee"].unit_id}, ADMIN_ONLY),
    "participants:account_list": (None, ADMIN_ONLY),
    "participants:account_detail": (lambda o: {"pk": o["user"].pk}, ADMIN_ONLY),
    "participants:account_roles": (lambda o: {"pk": o["user"].pk}, ADMIN_ONLY),
    "participants:account_active": (lambda o: {"pk": o["user"].pk}, ADMIN_ONLY),
    # Trainings
    "trainings:training_list": (None, ORGANISER_ONLY),
    "trainings:training_create": (None, ORGANISER_ONLY),
    "trainings:training_detail": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:training_edit": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:training_status": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:training_copy": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:training_schedule": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:session_create": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:session_edit": (lambda o: {"pk": o["session"].pk}, ORGANISER_ONLY),
    "trainings:session_delete": (lambda o: {"pk": o["session"].pk}, ORGANISER_ONLY),
    "trainings:speaker_edit": (lambda o: {"pk": o["speaker"].pk}, ORGANISER_ONLY),
    # Enrolment
    "trainings:my_trainings": (None, ANY_LOGGED_IN),
    "trainings:my_calendar": (lambda o: {"enrolment_pk": o["enrolment"].pk}, PARTICIPANT_OWN),
    "trainings:whatsapp_list": (lambda o: {"training_pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:enrolment_list": (lambda o: {"training_pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:enrol_from_directory": (
        lambda o: {"training_pk": o["training"].pk},
        ORGANISER_ONLY,
    ),
    "trainings:enrol_from_file": (lambda o: {"training_pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:invitation_sheet": (lambda o: {"training_pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:enrolment_export": (lambda o: {"training_pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:enrolment_bulk_invite": (
        lambda o: {"training_pk": o["training"].pk},
        ORGANISER_ONLY,
    ),
    "trainings:enrolment_cancel": (
        lambda o: {"training_pk": o["training"].pk, "pk": o["enrolment"].pk},
        ORGANISER_ONLY,
    ),
    "trainings:enrolment_resend_invitation": (
        lambda o: {"training_pk": o["training"].pk, "pk": o["enrolment"].pk},
        ORGANISER_ONLY,
    ),
    # Check-in and attendance
    "trainings:checkin": (None, ANY_LOGGED_IN),
    # The QR token names a session, not a person: whoever scans it checks themselves in (or is
    # told they are not enrolled), so every signed-in visitor gets the page.
    "trainings:self_checkin": (lambda o: {"token": o["checkin_token"]}, ANY_LOGGED_IN),
    "trainings:projector": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:session_projector": (lambda o: {"pk": o["session"].pk}, ORGANISER_ONLY),
    "trainings:session_projector_live": (lambda o: {"pk": o["session"].pk}, ORGANISER_ONLY),
    "trainings:badge_scan": (lambda o: {"token": o["enrolment"].badge_token}, ORGANISER_ONLY),
    "trainings:session_scanner": (lambda o: {"pk": o["session"].pk}, ORGANISER_ONLY),
    "trainings:session_scanner_record": (lambda o: {"pk": o["session"].pk}, ORGANISER_ONLY),
    "trainings:attendance_grid": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:attendance_set": (
        lambda o: {"session_pk": o["session"].pk, "enrolment_pk": o["enrolment"].pk},
        ORGANISER_ONLY,
    ),
    "trainings:attendance_mark_alpa": (lambda o: {"session_pk": o["session"].pk}, ORGANISER_ONLY),
    "trainings:attendance_recap": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:attendance_recap_xlsx": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "trainings:daftar_hadir_pdf": (lambda o: {"pk": o["session"].pk}, ORGANISER_ONLY),
    # Tests: the participant's own
    "assessments:my_tests": (None, ANY_LOGGED_IN),
    "assessments:test_start": (lambda o: {"pk": o["assessment"].pk}, PARTICIPANT_OWN),
    "assessments:attempt_take": (lambda o: {"pk": o["attempt"].pk}, PARTICIPANT_OWN),
    "assessments:attempt_answer": (lambda o: {"pk": o["attempt"].pk}, PARTICIPANT_OWN),
    "assessments:attempt_submit": (lambda o: {"pk": o["attempt"].pk}, PARTICIPANT_OWN),
    "assessments:attempt_result": (lambda o: {"pk": o["attempt"].pk}, PARTICIPANT_OWN),
    # Tests: the organiser's
    "assessments:training_index": (None, ORGANISER_ONLY),
    "assessments:training_tests": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "assessments:question_list": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "assessments:question_create": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "assessments:question_import": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "assessments:question_export": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "assessments:bank_copy": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "assessments:question_edit": (lambda o: {"pk": o["question"].pk}, ORGANISER_ONLY),
    "assessments:question_delete": (lambda o: {"pk": o["question"].pk}, ORGANISER_ONLY),
    "assessments:assessment_edit": (
        lambda o: {"pk": o["training"].pk, "kind": "pre"},
        ORGANISER_ONLY,
    ),
    "assessments:assessment_release": (
        lambda o: {"pk": o["training"].pk, "kind": "pre"},
        ORGANISER_ONLY,
    ),
    "assessments:assessment_open_now": (
        lambda o: {"pk": o["training"].pk, "kind": "pre"},
        ORGANISER_ONLY,
    ),
    "assessments:results": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "assessments:item_analysis": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "assessments:results_xlsx": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "assessments:results_pdf": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "assessments:attempt_reset": (lambda o: {"pk": o["attempt"].pk}, ORGANISER_ONLY),
    # Evaluations
    "evaluations:evaluation_list": (None, ORGANISER_ONLY),
    "evaluations:my_evaluations": (None, ANY_LOGGED_IN),
    "evaluations:form_settings": (lambda o: {"training_pk": o["training"].pk}, ORGANISER_ONLY),
    "evaluations:form_create": (lambda o: {"training_pk": o["training"].pk}, ORGANISER_ONLY),
    "evaluations:form_preview": (lambda o: {"training_pk": o["training"].pk}, ORGANISER_ONLY),
    "evaluations:results": (lambda o: {"training_pk": o["training"].pk}, ORGANISER_ONLY),
    "evaluations:results_export": (lambda o: {"training_pk": o["training"].pk}, ORGANISER_ONLY),
    "evaluations:respond": (lambda o: {"training_pk": o["training"].pk}, PARTICIPANT_OWN),
    # Certificates
    "certificates:training_list": (None, ORGANISER_ONLY),
    "certificates:training": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "certificates:issue": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "certificates:email": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "certificates:whatsapp_list": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "certificates:email_selected": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "certificates:training_xlsx": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "certificates:run": (
        lambda o: {"pk": o["training"].pk, "run_pk": o["run"].pk},
        ORGANISER_ONLY,
    ),
    "certificates:settings": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "certificates:preview": (
        lambda o: {"pk": o["training"].pk, "enrolment_pk": o["enrolment"].pk},
        ORGANISER_ONLY,
    ),
    "certificates:override": (
        lambda o: {"pk": o["training"].pk, "enrolment_pk": o["enrolment"].pk},
        ORGANISER_ONLY,
    ),
    "certificates:override_remove": (
        lambda o: {"pk": o["training"].pk, "enrolment_pk": o["enrolment"].pk},
        ORGANISER_ONLY,
    ),
    "certificates:export_start": (
        lambda o: {"pk": o["training"].pk, "kind": "zip"},
        ORGANISER_ONLY,
    ),
    "certificates:export": (
        lambda o: {"pk": o["training"].pk, "export_pk": o["export"].pk},
        ORGANISER_ONLY,
    ),
    "certificates:export_download": (
        lambda o: {"pk": o["training"].pk, "export_pk": o["export"].pk},
        ORGANISER_ONLY,
    ),
    "certificates:export_siasn": (lambda o: {"pk": o["training"].pk}, ORGANISER_ONLY),
    "certificates:download": (lambda o: {"cert_pk": o["certificate"].pk}, ORGANISER_ONLY),
    "certificates:reissue": (lambda o: {"cert_pk": o["certificate"].pk}, ORGANISER_ONLY),
    "certificates:revoke": (lambda o: {"cert_pk": o["certificate"].pk}, ORGANISER_ONLY),
    "certificates:reissue_revoked": (
        lambda o: {"cert_pk": o["certificate"].pk},
        ORGANISER_ONLY,
    ),
    "certificates:mine_download": (
        lambda o: {"cert_pk": o["certificate"].pk},
        PARTICIPANT_OWN,
    ),
    "certificates:mine_for_enrolment": (
        lambda o: {"enrolment_pk": o["enrolment"].pk},
        PARTICIPANT_OWN,
    ),
    # The public certificate check
    "verify:lookup": (None, PUBLIC),
    "verify:certificate": (lambda o: {"code": o["certificate"].code}, PUBLIC),
}

# Third-party URLs are decided by prefix: allauth's account pages under akun/ are reachable
# without login (they are the login); the admin site under admin/ sends everyone who is not
# staff to its own login page.
ALLAUTH_PREFIX = "akun/"
ADMIN_PREFIX = "admin/"
DEBUG_MEDIA_PREFIXES = ("^media/", "media/")  # only when DEBUG; never in production


def _walk(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _walk(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield name, route


def _project_routes():
    """Return (name, route) of every URL that is not allauth's, the admin's or DEBUG media."""
    return [
        (name, route)
        for name, route in _walk()
        if not route.startswith((ALLAUTH_PREFIX, ADMIN_PREFIX, *DEBUG_MEDIA_PREFIXES))
    ]


def _present_names():
    return {name for name, _route in _project_routes()}


def test_every_url_has_a_decision_in_the_matrix():
    routes = _project_routes()
    unnamed = [route for name, route in routes if name is None]
    missing = sorted(name for name, _route in routes if name and name not in MATRIX)
    assert not unnamed, f"URLs without a name cannot be checked: {unnamed}"
    assert not missing, f"URLs without an entry in the authorisation matrix: {missing}"


def test_every_row_of_the_matrix_is_a_url_the_project_has():
    stale = sorted(set(MATRIX) - _present_names())
    assert not stale, f"Rows for URLs the project does not have: {stale}"


def test_every_row_decides_for_every_kind_of_visitor():
    for name, (_kwargs, row) in MATRIX.items():
        assert set(row) == set(ACTORS), name
        assert all(row[actor] in (LOGIN, DENIED, MISSING, OK) for actor in ACTORS), name


# The world: two participants in two trainings, each with the objects a participant owns ----------


def _participant_world(user, *, kind_of_training):
    """Give a participant a training with a session, a test they sat, an evaluation they
    answered and a certificate; return the objects by name."""
    from assessments.models import Assessment
    from assessments.services import configure_assessment, start_attempt
    from certificates.models import CertificateExport, IssueRun
    from certificates.services import issue_certificate
    from tests.assessments.factories import make_question
    from tests.evaluations.factories import evaluation_form, respond

    now = timezone.now()
    training = TrainingFactory(
        title=f"Bimtek {kind_of_training}",
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + datetime.timedelta(days=1),
        status=Training.Status.RUNNING,
    )
    session = SessionFactory(training=training, start_time=datetime.time(0, 0),
                             end_time=datetime.time(23, 59))
    speaker = SpeakerFactory()
    session.speakers.add(speaker)
    enrolment = EnrolmentFactory(training=training, employee=user.employee)
    question = make_question(training=training)
    for _ in range(2):
        make_question(training=training)
    assessment = configure_assessment(
        training=training,
        kind=Assessment.Kind.PRE,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=3),
        time_limit_minutes=20,
    )
    attempt = start_attempt(assessment=assessment, enrolment=enrolment)
    form = evaluation_form(training=training, is_anonymous=False)
    response = respond(form, enrolment)
    certificate, _new = issue_certificate(enrolment_id=enrolment.pk)
    run = IssueRun.objects.create(training=training)
    export = CertificateExport.objects.create(
        training=training,
        kind=CertificateExport.Kind.ZIP,
        set_key="0" * 64,
        certificate_ids=[certificate.pk],
        total=1,
    )
    staff_import = StaffListImport(
        original_filename="pegawai.xlsx", status=StaffListImport.Status.FAILED
    )
    staff_import.rejected_file.save("ditolak.xlsx", ContentFile(b"PK"), save=False)
    staff_import.save()
    return {
        "user": user,
        "employee": user.employee,
        "staff_import": staff_import,
        "training": training,
        "session": session,
        "speaker": speaker,
        "enrolment": enrolment,
        "question": question,
        "assessment": assessment,
        "attempt": attempt,
        "evaluation_form": form,
        "evaluation_response": response,
        "certificate": certificate,
        "run": run,
        "export": export,
        "checkin_token": checkin_tokens.make_token(
            session_id=session.pk, slot=checkin_tokens.slot_at()
        ),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Build the objects once per module; each test runs in a savepoint that rolls back."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        make_test_office()
        a = participant_user()
        b = participant_user()
        # Participant B's data sits apart from A's: another training, another certificate.
        built = {
            "a": _participant_world(a, kind_of_training="A"),
            "b": _participant_world(b, kind_of_training="B"),
            "organiser": organiser_user(username="penyelenggara"),
            "admin": admin_user(username="admin-kepegawaian"),
        }
        yield built
        transaction.set_rollback(True)


def _login_as(client, world, actor):
    if actor == "anonymous":
        return
    user = {
        "own": world["a"]["user"],
        "other": world["a"]["user"],
        "organiser": world["organiser"],
        "admin": world["admin"],
    }[actor]
    client.force_login(user)


def _outcome(response, login_prefix="/akun/login/") -> str:
    status = response.status_code
    if status in (301, 302, 303, 307) and response.headers["Location"].startswith(login_prefix):
        return LOGIN
    if status == 403:
        return DENIED
    if status == 404:
        return MISSING
    if status < 400 or status == 400:
        return OK
    return f"unexpected {status}"


def _ask(client, path):
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path, {})
    return response


def _cases():
    for name in sorted(MATRIX):
        for actor in ACTORS:
            yield pytest.param(name, actor, id=f"{name}-{actor}")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "actor"), list(_cases()))
def test_each_visitor_gets_what_the_matrix_says(client, world, name, actor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    kwargs_for, row = MATRIX[name]
    objects = world["b"] if actor == "other" else world["a"]
    path = reverse(name, kwargs=kwargs_for(objects) if kwargs_for else None)
    _login_as(client, world, actor)

    response = _ask(client, path)

    assert _outcome(response) == row[actor], (
        f"{name} for {actor}: {path} gave {response.status_code} "
        f"{response.headers.get('Location', '')}"
    )


# Which trainings an organiser sees: one rule, trainings_visible_to --------------------------------

# The organiser pages that list trainings; every other organiser page with arguments acts on one
# training (or its session, enrolment, question, attempt, certificate…), except these.
TRAINING_LISTS = (
    "trainings:training_list",
    "assessments:training_index",
    "evaluations:evaluation_list",
    "certificates:training_list",
)
# home_sessions lists this week's sessions on the home page; tests/test_home_dashboard.py checks
# that it follows the rule (trainings_visible_to).
NOT_OF_A_TRAINING = ("trainings:training_create", "trainings:speaker_edit", "home_sessions")
APPS = ("core", "participants", "trainings", "assessments", "evaluations", "certificates",
        "privacy", "bimtek")


def _organiser_pages(with_arguments: bool) -> list[str]:
    return sorted(
        name
        for name, (kwargs_for, row) in MATRIX.items()
        if row == ORGANISER_ONLY
        and (kwargs_for is not None) == with_arguments
        and name not in NOT_OF_A_TRAINING
    )


@pytest.fixture
def no_training_visible(monkeypatch):
    """Make the visibility rule hide every training, in every module that imported it."""
    rule = training_selectors.trainings_visible_to

    def nothing(user, **kwargs):
        return rule(user, **kwargs).none()

    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in APPS and getattr(module, "trainings_visible_to", None) is rule:
            monkeypatch.setattr(module, "trainings_visible_to", nothing)


def test_every_organiser_list_without_arguments_is_a_list_of_trainings():
    assert _organiser_pages(with_arguments=False) == sorted(TRAINING_LISTS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", TRAINING_LISTS)
def test_every_list_of_trainings_shows_only_what_the_rule_lets_the_organiser_see(
    client, world, name, request
):
    client.force_login(world["organiser"])
    code = world["a"]["training"].code
    assert code in client.get(reverse(name)).content.decode()

    request.getfixturevalue("no_training_visible")
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert code not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", _organiser_pages(with_arguments=True))
def test_every_page_of_a_training_is_missing_when_the_rule_hides_it(
    client, world, name, no_training_visible, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    kwargs_for, _row = MATRIX[name]
    client.force_login(world["organiser"])

    response = _ask(client, reverse(name, kwargs=kwargs_for(world["a"])))

    assert _outcome(response) == MISSING, f"{name} gave {response.status_code}"


# Third-party URLs, by prefix ---------------------------------------------------------------------


def _example_path(route: str) -> str:
    """Fill a route's placeholders with harmless values."""
    import re

    path = re.sub(r"<[^>]+>", "1", route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "x", path)
    return "/" + path.replace("^", "").replace("$", "")


ALLAUTH_ROUTES = sorted({route for _name, route in _walk() if route.startswith(ALLAUTH_PREFIX)})
ADMIN_ROUTES = sorted({route for _name, route in _walk() if route.startswith(ADMIN_PREFIX)})


def test_the_third_party_prefixes_hold_pages():
    assert len(ALLAUTH_ROUTES) >= 5
    assert len(ADMIN_ROUTES) >= 20


@pytest.mark.django_db
@pytest.mark.parametrize("route", ALLAUTH_ROUTES)
def test_allauth_pages_never_fail_or_refuse_a_visitor(client, route):
    response = client.get(_example_path(route))

    assert response.status_code in (200, 302, 404, 405), route


@pytest.mark.django_db
@pytest.mark.parametrize("route", ADMIN_ROUTES)
@pytest.mark.parametrize("actor", ["anonymous", "participant", "organiser"])
def test_the_admin_site_sends_everyone_but_staff_to_its_login(client, route, actor):
    if actor == "participant":
        client.force_login(participant_user())
    elif actor == "organiser":
        client.force_login(organiser_user())
    path = _example_path(route)
    if path.startswith("/admin/login") or path.startswith("/admin/logout"):
        return  # the admin's own login and logout pages

    response = client.get(path)

    assert response.status_code == 302, path
    assert response.headers["Location"].startswith("/admin/login/"), path


@pytest.mark.django_db
def test_the_staff_administrator_works_in_the_app_and_stays_out_of_the_django_admin(client):
    client.force_login(admin_user())

    # The Django admin is the superuser's: users, groups and permissions stay there, so an
    # administrator gives only the two roles of the accounts page (test_views_accounts).
    for path in ("/admin/", "/admin/participants/employee/", "/admin/auth/group/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("admin:login")), path


@pytest.mark.django_db
def test_a_plain_user_without_a_role_gets_nothing_of_the_organiser(client, world):
    client.force_login(UserFactory())

    assert client.get(reverse("trainings:training_list")).status_code == 403
    assert client.get(reverse("participants:employee_list")).status_code == 403
