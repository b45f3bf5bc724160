"""Writes about staff accounts."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import User


def api_token_issue(*, user: User, renew: bool = False) -> Token:
    """The API token of a (system) account; `renew` revokes the old one and issues another."""
    with transaction.atomic():
        if renew:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
    return token
