"""Backup and recovery: ``manage.py backup`` and ``manage.py restore`` (docs/backup.md)."""
