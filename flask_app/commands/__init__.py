"""Command-line commands of the `coach` group, one module each."""
