"""Scope fixtures shared with the other UI tests."""

from tests.accounts.fixtures import _fast_password_hashing, default_password_hashers, province_world  # noqa: F401
