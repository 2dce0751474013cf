"""Forms: the organiser's form settings and the participant's evaluation form."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import WithoutControlCharacters
from evaluations import defaults
from evaluations.models import EvaluationForm, Question

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class EvaluationSettingsForm(WithoutControlCharacters, forms.Form):
    """The settings and questions of a training's evaluation form."""

    opens_at = forms.DateTimeField(
        label=_("Opens"), widget=LocalDateTimeInput(), input_formats=[DATETIME_FORMAT]
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"), widget=LocalDateTimeInput(), input_formats=[DATETIME_FORMAT]
    )
    required_for_certificate = forms.BooleanField(
        label=_("Participants must respond before they receive their certificate"),
        required=False,
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous: nobody, organisers included, can see who gave which answers"),
        required=False,
    )
    scale_max = forms.TypedChoiceField(
        label=_("Scale"),
        choices=[(5, _("1 to 5")), (4, _("1 to 4"))],
        coerce=int,
        widget=forms.RadioSelect,
    )
    scale_labels = forms.CharField(
        label=_("Labels of the scale values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line, from 1 upwards. Leave empty for the standard labels."),
    )
    organisation_aspects = forms.CharField(
        label=_("Aspects of the organisation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One aspect per line."),
    )
    speaker_aspects = forms.CharField(
        label=_("Aspects asked about each speaker"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("One aspect per line. Participants rate each speaker once per training."),
    )
    open_questions = forms.CharField(
        label=_("Open questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One question per line. Participants may leave them empty."),
    )

    LOCKED_WITH_RESPONSES = (
        "is_anonymous",
        "scale_max",
        "scale_labels",
        "organisation_aspects",
        "speaker_aspects",
        "open_questions",
    )

    def __init__(self, *args, evaluation_form: EvaluationForm, locked: bool, **kwargs):
        kwargs.setdefault("initial", self.initial_for(evaluation_form))
        super().__init__(*args, **kwargs)
        self.evaluation_form = evaluation_form
        self.locked = locked
        if locked:
            for name in self.LOCKED_WITH_RESPONSES:
                self.fields[name].disabled = True

    @staticmethod
    def initial_for(form: EvaluationForm) -> dict:
        texts: dict[str, list[str]] = {value: [] for value in Question.Section.values}
        for question in form.questions.all():
            texts[question.section].append(question.text)
        return {
            "opens_at": form.opens_at,
            "closes_at": form.closes_at,
            "required_for_certificate": form.required_for_certificate,
            "is_anonymous": form.is_anonymous,
            "scale_max": form.scale_max,
            "scale_labels": "\n".join(form.scale_labels),
            "organisation_aspects": "\n".join(texts[Question.Section.ORGANISATION]),
            "speaker_aspects": "\n".join(texts[Question.Section.SPEAKER]),
            "open_questions": "\n".join(texts[Question.Section.OPEN]),
        }

    def service_arguments(self) -> dict:
        """Return the cleaned data as update_evaluation_form's keyword arguments."""
        data = self.cleaned_data
        arguments = {
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "required_for_certificate": data["required_for_certificate"],
        }
        if not self.locked:
            arguments |= {
                "is_anonymous": data["is_anonymous"],
                "scale_max": data["scale_max"],
                "scale_labels": self._labels(data["scale_labels"], data["scale_max"]),
                "organisation_aspects": _lines(data["organisation_aspects"]),
                "speaker_aspects": _lines(data["speaker_aspects"]),
                "open_questions": _lines(data["open_questions"]),
            }
        return arguments

    def _labels(self, text: str, scale_max: int) -> list[str]:
        """Return the labels typed, or the standard ones if left empty or left as they were
        for the other scale."""
        labels = _lines(text)
        previous = defaults.default_scale_labels(self.evaluation_form.scale_max)
        if not labels or (scale_max != self.evaluation_form.scale_max and labels == previous):
            return defaults.default_scale_labels(scale_max)
        return labels


# The participant's form ------------------------------------------------------------------------


@dataclass
class RatingRow:
    """One question of the participant's form with its bound field."""

    question: Question
    field: forms.BoundField


@dataclass
class FormSection:
    """A section of the participant's form: the organisation, one speaker, or open questions."""

    key: str
    title: str
    rows: list[RatingRow]
    speaker: object = None


class ResponseForm(WithoutControlCharacters, forms.Form):
    """A participant's answers: a radio group per aspect (per speaker), a text box per question.

    Field names: org-<question>, spk-<speaker>-<question>, open-<question>.
    """

    use_required_attribute = False  # the server lists every missing answer at once

    def __init__(self, *args, evaluation_form: EvaluationForm, questions, speakers, **kwargs):
        super().__init__(*args, **kwargs)
        self.evaluation_form = evaluation_form
        self.questions = questions
        self.speakers = speakers
        choices = list(zip(evaluation_form.scale_values, evaluation_form.scale_labels))
        missing = _("Please choose one of the values.")
        self._keys: dict[str, tuple[int, int | None]] = {}
        for question in questions[Question.Section.ORGANISATION]:
            self._add_rating(f"org-{question.pk}", question, None, choices, missing)
        for speaker in speakers:
            for question in questions[Question.Section.SPEAKER]:
                self._add_rating(
                    f"spk-{speaker.pk}-{question.pk}", question, speaker, choices, missing
                )
        for question in questions[Question.Section.OPEN]:
            self.fields[f"open-{question.pk}"] = forms.CharField(
                label=question.text,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def _add_rating(self, name, question, speaker, choices, missing):
        self.fields[name] = forms.TypedChoiceField(
            label=question.text,
            choices=choices,
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": missing},
        )
        self._keys[name] = (question.pk, speaker.pk if speaker else None)

    def sections(self) -> list[FormSection]:
        """Return the form's sections in the order the page shows them."""
        result = []
        organisation = self.questions[Question.Section.ORGANISATION]
        if organisation:
            result.append(
                FormSection(
                    key="org",
                    title=_("Organisation of the training"),
                    rows=[RatingRow(q, self[f"org-{q.pk}"]) for q in organisation],
                )
            )
        for speaker in self.speakers:
            result.append(
                FormSection(
                    key=f"spk-{speaker.pk}",
                    title=speaker.full_name,
                    speaker=speaker,
                    rows=[
                        RatingRow(q, self[f"spk-{speaker.pk}-{q.pk}"])
                        for q in self.questions[Question.Section.SPEAKER]
                    ],
                )
            )
        return result

    def open_fields(self) -> list[forms.BoundField]:
        return [self[f"open-{q.pk}"] for q in self.questions[Question.Section.OPEN]]

    def missing(self) -> list[tuple[str, forms.BoundField]]:
        """Return (section title, field) for each unanswered rating, in page order."""
        return [
            (section.title, row.field)
            for section in self.sections()
            for row in section.rows
            if row.field.errors
        ]

    def ratings(self) -> dict[tuple[int, int | None], int]:
        return {key: self.cleaned_data[name] for name, key in self._keys.items()}

    def open_answers(self) -> dict[int, str]:
        return {
            q.pk: self.cleaned_data[f"open-{q.pk}"] for q in self.questions[Question.Section.OPEN]
        }
