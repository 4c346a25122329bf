from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "layanan.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from layanan.webhooks import outbox  # models are ready only now

        outbox.connect_signals()
