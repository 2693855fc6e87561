"""Records to RDF, the store, safe SPARQL execution, exports and SHACL validation."""
