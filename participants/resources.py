"""
django-import-export resource for the staff directory.

EmployeeResource describes the columns of the directory file (the same Indonesian headers that
core.spreadsheets reads back) and serves exports: participants.exporting and the admin's
export action both use it. Imports go through participants.importing.import_staff, which keeps
the file's row numbers, rejects a file atomically, finds NIPs repeated in the file and refuses
NIPs from number cells; the resource's own import path is kept working (bulk, cached instances,
a unit dict) so the benchmark can compare the two, but the application does not use it.
"""

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader

from participants.golongan import parse_golongan
from participants.importing import clean_phone, parse_status, parse_yes_no, unit_key
from participants.models import Employee, Unit
from core.spreadsheets import cell_text
from participants.staff_files import HEADERS


class GolonganWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        code = parse_golongan(cell_text(value))
        if code is None:
            raise ValueError(_("Unknown rank %(value)s.") % {"value": cell_text(value)})
        return code


class StatusWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        status = parse_status(value)
        if status is None:
            raise ValueError(_("Unknown employment status %(value)s.") % {"value": value})
        return status or Employee.Status.PNS

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
    """Find a unit by name or short name, ignoring case and spacing, from one query."""

    def __init__(self):
        super().__init__(Unit, field="name")
        self._units = None

    def clean(self, value, row=None, **kwargs):
        if not cell_text(value).strip():
            return None
        if self._units is None:
            self._units = {}
            units = list(Unit.objects.all())
            for unit in units:
                if unit.short_name:
                    self._units.setdefault(unit_key(unit.short_name), unit)
            self._units.update((unit_key(unit.name), unit) for unit in units)
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

    nip = _field("nip", "nip")
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
