"""
Writes for evaluations: setting up a training's form and recording a participant's response.

Every function raises ValidationError with a code when it refuses. The form's row is locked
(select_for_update) by both the organiser's changes and a participant's submission, so a form
cannot turn anonymous (or named) while someone's answers are being written.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from office.selectors import office_zone
from trainings.models import Enrolment, Training

from evaluations import defaults
from evaluations.models import SCALE_SIZES, Answer, EvaluationForm, Question, Receipt, Response
from evaluations.selectors import speakers_of_training

logger = logging.getLogger(__name__)

MAX_QUESTIONS_PER_SECTION = 30
MAX_OPEN_ANSWER_LENGTH = 2000

SECTION_FIELDS = {
    Question.Section.ORGANISATION: "organisation_aspects",
    Question.Section.SPEAKER: "speaker_aspects",
    Question.Section.OPEN: "open_questions",
}


def default_window(training: Training) -> tuple[datetime.datetime, datetime.datetime]:
    """Return a new form's window: the training's last day until a week after it, office time."""
    zone = office_zone()
    opens = datetime.datetime.combine(training.end_date, datetime.time(0, 0), tzinfo=zone)
    closes = datetime.datetime.combine(
        training.end_date + datetime.timedelta(days=defaults.CLOSES_DAYS_AFTER_END + 1),
        datetime.time(0, 0),
        tzinfo=zone,
    )
    return opens, closes


def _lock_form(form: EvaluationForm) -> EvaluationForm:
    return EvaluationForm.objects.select_for_update().select_related("training").get(pk=form.pk)


def _clean_texts(texts, *, field: str) -> list[str]:
    cleaned = [" ".join(text.split()) for text in texts]
    cleaned = [text for text in cleaned if text]
    if len(cleaned) > MAX_QUESTIONS_PER_SECTION:
        raise ValidationError(
            {
                field: ValidationError(
                    _("At most %(max)d questions per section."),
                    code="too_many_questions",
                    params={"max": MAX_QUESTIONS_PER_SECTION},
                )
            }
        )
    seen = set()
    for text in cleaned:
        if len(text) > Question._meta.get_field("text").max_length:
            raise ValidationError(
                {
                    field: ValidationError(
                        _("“%(text)s…” is too long: at most 300 characters."),
                        code="question_too_long",
                        params={"text": text[:40]},
                    )
                }
            )
        if text.casefold() in seen:
            raise ValidationError(
                {
                    field: ValidationError(
                        _("“%(text)s” is listed twice."),
                        code="duplicate_question",
                        params={"text": text},
                    )
                }
            )
        seen.add(text.casefold())
    return cleaned


def _clean_labels(labels, *, scale_max: int) -> list[str]:
    labels = [" ".join(label.split()) for label in labels]
    if len(labels) != scale_max or not all(labels) or any(len(label) > 40 for label in labels):
        raise ValidationError(
            {
                "scale_labels": ValidationError(
                    _("Give exactly %(count)d labels of at most 40 characters, one per value."),
                    code="labels_invalid",
                    params={"count": scale_max},
                )
            }
        )
    return labels


def _replace_questions(form: EvaluationForm, section: str, texts: list[str]) -> None:
    form.questions.filter(section=section).delete()
    Question.objects.bulk_create(
        Question(form=form, section=section, text=text, position=position)
        for position, text in enumerate(texts, start=1)
    )


@transaction.atomic
def create_evaluation_form(
    *,
    training: Training,
    created_by=None,
    is_anonymous: bool = True,
    scale_max: int = defaults.DEFAULT_SCALE,
) -> EvaluationForm:
    """Give a training its evaluation form, with the default aspects and open questions."""
    training = Training.objects.select_for_update().get(pk=training.pk)
    if EvaluationForm.objects.filter(training=training).exists():
        raise ValidationError(
            _("This training already has an evaluation form."), code="form_exists"
        )
    if scale_max not in SCALE_SIZES:
        raise ValidationError(
            {"scale_max": ValidationError(_("The scale must be 1–4 or 1–5."), code="scale_invalid")}
        )
    opens_at, closes_at = default_window(training)
    form = EvaluationForm(
        training=training,
        is_anonymous=is_anonymous,
        scale_max=scale_max,
        scale_labels=defaults.default_scale_labels(scale_max),
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=created_by,
    )
    form.full_clean()
    try:
        with transaction.atomic():
            form.save()
    except IntegrityError as error:  # a second click that got past the check above
        raise ValidationError(
            _("This training already has an evaluation form."), code="form_exists"
        ) from error
    for section, texts in defaults.default_questions().items():
        _replace_questions(form, section, texts)
    logger.info("Evaluation form %s created for training %s", form.pk, training.pk)
    return form


@transaction.atomic
def update_evaluation_form(
    *,
    form: EvaluationForm,
    is_anonymous: bool | None = None,
    scale_max: int | None = None,
    scale_labels: list[str] | None = None,
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
    required_for_certificate: bool | None = None,
    organisation_aspects: list[str] | None = None,
    speaker_aspects: list[str] | None = None,
    open_questions: list[str] | None = None,
) -> EvaluationForm:
    """Change a form's settings and questions; None leaves a setting as it is.

    Once anyone has responded, anonymity, the scale and the questions are fixed: changing them
    would mislabel the answers already given (or expose the people who gave them).
    """
    form = _lock_form(form)
    has_responses = form.receipts.exists()
    current = _current_texts(form)
    wanted_texts = {
        Question.Section.ORGANISATION: organisation_aspects,
        Question.Section.SPEAKER: speaker_aspects,
        Question.Section.OPEN: open_questions,
    }
    new_texts = {
        section: _clean_texts(texts, field=SECTION_FIELDS[section])
        for section, texts in wanted_texts.items()
        if texts is not None
    }
    changed_texts = {
        section: texts for section, texts in new_texts.items() if texts != current[section]
    }

    errors = {}
    if is_anonymous is not None and is_anonymous != form.is_anonymous and has_responses:
        errors["is_anonymous"] = ValidationError(
            _(
                "Participants have already responded under the promise that was shown to them, "
                "so the form cannot be made anonymous or named any more."
            ),
            code="anonymity_locked",
        )
    new_scale = form.scale_max if scale_max is None else scale_max
    if new_scale not in SCALE_SIZES:
        errors["scale_max"] = ValidationError(
            _("The scale must be 1–4 or 1–5."), code="scale_invalid"
        )
    elif new_scale != form.scale_max and has_responses:
        errors["scale_max"] = ValidationError(
            _("Participants have already answered on this scale, so it cannot change."),
            code="scale_locked",
        )
    if scale_labels is None and new_scale != form.scale_max and "scale_max" not in errors:
        scale_labels = defaults.default_scale_labels(new_scale)
    if scale_labels is not None and "scale_max" not in errors:
        try:
            scale_labels = _clean_labels(scale_labels, scale_max=new_scale)
        except ValidationError as error:
            errors.update(error.error_dict)
        else:
            if scale_labels != form.scale_labels and has_responses:
                errors["scale_labels"] = ValidationError(
                    _("Participants have already answered with these labels, so they are fixed."),
                    code="scale_locked",
                )
    if changed_texts and has_responses:
        for section in changed_texts:
            errors[SECTION_FIELDS[section]] = ValidationError(
                _(
                    "Participants have already answered these questions, so they cannot be "
                    "changed any more."
                ),
                code="questions_locked",
            )
    rating_sections = (Question.Section.ORGANISATION, Question.Section.SPEAKER)
    if not any(new_texts.get(section, current[section]) for section in rating_sections):
        errors["organisation_aspects"] = ValidationError(
            _("The form needs at least one aspect to rate."), code="no_questions"
        )
    new_opens = opens_at or form.opens_at
    new_closes = closes_at or form.closes_at
    if new_closes <= new_opens:
        errors["closes_at"] = ValidationError(
            _("The form must close after it opens."), code="window_invalid"
        )
    if errors:
        raise ValidationError(errors)

    if is_anonymous is not None:
        form.is_anonymous = is_anonymous
    form.scale_max = new_scale
    if scale_labels is not None:
        form.scale_labels = scale_labels
    form.opens_at, form.closes_at = new_opens, new_closes
    if required_for_certificate is not None:
        form.required_for_certificate = required_for_certificate
    form.full_clean()
    form.save()
    for section, texts in changed_texts.items():
        _replace_questions(form, section, texts)
    logger.info("Evaluation form %s changed", form.pk)
    return form


def _current_texts(form: EvaluationForm) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {section: [] for section in Question.Section.values}
    for section, text in form.questions.order_by("position", "pk").values_list("section", "text"):
        texts[section].append(text)
    return texts


@transaction.atomic
def submit_response(
    *,
    form: EvaluationForm,
    enrolment: Enrolment,
    ratings: dict[tuple[int, int | None], int],
    open_answers: dict[int, str] | None = None,
    now: datetime.datetime | None = None,
) -> Receipt:
    """Record a participant's answers, once; anonymous answers are stored apart from them.

    ratings maps (question id, speaker id or None) to a value on the form's scale: every
    organisation aspect once, every speaker aspect once per speaker of the training. open_answers
    maps open question ids to text; they may be left out or blank.
    """
    now = now or timezone.now()
    form = _lock_form(form)
    if enrolment.training_id != form.training_id or enrolment.status != Enrolment.Status.ENROLLED:
        raise ValidationError(
            _("Only participants enrolled in this training can fill in its evaluation."),
            code="not_enrolled",
        )
    if now < form.opens_at:
        raise ValidationError(_("The evaluation is not open yet."), code="not_open")
    if now >= form.closes_at:
        raise ValidationError(_("The evaluation is closed."), code="closed")
    if Receipt.objects.filter(form=form, enrolment=enrolment).exists():
        raise ValidationError(
            _("You have already filled in this evaluation. Thank you!"), code="already_responded"
        )
    answers = _answers_for(form, ratings=ratings, open_answers=open_answers or {})

    try:
        with transaction.atomic():
            response = Response.objects.create(form=form)
            for answer in answers:
                answer.response = response
            Answer.objects.bulk_create(answers)
            receipt = Receipt.objects.create(
                form=form,
                enrolment=enrolment,
                anonymous=form.is_anonymous,
                response=None if form.is_anonymous else response,
                submitted_at=now,
            )
    except IntegrityError as error:  # the same person's second submit, in a race
        raise ValidationError(
            _("You have already filled in this evaluation. Thank you!"), code="already_responded"
        ) from error
    # Never log the response's id: with the receipt's time it would name the respondent.
    logger.info("Evaluation form %s: enrolment %s responded", form.pk, enrolment.pk)
    return receipt


def _answers_for(form: EvaluationForm, *, ratings: dict, open_answers: dict) -> list[Answer]:
    """Check the answers against the form and return them as unsaved Answer rows."""
    questions = list(form.questions.all())
    speakers = speakers_of_training(training=form.training)
    expected = {}
    for question in questions:
        if question.section == Question.Section.ORGANISATION:
            expected[(question.pk, None)] = (question, None)
        elif question.section == Question.Section.SPEAKER:
            for speaker in speakers:
                expected[(question.pk, speaker.pk)] = (question, speaker)
    open_ids = {q.pk: q for q in questions if q.section == Question.Section.OPEN}

    unknown = (set(ratings) - set(expected)) | (set(open_answers) - set(open_ids))
    if unknown:
        raise ValidationError(
            _("The form has changed since you opened it. Please check your answers."),
            code="unknown_question",
        )
    missing = [key for key in expected if ratings.get(key) is None]
    if missing:
        raise ValidationError(
            _("Please answer every question (%(count)d left)."),
            code="incomplete",
            params={"count": len(missing), "missing": missing},
        )
    rows = []
    for key, (question, speaker) in expected.items():
        value = ratings[key]
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not (1 <= value <= form.scale_max)
        ):
            raise ValidationError(
                _("Every answer must be a value from 1 to %(max)d."),
                code="invalid_value",
                params={"max": form.scale_max},
            )
        rows.append(Answer(question=question, speaker=speaker, value=value))
    for question_id, text in open_answers.items():
        text = (text or "").strip()
        if len(text) > MAX_OPEN_ANSWER_LENGTH:
            raise ValidationError(
                _("An answer can be at most %(max)d characters long."),
                code="answer_too_long",
                params={"max": MAX_OPEN_ANSWER_LENGTH},
            )
        if text:
            rows.append(Answer(question=open_ids[question_id], text=text))
    return rows
