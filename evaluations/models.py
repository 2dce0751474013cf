"""
The evaluation form of a training and what participants answered.

An EvaluationForm belongs to one training. Its Questions are the aspects participants rate on the
form's Likert scale, about the organisation and about each speaker, and the open questions.

Who answered and what they answered live in different tables, so that an anonymous form stays
anonymous:

- Response and Answer hold the answers. Neither has a column that points to a person, neither
  records when it was written, and their keys are random UUIDs, so their order says nothing
  about who answered first.
- Receipt records that an enrolment responded (one per person and form, enforced here). Only
  for a named form does it also point to the Response; for an anonymous form that link is empty,
  and a check constraint keeps it so.
"""

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import Audited

SCALE_SIZES = (4, 5)


class EvaluationForm(Audited):
    """A training's evaluation form: its scale, window, anonymity and certificate rule."""

    training = models.OneToOneField(
        "trainings.Training",
        verbose_name=_("training"),
        on_delete=models.PROTECT,
        related_name="evaluation_form",
    )
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_(
            "Nobody, organisers included, can see who gave which answers. Cannot be changed "
            "once someone has responded."
        ),
    )
    scale_max = models.PositiveSmallIntegerField(
        _("scale"), choices=[(4, _("1 to 4")), (5, _("1 to 5"))], default=5
    )
    scale_labels = models.JSONField(
        _("scale labels"), default=list, help_text=_("One label per value, from 1 upwards.")
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    required_for_certificate = models.BooleanField(
        _("required for the certificate"),
        default=False,
        help_text=_("Participants receive their certificate only after responding."),
    )

    class Meta:
        verbose_name = _("evaluation form")
        verbose_name_plural = _("evaluation forms")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__in=SCALE_SIZES), name="evaluationform_scale_size"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="evaluationform_closes_after_opening",
            ),
        ]
        permissions = [("view_results", _("Can see evaluation results"))]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"

    def get_absolute_url(self):
        return reverse("evaluations:form_settings", kwargs={"training_pk": self.training_id})

    @property
    def scale_values(self) -> list[int]:
        return list(range(1, self.scale_max + 1))


class Question(models.Model):
    """An aspect to rate (about the organisation or about each speaker) or an open question."""

    class Section(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        SPEAKER = "speaker", _("Speakers")
        OPEN = "open", _("Open questions")

    form = models.ForeignKey(
        EvaluationForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="questions"
    )
    section = models.CharField(_("section"), max_length=12, choices=Section)
    text = models.CharField(_("text"), max_length=300)
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["form", "section", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(section__in=["organisation", "speaker", "open"]),
                name="question_section_valid",
            ),
            models.UniqueConstraint(
                fields=["form", "section", "position"], name="question_position_unique"
            ),
        ]

    def __str__(self):
        return self.text


class Response(models.Model):
    """One participant's answers to a form. Deliberately without any link to the person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    form = models.ForeignKey(
        EvaluationForm, verbose_name=_("form"), on_delete=models.PROTECT, related_name="responses"
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["form", "id"]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class Answer(models.Model):
    """One answer of a response: a value on the scale, or the text of an open answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    speaker = models.ForeignKey(
        "trainings.Speaker",
        verbose_name=_("speaker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation_answers",
    )
    value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(value__isnull=False, value__gte=1, value__lte=5, text="")
                    | models.Q(value__isnull=True) & ~models.Q(text="")
                ),
                name="answer_value_or_text",
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=models.Q(speaker__isnull=True),
                name="answer_once_per_question",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "speaker"],
                condition=models.Q(speaker__isnull=False),
                name="answer_once_per_question_and_speaker",
            ),
        ]
        indexes = [models.Index(fields=["question", "speaker", "value"], name="answer_tally")]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class Receipt(models.Model):
    """The record that an enrolment responded to a form; the key to "nobody answers twice".

    response is set only for a named form; for an anonymous one it stays empty (see anonymous).
    """

    form = models.ForeignKey(
        EvaluationForm, verbose_name=_("form"), on_delete=models.PROTECT, related_name="receipts"
    )
    enrolment = models.ForeignKey(
        "trainings.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="evaluation_receipts",
    )
    anonymous = models.BooleanField(_("anonymous"))
    response = models.OneToOneField(
        Response,
        verbose_name=_("response"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipt",
    )
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["form", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["form", "enrolment"], name="receipt_one_per_person"),
            models.CheckConstraint(
                condition=(
                    models.Q(anonymous=True, response__isnull=True)
                    | models.Q(anonymous=False, response__isnull=False)
                ),
                name="receipt_anonymous_has_no_response",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"
