"""Indicators and their W3C Data Cube observations for one report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from corpus import ids
from corpus.passages import municipality_slug
from corpus.records import Indicator, Observation
from graph.direction import direction
from graph.namespaces import BK, QB, SDMX_CODE, SDMX_DIM, SDMX_MEASURE, iri
from graph.reference import area_iri

if TYPE_CHECKING:
    from graph.build import ReportGraph

SEX = {"F": SDMX_CODE["sex-F"], "M": SDMX_CODE["sex-M"]}


def observation_key(obs: Observation) -> str:
    """A readable key for one observation: area, sex, breakdown, year."""
    parts = [ids.slug(obs.area)]
    if obs.sex:
        parts.append(obs.sex.lower())
    if obs.breakdown:
        parts.append(ids.slug(obs.breakdown, 40))
    parts.append(str(obs.year))
    return "-".join(parts)


def add_area(rg: ReportGraph, label: str) -> URIRef:
    """The area node for a table label; unknown areas are declared in the report graph."""
    node, known = area_iri(label, rg.base)
    if not known:
        rg.g.add((node, RDF.type, BK.Area))
        rg.g.add((node, SKOS.prefLabel, Literal(label, lang="sv")))
    return node


def add_indicator(rg: ReportGraph, indicator: Indicator, dataset: URIRef) -> None:
    """One indicator row: the indicator node (shared across years) and its observations."""
    g = rg.g
    ind_id = ids.indicator_id(municipality_slug(rg.report), indicator.name)
    node = iri(rg.base, ind_id)
    g.add((node, RDF.type, BK.Indicator))
    g.add((node, SKOS.prefLabel, Literal(indicator.name, lang="sv")))
    g.add((node, BK.goal, rg.goal_node(indicator.goal)))
    g.add((node, BK.unit, Literal(indicator.unit)))
    g.add((node, DCTERMS.source, Literal(indicator.source)))
    g.add((node, BK.reportedIn, rg.node))
    if way := direction(indicator.name):
        g.add((node, BK.direction, Literal(way)))
    rg.derived_from(node, ind_id)
    seen: dict[str, int] = {}
    for obs in indicator.observations:
        key = observation_key(obs)
        seen[key] = seen.get(key, 0) + 1
        suffix = f"-{seen[key]}" if seen[key] > 1 else ""
        obs_node = iri(rg.base, f"{rg.key}/observation/{ids.slug(indicator.name)}/{key}{suffix}")
        add_observation(rg, obs_node, node, obs, dataset)
        if indicator.comment:
            g.add((obs_node, BK.comment, Literal(indicator.comment, lang="sv")))
        rg.derived_from(obs_node, ind_id)


def add_observation(rg: ReportGraph, node: URIRef, indicator: URIRef, obs: Observation,
                    dataset: URIRef) -> None:
    """A qb:Observation with value, area, year and optional sex and breakdown."""
    g = rg.g
    g.add((node, RDF.type, QB.Observation))
    g.add((node, QB.dataSet, dataset))
    g.add((node, BK.indicator, indicator))
    g.add((node, SDMX_MEASURE.obsValue, Literal(obs.value, datatype=XSD.decimal)))
    g.add((node, SDMX_DIM.refArea, add_area(rg, obs.area)))
    g.add((node, BK.year, Literal(obs.year, datatype=XSD.integer)))
    g.add((node, BK.report, rg.node))
    if obs.sex:
        g.add((node, SDMX_DIM.sex, SEX[obs.sex]))
    if obs.breakdown:
        g.add((node, BK.breakdown, Literal(obs.breakdown, lang="sv")))


def add_indicators(rg: ReportGraph) -> None:
    """Every indicator of the report, in one qb:DataSet."""
    dataset = iri(rg.base, f"{rg.key}/dataset")
    rg.g.add((dataset, RDF.type, QB.DataSet))
    rg.g.add((dataset, QB.structure, BK.IndicatorDSD))
    rg.g.add((dataset, DCTERMS.title, Literal(f"Indikatorer i {rg.report.title}", lang="sv")))
    for indicator in rg.report.indicators:
        add_indicator(rg, indicator, dataset)
