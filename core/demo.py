"""What every app's part of the demo data shares: where the files are, and how a part fails."""

from pathlib import Path

from django.conf import settings


class DemoDataError(Exception):
    """Demo data that cannot be loaded; ``message`` is shown to whoever ran the command."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def fixtures_dir() -> Path:
    """Return the folder the demo data and sample import files live in."""
    return Path(settings.BASE_DIR) / "fixtures"
