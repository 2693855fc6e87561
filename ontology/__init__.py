"""Data files: OWL vocabulary, SHACL shapes, SKOS schemes, curated links, example queries."""
