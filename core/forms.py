from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError, *, field: str | None = None) -> None:
    """Put a service's ValidationError on the form: each field's errors on that field, others
    (and a plain error) on `field`, or above the form when it is None."""
    if not hasattr(error, "error_dict"):
        form.add_error(field, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else field, errors)
