"""A page (and RDF) for every IRI."""
