from django import forms
from django.core.exceptions import ValidationError

from core.text import without_control_characters


def add_service_errors(form, error: ValidationError, *, field: str | None = None) -> None:
    """Put a service's ValidationError on the form: each field's errors on that field, others
    (and a plain error) on `field`, or above the form when it is None."""
    if not hasattr(error, "error_dict"):
        form.add_error(field, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else field, errors)


class WithoutControlCharacters:
    """Put first among a form's bases: submitted text loses its control characters (core.text).

    The data is cleaned when the form is bound, before any field sees it, so a name typed with an
    invisible escape character is stored without it (and a value of nothing else is empty, and
    required fields say so). Tab and line breaks stay. Not for forms that take a password: a
    password is kept exactly as typed.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = _without_control_characters(self.data)


def _clean(value):
    return without_control_characters(value) if isinstance(value, str) else value


def _without_control_characters(data):
    if hasattr(data, "setlist"):  # a QueryDict: every value of every key
        cleaned = data.copy()
        for key, values in data.lists():
            cleaned.setlist(key, [_clean(value) for value in values])
        return cleaned
    return {
        key: [_clean(item) for item in value] if isinstance(value, list) else _clean(value)
        for key, value in data.items()
    }


class WithoutControlCharactersModelForm(WithoutControlCharacters, forms.ModelForm):
    """The form of every admin page that edits a record (ModelAdmin.form, inlines too)."""
