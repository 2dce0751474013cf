"""
Who receives a certificate, and why not: a checklist per enrolled participant.

The rules, each shown on the issuing page:

- attendance: at least Training.min_attendance_percent of the sessions with a status in
  Training.attended_statuses (by default Hadir, Terlambat, Dinas Luar);
- post-test: taken, and passed when the test has a pass mark (assessments.selectors);
- evaluation: submitted, when the training requires one (evaluations.selectors);
- an organiser's override, with its recorded reason, makes anyone eligible.

The post-test and evaluation rules come from the assessments and evaluations apps' selectors.
The post-test rule applies only when the training has a post-test.

eligibility_for_training() runs a fixed number of queries whatever the number of participants.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment
from assessments.selectors import post_test_status
from trainings.models import Attendance, Enrolment, Session, Training
from evaluations.selectors import evaluation_required, respondent_enrolment_ids


@dataclass
class Check:
    key: str
    label: str
    ok: bool
    detail: str = ""
    required: bool = True


@dataclass
class EligibilityRow:
    enrolment: Enrolment
    attended: int
    sessions: int
    checks: list[Check] = field(default_factory=list)
    override: object = None  # EligibilityOverride or None

    @property
    def meets_rules(self) -> bool:
        return all(check.ok for check in self.checks if check.required)

    @property
    def eligible(self) -> bool:
        return self.meets_rules or self.override is not None

    @property
    def reasons(self) -> list[str]:
        return [check.detail for check in self.checks if check.required and not check.ok]

    @property
    def attendance_percent(self) -> int:
        return self.attended * 100 // self.sessions if self.sessions else 0


def _post_test_statuses(training: Training):
    """Return {enrolment id: PostTestStatus} if the training has a post-test, else None."""
    if not Assessment.objects.filter(training=training, kind=Assessment.Kind.POST).exists():
        return None
    return post_test_status(training=training)


def _evaluation(training: Training):
    """Return (required, respondent enrolment ids)."""
    if not evaluation_required(training=training):
        return False, set()
    return True, respondent_enrolment_ids(training=training)


def enrolled_for_certificates(*, training: Training):
    """Return the training's enrolled participants, directory entry, unit and override joined."""
    return (
        Enrolment.objects.filter(training=training, status=Enrolment.Status.ENROLLED)
        .select_related("employee", "employee__unit", "certificate_override__created_by")
        .order_by("employee__name", "pk")
    )


def eligibility_for_training(*, training: Training) -> list[EligibilityRow]:
    """Return every enrolled participant's checklist, in name order."""
    enrolments = list(enrolled_for_certificates(training=training))
    session_count = Session.objects.filter(training=training).count()
    statuses = list(training.attended_statuses or [])
    attended = dict(
        Attendance.objects.filter(session__training=training, status__in=statuses)
        .values("enrolment")
        .annotate(n=Count("pk", filter=Q(status__in=statuses)))
        .values_list("enrolment", "n")
    )
    post_tests = _post_test_statuses(training)
    post_test_required = post_tests is not None
    evaluation_required, respondents = _evaluation(training)
    minimum = training.min_attendance_percent

    rows = []
    for enrolment in enrolments:
        count = attended.get(enrolment.pk, 0)
        row = EligibilityRow(
            enrolment=enrolment,
            attended=count,
            sessions=session_count,
            override=getattr(enrolment, "certificate_override", None),
        )
        attendance_ok = session_count > 0 and count * 100 >= minimum * session_count
        row.checks.append(
            Check(
                key="attendance",
                label=str(_("Attendance")),
                ok=attendance_ok,
                detail=(
                    str(_("The training has no sessions."))
                    if not session_count
                    else str(
                        _("Attended %(count)d of %(total)d sessions; %(minimum)d%% needed.")
                        % {"count": count, "total": session_count, "minimum": minimum}
                    )
                ),
            )
        )
        row.checks.append(_post_test_check(post_tests, post_test_required, enrolment.pk))
        row.checks.append(
            Check(
                key="evaluation",
                label=str(_("Evaluation")),
                ok=(not evaluation_required) or enrolment.pk in respondents,
                required=evaluation_required,
                detail=str(
                    _("Evaluation submitted.")
                    if enrolment.pk in respondents
                    else _("Evaluation not submitted.")
                    if evaluation_required
                    else _("No evaluation required.")
                ),
            )
        )
        rows.append(row)
    return rows


def _post_test_check(post_tests, required: bool, enrolment_id: int) -> Check:
    label = str(_("Post-test"))
    if not required:
        return Check(
            key="post_test",
            label=label,
            ok=True,
            required=False,
            detail=str(_("No post-test required.")),
        )
    status = post_tests.get(enrolment_id)
    if status is None or not status.taken:
        return Check(key="post_test", label=label, ok=False, detail=str(_("Post-test not taken.")))
    if status.passed is False:
        return Check(
            key="post_test",
            label=label,
            ok=False,
            detail=str(_("Post-test not passed (score %(score)s).") % {"score": status.score}),
        )
    return Check(
        key="post_test",
        label=label,
        ok=True,
        detail=str(_("Post-test taken (score %(score)s).") % {"score": status.score}),
    )
