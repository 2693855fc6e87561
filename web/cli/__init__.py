"""The `bokslut` command line."""
