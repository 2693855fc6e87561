"""SPARQL 1.1 Protocol endpoint and query editor."""
