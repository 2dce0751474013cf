"""WhatsApp links: numbers as the directory holds them, messages as the organiser prepared them."""

from urllib.parse import parse_qs, urlsplit

import pytest

from core.whatsapp import whatsapp_link, whatsapp_number


@pytest.mark.parametrize(
    "written",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "(0812) 3456-7890",
        "+62 812 3456 7890",
        "+62-812-3456-7890",
        "6281234567890",
        "62 812 3456 7890",
        "81234567890",  # a number cell that dropped the leading 0
        " 0812.3456.7890 ",
    ],
)
def test_every_way_a_mobile_number_is_written_gives_the_same_whatsapp_number(written):
    assert whatsapp_number(written) == "6281234567890"


@pytest.mark.parametrize(
    "written",
    [
        "",
        "-",
        "0293 362 111",  # an office landline in Magelang
        "(0293) 362111",
        "0812",  # cut short
        "08123456789012345",  # too long
        "tidak ada",
    ],
)
def test_numbers_whatsapp_cannot_reach_give_no_number(written):
    assert whatsapp_number(written) == ""


def test_a_foreign_number_written_with_its_plus_is_kept():
    assert whatsapp_number("+60 12-345 6789") == "60123456789"


def test_the_link_opens_the_chat_with_the_message_typed_in():
    link = whatsapp_link("Yth. Sdr. Budi,\nUndangan Bimtek & kode: 12 34", "0812-3456-7890")

    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/6281234567890")
    assert parse_qs(parts.query)["text"] == ["Yth. Sdr. Budi,\nUndangan Bimtek & kode: 12 34"]


def test_without_a_usable_number_the_link_lets_the_organiser_pick_the_contact():
    link = whatsapp_link("Halo", "0293 362111")

    assert link == "https://wa.me/?text=Halo"
