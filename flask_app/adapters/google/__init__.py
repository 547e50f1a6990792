"""The Google Workspace adapters: the ports implemented over google-api-python-client."""
