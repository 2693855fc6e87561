"""JSON API description and health."""
