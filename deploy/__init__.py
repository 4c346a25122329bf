"""The deployment recipe on one machine: nginx config, and the kill-under-load check (docs/deployment.md)."""
