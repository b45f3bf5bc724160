"""The client's address, for the limits on failed logins and failed record lookups.

Behind a reverse proxy every request comes from the proxy: counted by REMOTE_ADDR, ten citizens'
typing mistakes would lock out everyone. With `MOTCUA_PROXY_COUNT` = n trusted proxies in front,
the address is the n-th entry of X-Forwarded-For from the right (the one the outermost trusted
proxy saw); entries further left are written by the client and never trusted."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = settings.MOTCUA_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote  # not through the expected proxies: the direct peer is the client
    return forwarded[-proxies][:64]
