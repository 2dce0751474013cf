from allauth.account.forms import LoginForm
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import WithoutControlCharacters
from core.roles import ROLE_LABELS
from participants.golongan import Golongan
from participants.identity import FIELDS as IDENTITY_FIELDS
from participants.identity import check_identity
from participants.models import Employee, Unit
from participants.nip import normalize_nip
from participants.selectors import NO_ROLE
from participants.services import MANAGED_ROLES
from participants.vocabulary import parse_status

MAX_SLIPS_PER_PRINT = 100


class NipOrEmailLoginForm(LoginForm):
    """Allauth's login form, accepting a NIP typed with spaces, dots or a "NIP." prefix."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("NIP or email")
        self.fields["login"].widget.attrs.update(
            {"placeholder": _("NIP or email"), "autocomplete": "username"}
        )
        if "password" in self.fields:
            # The page itself links to the password reset and to account activation.
            self.fields["password"].help_text = ""

    def clean_login(self):
        login = super().clean_login()
        if "@" not in login:
            digits = normalize_nip(login)
            if digits.isdigit():
                return digits
        return login


class IdentityNumberField(forms.CharField):
    """A NIP or NIK as typed, with spaces, dots or a prefix; check_identity reads it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("empty_value", None)  # stored as NULL: the numbers are unique
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("autocomplete", "off")


class StatusField(forms.ChoiceField):
    """An employment status, also as files and people spell it ("P3K", "PNS DAERAH")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Employee.Status.choices)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return parse_status(value) or value


class IdentityChecks:
    """Check a form's status, NIP, NIK and golongan together, as every other path does.

    A form that has these four fields gets them back cleaned, or each problem on its field.
    """

    def clean(self):
        cleaned = super().clean()
        if not set(IDENTITY_FIELDS) <= cleaned.keys():
            return cleaned  # a field is already wrong and says so itself
        try:
            identity = check_identity(**{field: cleaned[field] for field in IDENTITY_FIELDS})
        except ValidationError as error:
            self.add_error(None, error)
        else:
            cleaned.update(identity.values())
        return cleaned


class EmployeeForm(WithoutControlCharacters, IdentityChecks, forms.Form):
    """A directory entry as an admin types it; services.create_employee checks the rest."""

    status = StatusField(label=_("Employment status"))
    nip = IdentityNumberField(
        label="NIP",
        required=False,
        help_text=_("18 digits; spaces and dots are removed. Empty for non-ASN staff."),
    )
    nik = IdentityNumberField(
        label="NIK",
        required=False,
        help_text=_("16 digits. Required for non-ASN staff."),
    )
    gelar_depan = forms.CharField(
        label=_("Front titles"), max_length=50, required=False,
        help_text=_("For example: Dr. Ir."),
    )
    name = forms.CharField(label=_("Name without titles"), max_length=150)
    gelar_belakang = forms.CharField(
        label=_("Trailing titles"), max_length=100, required=False,
        help_text=_("Separated by commas, for example: S.Sos., M.Si."),
    )
    golongan = forms.ChoiceField(
        label=_("Rank / grade"),
        choices=[("", "—"), *Golongan.choices],
        required=False,
        help_text=_("PNS and CPNS: I/a to IV/e. PPPK: I to XVII. Non-ASN: empty."),
    )
    jabatan = forms.CharField(label=_("Position"), max_length=200, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.order_by("name"))
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    is_frontline = forms.BooleanField(
        label=_("Serves the public face to face (frontline)"), required=False
    )

    @classmethod
    def initial_for(cls, employee: Employee) -> dict:
        return {name: getattr(employee, name) for name in cls.base_fields}


class EmployeeFilterForm(WithoutControlCharacters, forms.Form):
    """The search box and filters above the directory list."""

    FRONTLINE_CHOICES = [("", _("All")), ("ya", _("Frontline only")), ("tidak", _("Not frontline"))]

    q = forms.CharField(label=_("Name or NIP"), required=False, max_length=100)
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.order_by("name"),
        required=False,
        empty_label=_("All units"),
    )
    unit_kind = forms.ChoiceField(
        label=_("Unit kind"), choices=[("", _("All kinds")), *Unit.Kind.choices], required=False
    )
    golongan = forms.ChoiceField(
        label=_("Rank / grade"), choices=[("", _("All")), *Golongan.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Employee.Status.choices], required=False
    )
    frontline = forms.ChoiceField(label=_("Frontline"), choices=FRONTLINE_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("e.g. Budi or 19860926 201505 1 001")}
        )

    def filters(self) -> dict:
        """Return the valid filters for selectors.employees_for_directory; drop the rest."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = dict(self.cleaned_data)
        data["frontline"] = {"ya": True, "tidak": False}.get(data.get("frontline"))
        return data


class ActivationForm(forms.Form):
    """The code from the slip and a new password, typed twice."""

    code = forms.CharField(
        label=_("Activation code"),
        max_length=20,
        help_text=_("As printed on your slip, for example K7QX-M4PA-RZ."),
    )
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("New password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"}
        )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        return cleaned


class SlipSelectionForm(WithoutControlCharacters, forms.Form):
    """The employees ticked on the directory list for printing activation slips."""

    employees = forms.ModelMultipleChoiceField(
        queryset=Employee.objects.all(),
        error_messages={"required": _("Tick at least one person to print slips for.")},
    )

    def clean_employees(self):
        employees = self.cleaned_data["employees"]
        if len(employees) > MAX_SLIPS_PER_PRINT:
            raise forms.ValidationError(
                _("Print at most %(count)d slips at a time."),
                code="too_many",
                params={"count": MAX_SLIPS_PER_PRINT},
            )
        return employees


class UnitForm(WithoutControlCharacters, forms.Form):
    """A unit as the administrator types it, with its other names one a line."""

    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(
        label=_("Short name"),
        max_length=60,
        required=False,
        help_text=_("Another name files use for this unit, e.g. DPMPTSP."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Guess from the name")), *Unit.Kind.choices],
        required=False,
    )
    parent = forms.ModelChoiceField(
        label=_("Parent unit"),
        queryset=Unit.objects.order_by("name"),
        required=False,
        empty_label=_("None (a unit of its own)"),
    )
    aliases = forms.CharField(
        label=_("Other names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One name a line, as staff files write this unit (e.g. KEL. CACABAN). Case, dots "
            "and the usual abbreviations do not matter."
        ),
    )

    def __init__(self, *args, unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit is not None:
            self.fields["parent"].queryset = Unit.objects.exclude(pk=unit.pk).order_by("name")

    @classmethod
    def initial_for(cls, unit: Unit) -> dict:
        return {
            "name": unit.name,
            "short_name": unit.short_name,
            "kind": unit.kind,
            "parent": unit.parent_id,
            "aliases": "\n".join(alias.name for alias in unit.aliases.all()),
        }

    def alias_names(self) -> list[str]:
        return self.cleaned_data["aliases"].splitlines()


class UnitSearchForm(WithoutControlCharacters, forms.Form):
    """The search box above the unit list."""

    q = forms.CharField(label=_("Name, short name or other name"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("e.g. Cacaban")})

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class AccountFilterForm(WithoutControlCharacters, forms.Form):
    """The search box and role filter above the list of accounts."""

    q = forms.CharField(label=_("Name, NIP, username or email"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search"})
        self.fields["role"].choices = [
            ("", _("All roles")),
            *((role, label) for role, label in ROLE_LABELS.items()),
            (NO_ROLE, _("No role")),
        ]

    def filters(self) -> dict:
        return dict(self.cleaned_data) if self.is_valid() else {}


class AccountRolesForm(WithoutControlCharacters, forms.Form):
    """The roles an administrator gives or takes on an account's page."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(role, ROLE_LABELS[role]) for role in MANAGED_ROLES]
