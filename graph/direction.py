"""Whether a high value of an indicator is good or bad, decided from its name.

The method: an indicator measures something unwanted (poverty, absence, crime, ill
health, risky habits, distrust, insecurity, crowding, evictions …) when its name
contains one of the stems below; then a lower value is better. Everything else is
read as "higher is better" (children per staff member in preschool: fewer is better).
Indicators that describe a distribution with no better
side (the share of parental-leave days taken by women, housing-market balance codes,
number of dwellings, moves) are neutral and get no direction.
"""

from __future__ import annotations

import re

LOWER_IS_BETTER = re.compile(
    r"låg inkomststandard|låg ekonomisk standard|ekonomiskt bistånd|placerade|frånvaro|"
    r"varken arbetar eller studerar|långtidsarbetslös|avsaknad av tillit|kränkande|"
    r"trångboddhet|vräkning|avhysning|psykisk ohälsa|ensamhet|tobaksrök|riskabla|röker|"
    r"snuser|spel på pengar|avstått|otrygg|utsatta för|misshandel|förhör med barn|"
    r"skillnad mellan valdistrikt|korruption|per årsarbetare",
    re.I,
)
NEUTRAL = re.compile(
    r"föräldrapenningdagar som tas ut|balans för olika grupper|bostäder totalt|"
    r"flyttat|genomsnittligt antal uttagna föräldrapenningdagar",
    re.I,
)


def direction(name: str) -> str | None:
    """'lower-is-better', 'higher-is-better', or None for neutral indicators."""
    if NEUTRAL.search(name):
        return None
    if re.search(r"fria från korruption", name, re.I):
        return "higher-is-better"
    if LOWER_IS_BETTER.search(name):
        return "lower-is-better"
    return "higher-is-better"
