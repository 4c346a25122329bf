from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "layanan.calendars"
    label = "calendars"
    verbose_name = _("Kalender hari kerja")

    def ready(self) -> None:
        from layanan.calendars.models import Holiday
        from layanan.calendars.signals import holidays_changed, holidays_migrated

        post_save.connect(holidays_changed, sender=Holiday, dispatch_uid="calendars.holiday_saved")
        post_delete.connect(holidays_changed, sender=Holiday, dispatch_uid="calendars.holiday_deleted")
        post_migrate.connect(holidays_migrated, sender=self, dispatch_uid="calendars.migrated")
