"""The client's address, for the limits on failed logins and failed record lookups.

Behind a reverse proxy every request comes from the proxy: counted by REMOTE_ADDR, ten citizens'
typing mistakes would lock out everyone. With `MOTCUA_PROXY_COUNT` = n trusted proxies in front,
the address is the n-th entry of X-Forwarded-For from the right (the one the outermost trusted
proxy saw); entries further left are written by the client and never trusted."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = _ip(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"
    proxies = settings.MOTCUA_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote  # not through the expected proxies: the direct peer is the client
    # Only an address: the login lock stores it in an IP column, where other text fails the login.
    return _ip(forwarded[-proxies]) or remote


def _ip(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return ""
