"""Ingest orchestration: reports into store and index, derived rights links."""
