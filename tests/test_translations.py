"""The one Indonesian catalogue: it compiles, every app speaks from it, and updates keep it whole."""

import io
import runpy
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.apps import apps
from django.core.management import call_command
from django.utils import translation

from assessments.analysis import GainCategory
from certificates.models import Certificate
from evaluations.models import Question
from participants.models import Employee
from trainings.models import Training

ROOT = Path(__file__).resolve().parent.parent
update_translations = runpy.run_path(str(ROOT / "scripts" / "update_translations.py"))

needs_gettext = pytest.mark.skipif(
    shutil.which("msgmerge") is None, reason="makemessages needs GNU gettext"
)


@pytest.fixture
def freshly_compiled(settings, tmp_path):
    """Compile the committed catalogue anew, so a stale .mo cannot hide a broken one."""
    (tmp_path / "id" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(ROOT / update_translations["CATALOGUE"], tmp_path / "id" / "LC_MESSAGES")
    settings.LOCALE_PATHS = [tmp_path]
    call_command("compile_translations", stdout=io.StringIO())


def test_every_app_speaks_indonesian_from_the_compiled_catalogue(freshly_compiled):
    with translation.override("id"):
        assert str(apps.get_app_config("core").verbose_name) == "Komponen bersama"
        assert str(Employee._meta.verbose_name) == "pegawai"
        assert Training.Status.OPEN.label == "Pendaftaran dibuka"
        assert GainCategory.HIGH.label == "Tinggi"
        assert Question.Section.SPEAKER.label == "Narasumber"
        assert Certificate.Status.REVOKED.label == "Dicabut"
        assert str(apps.get_app_config("privacy").verbose_name) == "Data pribadi"
        assert translation.pgettext("training list column", "Training") == "Pelatihan"
        enrolled = translation.ngettext(
            "%(counter)s participant enrolled", "%(counter)s participants enrolled", 3
        )
        assert enrolled % {"counter": 3} == "3 peserta terdaftar"


@pytest.mark.django_db
def test_the_login_page_greets_in_indonesian(freshly_compiled, client):
    response = client.get("/akun/login/")

    assert "Masuk dengan NIP (18 digit) atau email, dan kata sandi Anda." in response.text


def _project(root, code, catalogue):
    """Lay out a tiny Django project with one module of strings and its Indonesian catalogue."""
    (root / "settings.py").write_text(
        "from pathlib import Path\nLOCALE_PATHS = [Path(__file__).parent / 'locale']\n"
    )
    (root / "manage.py").write_text(
        "import os, sys\n"
        "from django.core.management import execute_from_command_line\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'settings'\n"
        "execute_from_command_line(sys.argv)\n"
    )
    (root / "greetings.py").write_text(code)
    (root / "locale" / "id" / "LC_MESSAGES").mkdir(parents=True)
    path = root / "locale" / "id" / "LC_MESSAGES" / "django.po"
    path.write_text(catalogue)
    return path


HEADER = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: id\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"""


@needs_gettext
def test_a_msgid_appended_on_two_branches_keeps_the_later_translation(tmp_path):
    catalogue = _project(
        tmp_path,
        'from django.utils.translation import gettext as _\n_("Thank you")\n_("Good morning")\n',
        HEADER + '\nmsgid "Good morning"\nmsgstr "Selamat pagi"\n'
        '\nmsgid "No longer in the code"\nmsgstr "Tidak dipakai lagi"\n'
        '\n# appended on one branch\nmsgid "Thank you"\nmsgstr "Terima kasih"\n'
        '\n# appended on another branch\nmsgid "Thank you"\nmsgstr "Terima kasih banyak"\n',
    )

    warnings = update_translations["update"](tmp_path)

    assert warnings == [
        "\"Thank you\" appears 2 times (lines 13, 17); the one on line 17 is kept: "
        "'Terima kasih banyak'"
    ]
    text = catalogue.read_text()
    assert text.count('msgid "Thank you"') == 1
    assert text.index('msgid "Thank you"') < text.index('msgid "Good morning"')  # the code's order
    assert "No longer in the code" not in text
    with catalogue.open("rb") as po_file:
        catalog = read_po(po_file)
    assert catalog["Thank you"].string == "Terima kasih banyak"
    assert catalog["Good morning"].string == "Selamat pagi"
    assert catalog.plural_forms == "nplurals=1; plural=0;"

    assert update_translations["update"](tmp_path) == []
    assert catalogue.read_text() == text


def test_an_empty_entry_appended_later_does_not_undo_a_translation():
    text = (
        HEADER + '\nmsgid "Thank you"\nmsgstr "Terima kasih"\n'
        '\nmsgid "Good morning"\nmsgstr "Selamat pagi"\n'
        '\nmsgid "Thank you"\nmsgstr ""\n'
    )

    folded, warnings = update_translations["fold_duplicates"](text)

    assert folded == (
        HEADER + '\nmsgid "Thank you"\nmsgstr "Terima kasih"\n'
        '\nmsgid "Good morning"\nmsgstr "Selamat pagi"\n'
    )
    assert warnings == [
        "\"Thank you\" appears 2 times (lines 7, 13); the one on line 7 is kept: 'Terima kasih'"
    ]
