"""Forms of the training pages: a training, a session with its speakers, a new batch."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import WithoutControlCharacters
from participants.models import Unit

from trainings.models import Attendance, Session, Speaker, Training
from trainings.selectors.trainings import organisers_for_choice, speakers_for_choice


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class TrainingForm(WithoutControlCharacters, forms.Form):
    """A training's details and certificate rules; the training services check the rest."""

    code = forms.CharField(
        label=_("Code"), max_length=40,
        help_text=_("A short unique code, e.g. BIMTEK-PP-2022."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    organiser_unit = forms.ModelChoiceField(
        label=_("Organising unit"), queryset=Unit.objects.order_by("name")
    )
    venue = forms.CharField(
        label=_("Venue"), max_length=200, required=False,
        help_text=_(
            "As the certificates and attendance sheets print it, e.g. Aula BKPSDM Lantai 2."
        ),
    )
    batch = forms.IntegerField(label=_("Batch (angkatan)"), min_value=1, max_value=999, initial=1)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), widget=DateInput())
    quota = forms.IntegerField(label=_("Quota"), min_value=1, max_value=9999, initial=55)
    contact_name = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    min_attendance_percent = forms.IntegerField(
        label=_("Minimum attendance for a certificate (%)"), min_value=0, max_value=100,
        initial=100,
        help_text=_("Share of the sessions a participant must attend. Common practice: 90 to 100."),
    )
    attended_statuses = forms.MultipleChoiceField(
        label=_("Statuses that count as attended"),
        choices=Attendance.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["hadir", "terlambat", "dinas_luar"],
    )
    requires_signature = forms.BooleanField(
        label=_("Participants draw their signature when they check in themselves"),
        required=False,
    )
    organisers = forms.ModelMultipleChoiceField(
        label=_("Panitia"),
        queryset=organisers_for_choice().none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The organisers who run this training. Whoever creates it is one of them."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisers"].queryset = organisers_for_choice()
        self.fields["organisers"].label_from_instance = (
            lambda user: user.get_full_name() or user.get_username()
        )
        self.fields["code"].widget.attrs.update(
            {"autocapitalize": "characters", "spellcheck": "false"}
        )
        self.fields["contact_phone"].widget.attrs.update({"inputmode": "tel"})

    @classmethod
    def initial_for(cls, training: Training) -> dict:
        initial = {
            name: getattr(training, name) for name in cls.base_fields if name != "organisers"
        }
        initial["organisers"] = list(training.organisers.values_list("pk", flat=True))
        return initial

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be on or after the start date."))
        return cleaned


class SessionForm(WithoutControlCharacters, forms.Form):
    """A session of the schedule, its speakers (existing ones or one new one) and its check-in."""

    topic = forms.CharField(label=_("Topic"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput())
    jp = forms.IntegerField(
        label=_("JP"), min_value=0, max_value=99, required=False,
        help_text=_("Lesson hours of 45 minutes. Leave empty to count them from the times."),
    )
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    speakers = forms.ModelMultipleChoiceField(
        label=_("Speakers"),
        queryset=Speaker.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_speaker_gelar_depan = forms.CharField(
        label=_("Front titles"), max_length=50, required=False,
        help_text=_("For example: Dr. Ir."),
    )
    new_speaker_name = forms.CharField(
        label=_("Name without titles"), max_length=150, required=False
    )
    new_speaker_gelar_belakang = forms.CharField(
        label=_("Trailing titles"), max_length=100, required=False,
        help_text=_("Separated by commas, for example: S.Sos., M.Si."),
    )
    new_speaker_position = forms.CharField(label=_("Position"), max_length=200, required=False)
    new_speaker_institution = forms.CharField(
        label=_("Institution"), max_length=200, required=False
    )
    checkin_opens_before = forms.IntegerField(
        label=_("Check-in opens (minutes before the start)"), min_value=0, max_value=720,
        initial=30,
    )
    checkin_closes_after = forms.IntegerField(
        label=_("Check-in closes (minutes after the start)"), min_value=0, max_value=720,
        initial=30,
    )
    late_after = forms.IntegerField(
        label=_("Late after (minutes after the start)"), min_value=0, max_value=720, initial=15,
        help_text=_("A check-in after this is recorded as \"Late\"."),
    )

    SESSION_FIELDS = (
        "topic", "date", "start_time", "end_time", "jp", "room",
        "checkin_opens_before", "checkin_closes_after", "late_after",
    )
    NEW_SPEAKER_PREFIX = "new_speaker_"

    def __init__(self, *args, training: Training, **kwargs):
        super().__init__(*args, **kwargs)
        self.training = training
        self.fields["speakers"].queryset = speakers_for_choice()
        self.fields["date"].widget.attrs.update(
            {"min": training.start_date.isoformat(), "max": training.end_date.isoformat()}
        )
        self.fields["room"].widget.attrs.update({"list": "room-options", "autocomplete": "off"})

    @classmethod
    def initial_for(cls, session: Session) -> dict:
        initial = {name: getattr(session, name) for name in cls.SESSION_FIELDS}
        initial["speakers"] = list(session.speakers.all())
        return initial

    def session_data(self) -> dict:
        """Return the cleaned fields the session services take."""
        return {name: self.cleaned_data[name] for name in self.SESSION_FIELDS}

    def new_speaker_data(self) -> dict | None:
        """Return the new speaker typed in, for services.create_speaker, or None."""
        data = {
            name.removeprefix(self.NEW_SPEAKER_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(self.NEW_SPEAKER_PREFIX)
        }
        return data if data.get("name") else None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The session must end after it starts."))
        speaker_extras = [
            name for name in self.fields
            if name.startswith(self.NEW_SPEAKER_PREFIX) and name != "new_speaker_name"
            and cleaned.get(name)
        ]
        if speaker_extras and not cleaned.get("new_speaker_name"):
            self.add_error("new_speaker_name", _("Fill in the new speaker's name."))
        return cleaned


class SpeakerForm(WithoutControlCharacters, forms.Form):
    """A speaker's name, titles, position and institution."""

    gelar_depan = forms.CharField(
        label=_("Front titles"), max_length=50, required=False,
        help_text=_("For example: Dr. Ir."),
    )
    name = forms.CharField(label=_("Name without titles"), max_length=150)
    gelar_belakang = forms.CharField(
        label=_("Trailing titles"), max_length=100, required=False,
        help_text=_("Separated by commas, for example: S.Sos., M.Si."),
    )
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    institution = forms.CharField(label=_("Institution"), max_length=200, required=False)

    @classmethod
    def initial_for(cls, speaker: Speaker) -> dict:
        return {name: getattr(speaker, name) for name in cls.base_fields}


class CopyBatchForm(WithoutControlCharacters, forms.Form):
    """The start date and code of a training's next batch."""

    start_date = forms.DateField(
        label=_("Start date of the new batch"), widget=DateInput(),
        help_text=_("Every session moves by the same number of days."),
    )
    code = forms.CharField(
        label=_("Code of the new batch"), max_length=40,
        help_text=_("Suggested from the code of this batch; you may change it."),
    )


class StatusForm(WithoutControlCharacters, forms.Form):
    """The status a training is to move to."""

    to = forms.ChoiceField(choices=Training.Status.choices)
