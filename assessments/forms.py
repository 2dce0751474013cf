"""Forms of the test pages. They collect input; the services decide what is valid."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import WithoutControlCharacters, add_service_errors
from trainings.models import Session, Training

from assessments.models import OPTION_LETTERS, Assessment, Question

LETTER_CHOICES = [(letter, letter) for letter in OPTION_LETTERS]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class QuestionForm(WithoutControlCharacters, forms.Form):
    """A question with options A–F (A and B required), the key and an optional topic."""

    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    option_a = forms.CharField(label=_("Option A"), widget=forms.Textarea(attrs={"rows": 1}))
    option_b = forms.CharField(label=_("Option B"), widget=forms.Textarea(attrs={"rows": 1}))
    option_c = forms.CharField(
        label=_("Option C"), required=False, widget=forms.Textarea(attrs={"rows": 1})
    )
    option_d = forms.CharField(
        label=_("Option D"), required=False, widget=forms.Textarea(attrs={"rows": 1})
    )
    option_e = forms.CharField(
        label=_("Option E"), required=False, widget=forms.Textarea(attrs={"rows": 1})
    )
    option_f = forms.CharField(
        label=_("Option F"), required=False, widget=forms.Textarea(attrs={"rows": 1})
    )
    correct = forms.ChoiceField(
        label=_("Correct option (key)"), choices=LETTER_CHOICES, widget=forms.RadioSelect
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Session.objects.none(),
        required=False,
        help_text=_("The session that teaches this; the analysis groups questions by it."),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to participants with the key once the results are released."),
    )

    OPTION_FIELDS = [f"option_{letter.lower()}" for letter in OPTION_LETTERS]

    def __init__(self, *args, training: Training, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Session.objects.filter(training=training).order_by(
            "date", "start_time", "pk"
        )

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        options = list(question.options.all())
        initial = {
            "text": question.text,
            "topic": question.topic_id,
            "explanation": question.explanation,
            "correct": next((o.letter for o in options if o.is_correct), None),
        }
        for option in options:
            initial[cls.OPTION_FIELDS[option.position]] = option.text
        return initial

    def service_data(self) -> dict:
        """Return the cleaned data as the bank services take it."""
        data = self.cleaned_data
        return {
            "text": data["text"],
            "options": [data.get(name, "") for name in self.OPTION_FIELDS],
            "correct": OPTION_LETTERS.index(data["correct"]),
            "topic": data.get("topic"),
            "explanation": data.get("explanation", ""),
        }

    def add_service_errors(self, error) -> None:
        """Put a service's ValidationError on the matching fields."""
        add_service_errors(self, error)


class QuestionImportForm(WithoutControlCharacters, forms.Form):
    file = forms.FileField(
        label=_("Question file"),
        help_text=_(
            "XLSX or CSV with the columns Pertanyaan, A, B, C, D, E, Kunci, Topik (Penjelasan "
            "optional), or a Moodle Aiken file saved as .txt."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )


class BankCopyForm(WithoutControlCharacters, forms.Form):
    source = forms.ModelChoiceField(
        label=_("Copy the questions of"), queryset=Training.objects.none(), empty_label=None
    )

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        self.fields["source"].label_from_instance = lambda training: (
            _("%(code)s – %(title)s (%(count)d questions)")
            % {"code": training.code, "title": training.title, "count": training.question_count}
        )


class AssessmentForm(WithoutControlCharacters, forms.Form):
    """A pre-test's or post-test's window, time limit, questions and (post-test) pass mark."""

    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeInput())
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"),
        min_value=1,
        max_value=300,
        initial=20,
        help_text=_(
            "Counted from the moment a participant starts; the clock keeps running if they leave."
        ),
    )
    all_questions = forms.BooleanField(
        label=_("Ask all the questions of the bank"), required=False, initial=True
    )
    questions = forms.ModelMultipleChoiceField(
        label=_("Or only these questions"),
        queryset=Question.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    shuffle_questions = forms.BooleanField(
        label=_("Shuffle the questions for each participant"), required=False, initial=True
    )
    shuffle_options = forms.BooleanField(
        label=_("Shuffle the options for each participant"), required=False, initial=True
    )
    pass_mark = forms.DecimalField(
        label=_("Pass mark (KKM)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text=_("Leave empty: a Bimtek usually has no pass mark. Certificates can use it."),
    )

    def __init__(self, *args, training: Training, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = Question.objects.filter(training=training).order_by(
            "position", "pk"
        )
        self.fields["questions"].label_from_instance = lambda q: f"{q.position}. {q.text[:120]}"
        if kind != Assessment.Kind.POST:
            del self.fields["pass_mark"]

    @classmethod
    def initial_for(cls, assessment: Assessment) -> dict:
        return {
            "opens_at": assessment.opens_at,
            "closes_at": assessment.closes_at,
            "time_limit_minutes": assessment.time_limit_minutes,
            "all_questions": assessment.all_questions,
            "questions": list(assessment.questions.values_list("pk", flat=True)),
            "shuffle_questions": assessment.shuffle_questions,
            "shuffle_options": assessment.shuffle_options,
            "pass_mark": assessment.pass_mark,
        }


class ResetForm(WithoutControlCharacters, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the reset"),
        max_length=300,
        help_text=_(
            'Recorded with the attempt, e.g. "Phone battery died; test taken again on paper".'
        ),
    )
