"""The application: Flask app, CLI and the ingest orchestration."""
