"""
django-import-export resource for the staff directory.

EmployeeResource describes the columns of the directory file (the same Indonesian headers that
core.spreadsheets reads back) and serves exports: participants.exporting and the admin's
export action both use it. Imports go through participants.importing.import_staff, which keeps
the file's row numbers, rejects a file atomically and finds NIPs repeated in the file; the
resource's own import path is kept working (bulk, cached instances, a unit dict) so the benchmark
can compare the two, but the application does not use it. Both check each row's status, NIP and
golongan with participants.identity.check_identity, so they refuse a row in the same words.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader

from participants.golongan import parse_golongan
from participants.identity import check_identity
from participants.importing import clean_phone
from participants.models import Employee, Unit
from core.spreadsheets import cell_text
from participants.nip import normalize_nip
from participants.staff_files import HEADERS
from participants.units import unit_key, unit_lookup
from participants.vocabulary import parse_status, parse_yes_no

# The NIP, golongan and status widgets read spellings ("NIP. 1986...", "III-b", "P3K") before
# check_identity does, because skip_unchanged compares what they read with the stored values
# first. What they cannot read they leave as it was for check_identity to refuse.


class NipWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        if not isinstance(value, str):
            return value
        digits = normalize_nip(value)
        return digits if digits.isdigit() else value


class GolonganWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        golongan = parse_golongan(value)
        return cell_text(value) if golongan is None else golongan


class StatusWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        status = parse_status(value)
        return cell_text(value) if status is None else status

    def render(self, value, obj=None, **kwargs):
        return str(Employee.Status(value).label) if value else ""


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        answer = parse_yes_no(value)
        if answer is None:
            raise ValueError(_("Write Ya or Tidak."))
        return answer

    def render(self, value, obj=None, **kwargs):
        return "Ya" if value else "Tidak"


class PhoneWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return clean_phone(value)


class UnitWidget(widgets.ForeignKeyWidget):
    """Find a unit as the staff import does (participants.units), from one read of the units."""

    def __init__(self):
        super().__init__(Unit, field="name")
        self._units = None

    def clean(self, value, row=None, **kwargs):
        if not cell_text(value).strip():
            return None
        if self._units is None:
            by_pk = Unit.objects.in_bulk()
            self._units = {key: by_pk[pk] for key, pk in unit_lookup()[0].items()}
        try:
            return self._units[unit_key(value)]
        except KeyError:
            raise ValueError(
                _("The unit %(value)s is not in the directory.") % {"value": value}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


def _field(attribute, key, widget=None):
    return fields.Field(
        attribute=attribute,
        column_name=HEADERS[key],
        widget=widget or widgets.CharWidget(),
    )


class EmployeeResource(resources.ModelResource):
    """The civil servants of the directory, one row each, keyed by NIP."""

    nip = _field("nip", "nip", NipWidget())
    gelar_depan = _field("gelar_depan", "gelar_depan")
    name = _field("name", "name")
    gelar_belakang = _field("gelar_belakang", "gelar_belakang")
    golongan = _field("golongan", "golongan", GolonganWidget())
    jabatan = _field("jabatan", "jabatan")
    unit = _field("unit", "unit", UnitWidget())
    email = _field("email", "email")
    phone = _field("phone", "phone", PhoneWidget())
    status = _field("status", "status", StatusWidget())
    is_frontline = _field("is_frontline", "is_frontline", YesNoWidget())

    class Meta:
        model = Employee
        fields = tuple(HEADERS)
        export_order = tuple(HEADERS)
        import_id_fields = ("nip",)
        use_bulk = True
        batch_size = 1000
        instance_loader_class = CachedInstanceLoader
        skip_unchanged = True
        report_skipped = True
        chunk_size = 2000

    def get_queryset(self):
        return Employee.objects.filter(nip__isnull=False).select_related("unit")

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Check the row's status, NIP, NIK and golongan as every other path does."""
        errors = dict(import_validation_errors or {})
        try:
            identity = check_identity(
                status=instance.status,
                nip=instance.nip,
                nik=instance.nik,
                golongan=instance.golongan,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        else:
            for field, value in identity.values().items():
                setattr(instance, field, value)
        super().validate_instance(instance, errors, validate_unique)
