"""Every string that Django, its admin, allauth and django-import-export show has Indonesian.

Their own catalogues lag behind their code (Django 6.1's "- Select an option -" has no
Indonesian yet; django-import-export has no Indonesian catalogue at all): what they lack is
translated in ours (core/vendor_strings.py), which Django consults first.
"""

import importlib.util
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
# Each package with the catalogue that lists all its strings (English where it ships one).
PACKAGES = [
    ("django", "conf/locale/en/LC_MESSAGES/django.po"),
    ("django", "contrib/admin/locale/en/LC_MESSAGES/django.po"),
    ("django", "contrib/auth/locale/en/LC_MESSAGES/django.po"),
    ("django", "contrib/contenttypes/locale/en/LC_MESSAGES/django.po"),
    ("allauth", "locale/en/LC_MESSAGES/django.po"),
    ("import_export", "locale/de/LC_MESSAGES/django.po"),  # no English one; German lists all
]
# Developer-facing messages (exceptions for programmers), never shown to a user.
DEVELOPER_ONLY = {
    "Form is not validated, call `is_valid` first",
    "The following fields are declared in 'import_id_fields' but are not present in the "
    "resource fields: %s",
    "The following fields are declared in 'import_id_fields' but are not present in the file "
    "headers: %s",
    "call to force_str() on instance failed: %s",
    "use_natural_foreign_keys and key_is_id cannot both be True",
    ", ",
}


def _translated_ids(path: Path) -> set[str]:
    if not path.exists():
        return set()
    with path.open("rb") as po_file:
        catalog = read_po(po_file)
    ids = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and all(strings):
            ids.add(message.id if isinstance(message.id, str) else message.id[0])
    return ids


def _listed_ids(path: Path) -> list[str]:
    with path.open("rb") as po_file:
        return [
            message.id if isinstance(message.id, str) else message.id[0]
            for message in read_po(po_file)
            if message.id
        ]


@pytest.mark.parametrize(("package", "listing"), PACKAGES)
def test_every_string_of_the_package_has_indonesian(package, listing):
    base = Path(importlib.util.find_spec(package).origin).parent
    own_indonesian = base / listing.replace("/en/", "/id/").replace("/de/", "/id/")
    translated = _translated_ids(own_indonesian) | _translated_ids(
        ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"
    )

    missing = [
        msgid
        for msgid in _listed_ids(base / listing)
        if msgid not in translated and msgid not in DEVELOPER_ONLY
    ]

    assert missing == []


def test_a_blank_choice_reads_in_indonesian():
    from django.db.models.fields import BLANK_CHOICE_LABEL

    with translation.override("id"):
        assert str(BLANK_CHOICE_LABEL) == "- Pilih salah satu -"


def test_the_admin_says_change_password_plainly():
    with translation.override("id"):
        assert translation.gettext("Change password") == "Ubah kata sandi"
        assert translation.gettext("Change or view list link") == "Ubah atau lihat daftar"
