"""Render Indonesian names with their academic titles."""


def full_name(gelar_depan: str, name: str, gelar_belakang: str) -> str:
    """Join titles as Indonesian documents do: "Dr. Ir. Budi Santoso, S.Sos., M.Si."."""
    parts = [part.strip() for part in (gelar_depan or "").split() if part.strip()]
    text = " ".join([*parts, (name or "").strip()]).strip()
    trailing = [t.strip() for t in (gelar_belakang or "").split(",") if t.strip()]
    for title in trailing:
        text += f", {title}"
    return text
