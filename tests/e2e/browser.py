"""One person at one device in the end-to-end story: a Playwright page plus the checks run on
every main page (screenshots at both widths, axe-core, no script or style refused by the CSP)."""

import io
from dataclasses import dataclass, field
from pathlib import Path

import zxingcpp
from django.utils import translation
from PIL import Image

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 768}}
SERIOUS = {"serious", "critical"}


def t(text: str) -> str:
    """Return the Indonesian the user sees for an English source string."""
    with translation.override("id"):
        return translation.gettext(text)


def tn(singular: str, plural: str, count: int) -> str:
    """Return the Indonesian of a {% blocktranslate count %} text."""
    with translation.override("id"):
        return translation.ngettext(singular, plural, count) % {"counter": count}


def read_qr(png: bytes) -> str:
    """Return the text of the one QR code in a picture."""
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return found.text


@dataclass
class Findings:
    """What the checks found on the way, asserted at the end of the story."""

    accessibility: list[str] = field(default_factory=list)
    refused_by_csp: list[str] = field(default_factory=list)
    pages_checked: list[str] = field(default_factory=list)
    too_wide_for_a_phone: list[str] = field(default_factory=list)
    minor_accessibility: list[str] = field(default_factory=list)  # reported, not failed


class Person:
    def __init__(self, browser, *, name, device, base_url, screenshots: Path, axe: Path, findings):
        self.name = name
        self.device = device
        self.screenshots = screenshots
        self.axe = axe
        self.findings = findings
        self.context = browser.new_context(
            **device,
            base_url=base_url,
            locale="id-ID",
            timezone_id="Asia/Jakarta",
            accept_downloads=True,
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.page.on("console", self._console)

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.findings.refused_by_csp.append(f"{self.page.url}: {message.text}")

    # The checks on a main page -----------------------------------------------------------------

    def look(self, name: str, *, axe=True) -> None:
        """Screenshot the page at the phone and the laptop width; run axe-core on it."""
        page = self.page
        page.wait_for_load_state("load")
        for label, device in (("phone", PHONE), ("laptop", LAPTOP)):
            page.set_viewport_size(device["viewport"])
            page.screenshot(path=self.screenshots / f"{name}-{label}.png", full_page=True)
            if device is PHONE:
                self._check_width(name)
        page.set_viewport_size(self.device["viewport"])
        if axe:
            self.check_accessibility(name)

    def _check_width(self, name: str) -> None:
        """Record the elements that make the page scroll sideways on a phone."""
        culprits = self.page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                if (document.documentElement.scrollWidth <= width) return [];
                const wide = [...document.body.querySelectorAll("*")].filter(
                    el => el.getBoundingClientRect().right > width + 1);
                return wide.filter(el => !wide.includes(el.parentElement)).slice(0, 5).map(
                    el => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
            }"""
        )
        if culprits:
            self.findings.too_wide_for_a_phone.append(f"{self.name}/{name}: {culprits}")

    def check_accessibility(self, name: str) -> None:
        page = self.page
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, so the page's CSP does not refuse it.
            page.evaluate(self.axe.read_text())
        violations = page.evaluate(
            """async () => {
                const result = await axe.run(document, {resultTypes: ["violations"]});
                return result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
                }));
            }"""
        )
        self.findings.pages_checked.append(name)
        for violation in violations:
            found = (
                f"{name}: {violation['id']} ({violation['impact']}) {violation['help']} "
                f"at {violation['targets']}"
            )
            if violation["impact"] in SERIOUS:
                self.findings.accessibility.append(found)
            else:
                self.findings.minor_accessibility.append(found)

    def close(self):
        self.context.close()
