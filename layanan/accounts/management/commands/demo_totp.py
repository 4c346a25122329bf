"""Print the current TOTP code of a demo account (development only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from layanan.accounts import totp
from layanan.accounts.models import SecondFactor
from layanan.accounts.phone import normalize_phone


class Command(BaseCommand):
    help = "Print the current 6-digit code of an account's authenticator. Only when ENVIRONMENT=development."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("phone", help="The account's phone number, e.g. 0811-0000-0002.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.ENVIRONMENT != "development":
            raise CommandError("demo_totp only runs when ENVIRONMENT=development.")
        try:
            phone = normalize_phone(options["phone"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        factor = SecondFactor.objects.filter(user__phone=phone).first()
        if factor is None or not factor.is_confirmed:
            raise CommandError(f"{options['phone']} has no confirmed authenticator.")
        now = totp.clock()
        step = totp.current_step(now)
        remaining = totp.STEP_SECONDS - int(now) % totp.STEP_SECONDS
        self.stdout.write(f"{totp.code_at(factor.secret, step)}  (valid for about {remaining} more seconds)")
