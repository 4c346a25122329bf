from layanan.webhooks.testing import receiver, webhooks_on  # noqa: F401  # fixtures
