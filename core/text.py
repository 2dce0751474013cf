"""Free text as it may be kept: without the control characters no spreadsheet can hold.

One rule for every way text comes in (forms, the staff import, other uploads) and every way it
goes out (XLSX and CSV exports): the C0 control characters other than tab, line feed and
carriage return are left out. They are invisible when typed or pasted, and the XLSX format has
no place for them (openpyxl refuses them with IllegalCharacterError; this is the same set as
openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE).
"""

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def without_control_characters(text: str) -> str:
    """Return text without the control characters a spreadsheet cannot hold; \\t \\n \\r stay."""
    if text.isprintable():  # no control character at all: the common case, at C speed
        return text
    return CONTROL_CHARACTERS.sub("", text)
