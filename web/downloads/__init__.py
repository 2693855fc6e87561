"""Data dumps and VoID."""
