from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import WithoutControlCharacters
from office.models import Office


class OfficeForm(WithoutControlCharacters, forms.ModelForm):
    """The office profile; a change of zone once set needs a tick saying what it does."""

    confirm_zone_change = forms.BooleanField(
        label=_("I understand what changing the time zone does"),
        required=False,
        help_text=_(
            "Every time shown and printed from now on uses the new zone. Sessions keep their "
            "clock times (a 07.30 session stays 07.30 in the new zone); test windows, deadlines "
            "and attendance already recorded keep their moment and are shown in the new zone's "
            "time."
        ),
    )

    class Meta:
        model = Office
        exclude = ["updated_at"]

    def clean_emblem(self):
        emblem = self.cleaned_data.get("emblem")
        if emblem and getattr(emblem, "size", 0) > settings.CERTIFICATES_MAX_IMAGE_BYTES:
            raise forms.ValidationError(
                _("The emblem is larger than %(limit)d KB."),
                code="too_large",
                params={"limit": settings.CERTIFICATES_MAX_IMAGE_BYTES // 1024},
            )
        return emblem

    def clean(self):
        cleaned = super().clean()
        before = self.instance.time_zone if self.instance.pk else ""
        after = cleaned.get("time_zone")
        if before and after and after != before and not cleaned.get("confirm_zone_change"):
            self.add_error(
                "confirm_zone_change",
                forms.ValidationError(
                    _("Tick this box to change the time zone of an office already in use."),
                    code="zone_change_unconfirmed",
                ),
            )
        return cleaned

    def values(self) -> dict:
        """Return the submitted values for office.services.save_office (the emblem if changed)."""
        values = {
            name: self.cleaned_data[name]
            for name in self.fields
            if name not in ("confirm_zone_change", "emblem")
        }
        emblem = self.cleaned_data.get("emblem")
        if emblem is False:  # "clear" ticked
            values["emblem"] = ""
        elif emblem and emblem != self.instance.emblem:
            values["emblem"] = emblem
        return values
