"""
The question bank of a training, its pre-test and post-test, and the participants' attempts.

An attempt's life: start_attempt() lays out the questions (shuffled, with shuffled options) as
one Answer row each, so the order stays the same on every reload; save_answer() fills in the
chosen option the moment it is chosen; submit_attempt() scores it. An attempt whose deadline has
passed counts as submitted with what was answered, whether or not anybody has closed it yet
(close_expired_attempts() writes its score). An organiser's reset keeps the attempt for the
record, with the reason, and lets the person start again. See assessments.services.
"""

import string

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Audited

OPTION_LETTERS = string.ascii_uppercase[:6]  # A–F
MIN_OPTIONS = 2
MAX_OPTIONS = len(OPTION_LETTERS)


class Question(Audited):
    """A multiple-choice question in a training's bank: one correct option of two to six."""

    training = models.ForeignKey(
        "trainings.Training",
        verbose_name=_("training"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    text = models.TextField(_("question"))
    topic = models.ForeignKey(
        "trainings.Session",
        verbose_name=_("topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        help_text=_("The session of the training that teaches this."),
    )
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_("Shown to participants with the answer key once the results are released."),
    )
    position = models.PositiveIntegerField(_("number"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["training", "position", "pk"]
        indexes = [models.Index(fields=["training", "position"], name="question_training_position")]

    def __str__(self):
        return self.text[:80]


class Option(models.Model):
    """One answer option of a question, A to F."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    position = models.PositiveSmallIntegerField(_("letter"))  # 0 = A
    text = models.TextField(_("option"))
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="option_letter_unique"),
            models.UniqueConstraint(
                fields=["question"], condition=models.Q(is_correct=True), name="option_one_correct"
            ),
            models.CheckConstraint(
                condition=models.Q(position__lt=MAX_OPTIONS), name="option_letter_a_to_f"
            ),
        ]

    def __str__(self):
        return f"{self.letter}. {self.text[:60]}"

    @property
    def letter(self) -> str:
        return OPTION_LETTERS[self.position]


class Assessment(Audited):
    """A training's pre-test or post-test: which questions, when it is open, how long it takes."""

    class Kind(models.TextChoices):
        PRE = "pre", _("Pre-test")
        POST = "post", _("Post-test")

    training = models.ForeignKey(
        "trainings.Training",
        verbose_name=_("training"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    kind = models.CharField(_("kind"), max_length=4, choices=Kind)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        default=20,
        help_text=_(
            "Counted from the moment a participant starts; the clock keeps running if they leave."
        ),
    )
    all_questions = models.BooleanField(
        _("all questions of the bank"),
        default=True,
        help_text=_("Otherwise only the questions chosen below."),
    )
    questions = models.ManyToManyField(
        Question, verbose_name=_("chosen questions"), blank=True, related_name="assessments"
    )
    shuffle_questions = models.BooleanField(_("shuffle the questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle the options"), default=True)
    pass_mark = models.DecimalField(
        _("pass mark (KKM)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Post-test score needed to pass, 0–100. Leave empty: a Bimtek usually has none."
        ),
    )
    results_released_at = models.DateTimeField(_("results released"), null=True, blank=True)

    class Meta:
        verbose_name = _("test")
        verbose_name_plural = _("tests")
        ordering = ["training", "-kind"]  # "pre" before "post"
        constraints = [
            models.UniqueConstraint(fields=["training", "kind"], name="assessment_one_per_kind"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["pre", "post"]), name="assessment_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="assessment_closes_after_opens",
            ),
            models.CheckConstraint(
                condition=models.Q(time_limit_minutes__gt=0), name="assessment_time_limit_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark__isnull=True)
                | models.Q(pass_mark__gte=0, pass_mark__lte=100, kind="post"),
                name="assessment_pass_mark_on_post_0_100",
            ),
        ]
        permissions = [
            ("manage_tests", _("Can manage question banks and tests")),
            ("view_results", _("Can see test results and analysis")),
        ]

    def __str__(self):
        return str(self.get_kind_display())

    @property
    def is_post(self) -> bool:
        return self.kind == self.Kind.POST


class Attempt(models.Model):
    """One participant's sitting of a test, from start to score."""

    class SubmittedHow(models.TextChoices):
        PARTICIPANT = "participant", _("Submitted by the participant")
        DEADLINE = "deadline", _("Time ran out")

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("test"), on_delete=models.PROTECT, related_name="attempts"
    )
    enrolment = models.ForeignKey(
        "trainings.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="test_attempts",
    )
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_how = models.CharField(
        _("submitted how"), max_length=12, choices=SubmittedHow, blank=True
    )
    question_count = models.PositiveSmallIntegerField(_("questions"))
    correct_count = models.PositiveSmallIntegerField(_("correct answers"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    reset_at = models.DateTimeField(_("reset"), null=True, blank=True)
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reset by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reset_reason = models.CharField(_("reason for the reset"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["assessment", "started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "enrolment"],
                condition=models.Q(reset_at__isnull=True),
                name="attempt_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("started_at")),
                name="attempt_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_at__isnull=True)
                | models.Q(score__isnull=False, correct_count__isnull=False),
                name="attempt_submitted_is_scored",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="attempt_score_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(reset_at__isnull=True) | ~models.Q(reset_reason=""),
                name="attempt_reset_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"

    def is_finished(self, now) -> bool:
        """Return whether the attempt is over: submitted, or out of time."""
        return self.submitted_at is not None or now >= self.deadline


class Answer(models.Model):
    """A question as one attempt shows it (its place, its option order) and the option chosen."""

    attempt = models.ForeignKey(
        Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    position = models.PositiveSmallIntegerField(_("number"))  # 1-based, as the participant sees it
    option_order = models.JSONField(_("option order"))  # option ids, as the participant sees them
    chosen = models.ForeignKey(
        Option,
        verbose_name=_("chosen option"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="answer_one_per_question"),
            models.UniqueConstraint(fields=["attempt", "position"], name="answer_position_unique"),
            models.CheckConstraint(
                condition=models.Q(chosen__isnull=True, answered_at__isnull=True)
                | models.Q(chosen__isnull=False, answered_at__isnull=False),
                name="answer_chosen_has_time",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"
