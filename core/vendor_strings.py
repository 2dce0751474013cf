"""
Strings that Django 6.1, its admin and django-import-export show in our pages, and that their
own Indonesian catalogues lack (new in 6.1, or no Indonesian at all) or word clumsily ("Rubah
atau tampilkan tautan kunjungan").

Nothing imports this module: it is here so that makemessages finds these strings and keeps their
Indonesian in our catalogue, which Django consults before any app's (LOCALE_PATHS).
tests/test_vendor_strings.py checks that every string those packages show has Indonesian.
"""

from django.utils.translation import gettext_noop, ngettext


def _listed_for_the_catalogue_only():  # never called
    # Django's forms and models
    gettext_noop("- Select an option -")
    gettext_noop("“%(value)s” is not a valid binary value.")
    gettext_noop("No %s matches the given query.")
    # Django's admin
    gettext_noop('The app "%s" could not be found.')
    gettext_noop("Filter by %(field_name)s")
    gettext_noop("Logout")
    gettext_noop("Change or view list link")
    gettext_noop("Change password")
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options.")
    ngettext("…and %(count)d more object.", "…and %(count)d more objects.", 2)
    # django-import-export (the export of the staff directory in the admin)
    gettext_noop("Import")
    gettext_noop("%s through import_export")
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}.")
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct "
        "format for the file."
    )
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    )
    gettext_noop("Export")
    gettext_noop("Export selected %(verbose_name_plural)s")
    gettext_noop("export failed due to IllegalCharacterError")
    gettext_noop("Resource")
    gettext_noop("Format")
    gettext_noop("File to import")
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export')
    gettext_noop("Home")
    ngettext("Export %(len)s selected item.", "Export %(len)s selected items.", 2)
    gettext_noop("This exporter will export the following fields: ")
    gettext_noop("Select all")
    gettext_noop("Submit")
    gettext_noop(
        "Below is a preview of data to be imported. If you are satisfied with the results, "
        "click 'Confirm import'"
    )
    gettext_noop("Confirm import")
    gettext_noop("Errors")
    gettext_noop("Line number")
    gettext_noop("Some rows failed to validate")
    gettext_noop(
        "Please correct these errors in your data where possible, then reupload it using the "
        "form above."
    )
    gettext_noop("Row")
    gettext_noop("Non field specific")
    gettext_noop("Preview")
    gettext_noop("New")
    gettext_noop("Skipped")
    gettext_noop("Delete")
    gettext_noop("Update")
    gettext_noop("This importer will import the following fields: ")
    gettext_noop("Value could not be parsed.")
