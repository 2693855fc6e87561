"""Records -> RDF: one report's named graph, following the vocabulary contract."""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from corpus import ids
from corpus.passages import Passage, build_passages, municipality_slug, report_key, strategy_key
from corpus.records import Goal, GoalArea, Report
from graph.build_indicators import add_indicators
from graph.namespaces import BK, iri
from graph.reference import municipality_iri


def integer(value: int) -> Literal:
    """An xsd:integer literal."""
    return Literal(value, datatype=XSD.integer)


class ReportGraph:
    """Builds the triples of one report's named graph."""

    def __init__(self, report: Report, base: str) -> None:
        self.report, self.base, self.g = report, base, Graph()
        self.key = report_key(report)
        self.strategy_key = strategy_key(report)
        self.node = iri(base, self.key)
        self.passages = build_passages(report)
        self.by_source: dict[str, list[Passage]] = defaultdict(list)
        for p in self.passages:
            if p.source:
                self.by_source[p.source].append(p)

    def add_report(self) -> None:
        """The report, its municipality and the strategy it follows up."""
        g, r = self.g, self.report
        municipality, known = municipality_iri(r.municipality, self.base)
        g.add((self.node, RDF.type, BK.Report))
        g.add((self.node, DCTERMS.title, Literal(r.title, lang="sv")))
        g.add((self.node, BK.year, integer(r.year)))
        g.add((self.node, DCTERMS.publisher, municipality))
        g.add((self.node, DCTERMS.source, Literal(r.file_name)))
        g.add((self.node, BK.sha256, Literal(r.sha256)))
        if not known:
            g.add((municipality, RDF.type, BK.Municipality))
            g.add((municipality, SKOS.prefLabel, Literal(r.municipality, lang="sv")))
        strategy = iri(self.base, self.strategy_key)
        g.add((strategy, RDF.type, BK.Strategy))
        g.add((strategy, SKOS.prefLabel, Literal(r.strategy, lang="sv")))
        g.add((strategy, DCTERMS.publisher, municipality))
        g.add((self.node, BK.strategy, strategy))

    def add_passages(self) -> None:
        """Every passage: the unit of search and of provenance."""
        for p in self.passages:
            node = iri(self.base, p.id)
            self.g.add((node, RDF.type, BK.Passage))
            self.g.add((node, BK.text, Literal(p.text, lang="sv")))
            self.g.add((node, BK.report, self.node))
            self.g.add((node, BK.order, integer(p.order)))
            self.g.add((node, BK.kind, Literal(p.kind)))
            if p.heading:
                self.g.add((node, BK.heading, Literal(p.heading, lang="sv")))
            if p.page is not None:
                self.g.add((node, BK.page, integer(p.page)))
            if p.goal:
                self.g.add((node, BK.goal, self.goal_node(p.goal)))
            if p.goal_area is not None:
                self.g.add((node, BK.goalArea, self.area_node(p.goal_area)))

    def goal_node(self, letter: str) -> URIRef:
        """IRI of a mål of this report's strategy."""
        return iri(self.base, ids.goal_id(self.strategy_key, letter))

    def area_node(self, number: int) -> URIRef:
        """IRI of a målområde of this report's strategy."""
        return iri(self.base, ids.goal_area_id(self.strategy_key, number))

    def article_node(self, instrument: str, number: int) -> URIRef:
        """IRI of a rights article in the reference vocabulary."""
        return iri(self.base, ids.rights_article_id(instrument, number))

    def derived_from(self, node: URIRef, source: str) -> None:
        """prov:wasDerivedFrom to the passages that render `source`."""
        for p in self.by_source.get(source, []):
            self.g.add((node, PROV.wasDerivedFrom, iri(self.base, p.id)))

    def add_goal_area(self, area: GoalArea) -> None:
        """A målområde with its rights, development areas and mål."""
        g, node = self.g, self.area_node(area.number)
        g.add((node, RDF.type, BK.GoalArea))
        g.add((node, BK.number, integer(area.number)))
        g.add((node, SKOS.prefLabel, Literal(area.title, lang="sv")))
        g.add((node, BK.strategy, iri(self.base, self.strategy_key)))
        if area.page is not None:
            g.add((node, BK.page, integer(area.page)))
        for right in area.rights:
            article = self.article_node(right.instrument, right.number)
            g.add((node, BK.contributesToRight, article))
            # the report's own wording; different wordings for one article are all kept
            g.add((article, SKOS.prefLabel, Literal(right.label, lang="sv")))
        for dev in area.development_areas:
            dev_id = ids.development_area_id(self.key, area.number, dev.order)
            dev_node = iri(self.base, dev_id)
            g.add((dev_node, RDF.type, BK.DevelopmentArea))
            g.add((dev_node, BK.goalArea, node))
            g.add((dev_node, BK.report, self.node))
            g.add((dev_node, BK.text, Literal(dev.text, lang="sv")))
            g.add((dev_node, BK.order, integer(dev.order)))
            self.derived_from(dev_node, dev_id)
        for goal in area.goals:
            self.add_goal(goal, area)

    def add_goal(self, goal: Goal, area: GoalArea) -> None:
        """A mål, its rights (materialised from the målområde) and its actions."""
        g, node = self.g, self.goal_node(goal.letter)
        g.add((node, RDF.type, BK.Goal))
        g.add((node, BK.letter, Literal(goal.letter)))
        g.add((node, SKOS.prefLabel, Literal(goal.title, lang="sv")))
        g.add((node, BK.goalArea, self.area_node(area.number)))
        if goal.page is not None:
            g.add((node, BK.page, integer(goal.page)))
        articles = [self.article_node(r.instrument, r.number) for r in area.rights]
        for article in articles:
            g.add((node, BK.contributesToRight, article))
        for order, section in enumerate(goal.sections, start=1):
            action_id = ids.action_id(self.key, goal.letter, order)
            action = iri(self.base, action_id)
            g.add((action, RDF.type, BK.Action))
            g.add((action, BK.goal, node))
            g.add((action, BK.report, self.node))
            g.add((action, SKOS.prefLabel, Literal(section.heading, lang="sv")))
            g.add((action, BK.text, Literal(section.text, lang="sv")))
            g.add((action, BK.order, integer(order)))
            if section.page is not None:
                g.add((action, BK.page, integer(section.page)))
            for article in articles:
                g.add((action, BK.supportsRight, article))
            self.derived_from(action, action_id)

    def add_initiatives(self) -> None:
        """Named initiatives linked to every action that mentions them."""
        place = municipality_slug(self.report)
        actions = {(g.letter, s.heading): ids.action_id(self.key, g.letter, n)
                   for g in self.report.goals for n, s in enumerate(g.sections, start=1)}
        for item in self.report.initiatives:
            node = iri(self.base, ids.initiative_id(place, item.name))
            mentioned = {actions[(m.goal, m.section)] for m in item.mentions
                         if (m.goal, m.section) in actions}
            if not mentioned:
                continue  # mentioned only in an introduction or summary: no action to link
            self.g.add((node, RDF.type, BK.Initiative))
            self.g.add((node, SKOS.prefLabel, Literal(item.name, lang="sv")))
            for alias in item.aliases:
                self.g.add((node, BK.alias, Literal(alias, lang="sv")))
            for action_id in sorted(mentioned):
                self.g.add((node, BK.mentionedIn, iri(self.base, action_id)))

    def build(self) -> Graph:
        """All triples of the report's named graph."""
        self.add_report()
        self.add_passages()
        for area in self.report.goal_areas:
            self.add_goal_area(area)
        self.add_initiatives()
        add_indicators(self)
        return self.g


def report_graph(report: Report, base: str) -> Graph:
    """The named-graph content for one report."""
    return ReportGraph(report, base).build()
