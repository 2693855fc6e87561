"""The search page and its JSON twin."""
