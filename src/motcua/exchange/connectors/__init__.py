"""Connectors to other systems: one plugin module each, registered by id (registry.py) and
configured in the admin (ConnectorConfig). A test double is just another plugin."""
