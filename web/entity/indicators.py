"""Indicator observations for the mål and indicator pages, and the charts drawn from them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from graph import SDMX_CODE, GraphReader, quality_notes, sparql_prologue
from web.charts import Bar, Group, Series, bar_chart, grouped_bar_chart, line_chart
from web.entity.data import select

SEX = {str(SDMX_CODE["sex-F"]): "K", str(SDMX_CODE["sex-M"]): "M"}
SEX_WORDS = {"flickor", "pojkar", "kvinnor", "män", "flickor och pojkar"}
OBSERVATIONS = sparql_prologue() + """
SELECT DISTINCT %(vars)s ?obs ?value ?year ?area ?areaLabel ?areaCode ?sex ?breakdown ?home
       ?report ?reportYear
WHERE {
  %(selector)s
  ?obs bk:indicator ?ind ; sdmx-measure:obsValue ?value ; bk:year ?year ;
       sdmx-dimension:refArea ?area .
  OPTIONAL { ?area skos:prefLabel ?areaLabel FILTER(lang(?areaLabel) = "sv") }
  OPTIONAL { ?area skos:notation ?areaCode }
  OPTIONAL { ?obs sdmx-dimension:sex ?sex }
  OPTIONAL { ?obs bk:breakdown ?breakdown }
  OPTIONAL { ?obs bk:report ?report . ?report bk:year ?reportYear ;
                  dcterms:publisher/skos:notation ?home }
}"""
BY_INDICATOR = OBSERVATIONS % {"vars": "?ind", "selector": ""}
BY_GOAL = OBSERVATIONS % {"vars": "?goal ?ind",
                          "selector": "?ind a bk:Indicator ; bk:goal ?goal ."}


@dataclass(frozen=True)
class Obs:
    """One observation, flattened for tables and charts."""

    iri: str
    indicator: str
    value: Decimal
    year: int
    area: str
    area_label: str
    area_code: str
    sex: str | None
    breakdown: str | None
    home: bool
    report: str
    report_year: int

    @property
    def rank(self) -> tuple:
        """Own municipality first, then the county, the country, municipalities, the rest."""
        code = self.area_code
        group = (0 if self.home else 2 if code == "SE" else 1 if len(code) == 2
                 else 3 if code.isdigit() else 4)
        return (group, self.area_label)

    @property
    def split(self) -> str | None:
        """The breakdown unless it only repeats the sex (e.g. 'Flickor' on sex-F)."""
        if self.breakdown and self.sex and self.breakdown.lower() in SEX_WORDS:
            return None
        return self.breakdown


def observations(store: GraphReader, *, goal: str | None = None,
                 indicator: str | None = None) -> list[Obs]:
    """Observations of one indicator or of every indicator of a mål, in display order."""
    rows = (select(store, BY_GOAL, goal=goal) if goal
            else select(store, BY_INDICATOR, ind=indicator or ""))
    found = [Obs(iri=r["obs"], indicator=r["ind"], value=Decimal(str(r["value"])),
                 year=int(r["year"]), area=r["area"],
                 area_label=r.get("areaLabel") or r["area"].rsplit("/", 1)[-1],
                 area_code=str(r.get("areaCode", "")), sex=SEX.get(r.get("sex", "")),
                 breakdown=r.get("breakdown"),
                 home=bool(r.get("home")) and r.get("home") == r.get("areaCode"),
                 report=r.get("report", ""), report_year=int(r.get("reportYear", 0)))
             for r in rows]
    return sorted(found, key=lambda o: (o.rank, o.split or "", o.sex or "", o.year))


def current(obs: list[Obs]) -> list[Obs]:
    """One observation per area, sex, breakdown and year: the newest report's figure."""
    best: dict[tuple, Obs] = {}
    for o in obs:
        key = (o.indicator, o.area, o.sex, o.breakdown, o.year)
        if key not in best or o.report_year > best[key].report_year:
            best[key] = o
    return sorted(best.values(), key=lambda o: (o.rank, o.split or "", o.sex or "", o.year))


def latest(obs: list[Obs], key) -> list[Obs]:
    """For each key (e.g. area), the observation of its latest year."""
    chosen: dict[object, Obs] = {}
    for o in current(obs):
        k = key(o)
        if k not in chosen or o.year > chosen[k].year:
            chosen[k] = o
    return sorted(chosen.values(), key=lambda o: (o.rank, o.split or "", o.sex or ""))


def _name(o: Obs, years_differ: bool, with_split: bool = False) -> str:
    """A bar label: area, breakdown when asked, year when the bars' years differ."""
    name = o.area_label + (f" – {o.split}" if with_split and o.split else "")
    return f"{name} ({o.year})" if years_differ else name


def _differ(obs: list[Obs]) -> bool:
    """True when the chosen observations are not all from one year."""
    return len({o.year for o in obs}) > 1


def totals_chart(obs: list[Obs], title: str, unit: str) -> str:
    """Areas compared on the latest total figure (no sex, no breakdown)."""
    chosen = latest([o for o in obs if not o.sex and not o.breakdown], lambda o: o.area)
    return bar_chart([Bar(_name(o, _differ(chosen)), o.value, o.home) for o in chosen],
                     title, unit)


def sex_chart(obs: list[Obs], title: str, unit: str) -> str:
    """K and M side by side per area (and breakdown), latest year."""
    chosen = latest([o for o in obs if o.sex], lambda o: (o.area, o.split, o.sex))
    groups: dict[str, dict] = {}
    for o in chosen:
        name = _name(o, _differ(chosen), with_split=True)
        groups.setdefault(name, {"values": {}, "home": o.home})["values"][o.sex] = o.value
    return grouped_bar_chart([Group(n, g["values"], g["home"]) for n, g in groups.items()],
                             ["K", "M"], title, unit)


def breakdown_chart(obs: list[Obs], title: str, unit: str) -> str:
    """Breakdowns without sex (e.g. school years), latest year per area and breakdown."""
    chosen = latest([o for o in obs if o.breakdown and not o.sex], lambda o: (o.area, o.split))
    return bar_chart([Bar(_name(o, _differ(chosen), True), o.value, o.home) for o in chosen],
                     title, unit)


def time_series_chart(obs: list[Obs], title: str, unit: str) -> str:
    """One line per area (totals, or every series without totals) once a series spans years."""
    points: dict[tuple, dict[int, Obs]] = defaultdict(dict)
    for o in current(obs):
        points[(o.area, o.sex, o.split)][o.year] = o
    if not any(len(years) > 1 for years in points.values()):
        return ""
    totals = {k: v for k, v in points.items() if k[1] is None and k[2] is None}
    series = []
    for (_, sex, split), years in (totals or points).items():
        first = next(iter(years.values()))
        label = first.area_label + (f" {sex}" if sex else "") + (f" – {split}" if split else "")
        series.append(Series(label, tuple((y, o.value) for y, o in sorted(years.items())),
                             first.home))
    return line_chart(series, title, unit)


def main_chart(obs: list[Obs], title: str, unit: str) -> str:
    """The one chart a mål page shows per indicator: totals, else by sex, else breakdowns."""
    return (totals_chart(obs, title, unit) or sex_chart(obs, title, unit)
            or breakdown_chart(obs, title, unit))


INDICATOR = sparql_prologue() + """
SELECT ?r ?label ?unit ?direction ?source ?goal ?letter ?goalLabel WHERE {
  ?r skos:prefLabel ?label ; bk:unit ?unit .
  OPTIONAL { ?r bk:direction ?direction } OPTIONAL { ?r dcterms:source ?source }
  OPTIONAL { ?r bk:goal ?goal . ?goal bk:letter ?letter ; skos:prefLabel ?goalLabel }
}"""
COMMENTS = sparql_prologue() + """
SELECT DISTINCT ?ind ?comment WHERE {
  { ?ind bk:comment ?comment } UNION { ?obs bk:indicator ?ind ; bk:comment ?comment }
}"""
DIRECTIONS = {"higher-is-better": "Ett högre värde är bättre.",
              "lower-is-better": "Ett lägre värde är bättre."}


def sex_rows(obs: list[Obs]) -> list[dict]:
    """K, M and the total side by side per area (and breakdown), latest year with a K/M split."""
    chosen = latest([o for o in obs if o.sex], lambda o: (o.area, o.split, o.sex))
    rows: dict[tuple, dict] = {}
    for o in chosen:
        row = rows.setdefault((o.area, o.split, o.year), {
            "area": o.area, "area_label": o.area_label, "split": o.split, "year": o.year,
            "home": o.home, "K": None, "M": None, "total": None})
        row[o.sex] = o.value
    for o in current(obs):
        key = (o.area, None, o.year)
        if not o.sex and not o.breakdown and key in rows:
            rows[key]["total"] = o.value
    return list(rows.values())


def indicator(store: GraphReader, iri: str) -> dict:
    """An indicator: every observation, charts, K/M side by side, source and provenance."""
    from web.entity.text import PROVENANCE

    info = select(store, INDICATOR, r=iri)[0]
    title, unit = info["label"], info["unit"]
    obs = observations(store, indicator=iri)
    charts = [{"kind": kind, "svg": svg} for kind, svg in (
        ("totals", totals_chart(obs, title, unit)), ("sex", sex_chart(obs, title, unit)),
        ("breakdown", breakdown_chart(obs, title, unit)),
        ("time", time_series_chart(obs, title, unit))) if svg]
    return {"info": info | {"direction_text": DIRECTIONS.get(info.get("direction", ""))},
            "observations": obs, "reports": len({o.report for o in obs}) > 1,
            "charts": charts, "sex_rows": sex_rows(obs),
            "comments": [r["comment"] for r in select(store, COMMENTS, ind=iri)],
            "provenance": select(store, PROVENANCE, r=iri),
            "quality": quality_notes(store, iri)}
