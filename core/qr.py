"""QR codes as inline SVG, the same everywhere: slips, badges, the projector, certificates."""

import functools

import segno


def qr_svg(url: str, *, title: str = "", border: int = 4) -> str:
    """Render a URL as an inline SVG QR code (segno's markup; no style attributes, CSP-safe)."""
    return _qr_svg(url, str(title), border)


@functools.lru_cache(maxsize=512)
def _qr_svg(url: str, title: str, border: int) -> str:
    """The markup of one code, kept: choosing the best mask takes segno some 10-30 ms a code,
    and a badge or slip is drawn again each time its page is opened (an invitation sheet draws
    one per participant)."""
    options = {
        "scale": 1,
        "border": border,
        "omitsize": True,
        "svgclass": "qr",
        "lineclass": "qr-dark",
    }
    if title:
        options["title"] = title
    return segno.make(url, error="m").svg_inline(**options)
