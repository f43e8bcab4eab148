"""Bolt listeners: thin handlers that parse a payload, call a service and render Block Kit."""
