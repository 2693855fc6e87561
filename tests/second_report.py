"""A second report derived from the 2025 text: another year and some changed values."""

from __future__ import annotations

from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "corpus" / "reports" / \
    "sodertalje-bokslut-social-hallbarhet-2025.txt"

# (old row text, new row text): the same indicators a year later with new figures
CHANGES = (
    ("Andel barn i familjer med låg inkomststandard\t9,1 %\t2024",
     "Andel barn i familjer med låg inkomststandard\t8,7 %\t2025"),
    ("Sysselsatta invånare 20–65 år, andel (%)\t76 %\t2024",
     "Sysselsatta invånare 20–65 år, andel (%)\t77 %\t2025"),
)


def second_report_text() -> str:
    """The 2025 text turned into a 2026 bokslut with two updated indicator rows."""
    text = SOURCE.read_text(encoding="utf-8")
    text = text.replace("Bokslut social hållbarhet 2025", "Bokslut social hållbarhet 2026")
    for old, new in CHANGES:
        assert old in text, old
        text = text.replace(old, new)
    return text


def write_second_report(folder: Path) -> Path:
    """Write the derived report and return its path."""
    path = folder / "sodertalje-bokslut-social-hallbarhet-2026.txt"
    path.write_text(second_report_text(), encoding="utf-8")
    return path
