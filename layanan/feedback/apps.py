"""Feedback on the platform itself: "was this page helpful?", problem reports, the product page for
administrators, and the public list of changes made in answer to feedback (docs/feedback.md)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "layanan.feedback"
    label = "feedback"
    verbose_name = _("Masukan tentang aplikasi")
