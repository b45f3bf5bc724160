"""Shared fixtures. The database is whatever DATABASE_URL names (scripts/test.sh runs the suite on
SQLite and on a PostgreSQL server it starts)."""

import pytest
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# A loaded 2-core CI machine makes input generation "slow" and timings noisy: property tests
# judge behaviour, not speed (speed has its own benchmarks). Derandomized, so CI is repeatable.
hypothesis_settings.register_profile(
    "motcua", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("motcua")


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="cần PostgreSQL (chạy trong lượt PostgreSQL của scripts/test.sh)")
    for item in items:
        if "postgres_only" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _login_rate_limit_off(settings):
    """django-axes refuses `client.login()` (it passes no request) and would count other tests'
    failed logins; tests of the rate limit itself ask for `login_rate_limit`."""
    settings.AXES_ENABLED = False


@pytest.fixture
def login_rate_limit(settings, db):
    from axes.utils import reset

    settings.AXES_ENABLED = True
    reset()
    yield
    reset()


@pytest.fixture(autouse=True)
def _vietnamese_between_tests():
    """A request made in English leaves English active in the thread; each test starts in
    the default language, as each request does."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
