"""Dashboards, summary tables, exports and the public transparency page."""
