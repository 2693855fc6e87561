"""The rights explorer: instrument, article, supporting actions."""
