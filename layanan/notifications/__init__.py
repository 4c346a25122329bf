"""Outbound messages to people: notify(), templates, channels, the delivery log."""
