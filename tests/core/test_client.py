"""The client address the login and lookup limits count by, with and without a reverse proxy."""

import pytest
from django.test import RequestFactory

from motcua.core.client import client_address


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.2", "10.0.0.1"),  # no proxy configured: the header is the client's own words
        (1, "198.51.100.2", "198.51.100.2"),
        (1, "6.6.6.6, 198.51.100.2", "198.51.100.2"),  # an entry the client wrote itself is ignored
        (2, "6.6.6.6, 198.51.100.2, 10.0.0.5", "198.51.100.2"),
        (2, "198.51.100.2", "10.0.0.1"),  # fewer hops than proxies: the peer is the client
        (1, "", "10.0.0.1"),
        (1, "khong-phai-dia-chi", "10.0.0.1"),  # only an address is taken (the login lock stores an IP)
        (1, "198.51.100.2:4431", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_address_is_the_one_the_outermost_trusted_proxy_saw(settings, proxies, forwarded, expected):
    settings.MOTCUA_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
