"""Answers to take away: CSV and JSON of what the mål, indicator and search pages show."""
