"""QR codes as inline SVG, the same everywhere: slips, badges, the projector, certificates."""

import segno


def qr_svg(url: str, *, title: str = "", border: int = 4) -> str:
    """Render a URL as an inline SVG QR code (segno's markup; no style attributes, CSP-safe)."""
    options = {
        "scale": 1,
        "border": border,
        "omitsize": True,
        "svgclass": "qr",
        "lineclass": "qr-dark",
    }
    if title:
        options["title"] = str(title)
    return segno.make(url, error="m").svg_inline(**options)
