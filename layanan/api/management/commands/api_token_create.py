"""Create an API token for an account (a system's account, for Open311 keys): printed once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from layanan.accounts.models import Role, User
from layanan.api.tokens import token_create


class Command(BaseCommand):
    help = "Buat token API untuk sebuah akun; token dicetak sekali saja."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user-id", type=int, required=True, help="Akun pemegang token.")
        parser.add_argument("--by", type=int, required=True, help="Akun administrator yang membuatnya.")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--scopes", required=True, help="Dipisah koma: read,applications,reports,staff,open311"
        )
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        holder = User.objects.filter(pk=options["user_id"]).first()
        admin = User.objects.filter(pk=options["by"], role=Role.ADMIN, is_active=True).first()
        if holder is None or admin is None:
            raise CommandError("Akun pemegang atau administrator tidak ditemukan.")
        try:
            issued = token_create(
                user=holder,
                actor=admin,
                name=options["name"],
                scopes=[scope.strip() for scope in options["scopes"].split(",") if scope.strip()],
                days=options["days"],
            )
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from None
        self.stdout.write(issued.raw)
