from django import template
from django.http import HttpRequest

from layanan.offline.account import account_tag

register = template.Library()


@register.simple_tag
def offline_account(request: HttpRequest | None) -> str:
    """The signed-in person's account tag for the page's ``<meta name="account">``, or ""."""
    user = getattr(request, "user", None)
    return account_tag(user) if user is not None else ""
