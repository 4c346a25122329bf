from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "layanan.accounts"
    label = "accounts"

    def ready(self) -> None:
        # The audit log sits below accounts; the permission table tells it who may read.
        from layanan.accounts.permissions import can  # models are ready only now
        from layanan.audit.selectors import audit_read_check_register

        audit_read_check_register(lambda actor: can(actor, "audit.read"))
        from layanan.accounts import signals  # noqa: F401  # records sessions at sign-in and sign-out
