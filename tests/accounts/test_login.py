import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.hashers import check_password, get_hashers, identify_hasher
from django.urls import reverse

from tests.accounts.fixtures import PASSWORD
from tests.factories import UserFactory

LOCKED_TEXT = "Tạm khóa đăng nhập"


def attempt(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_failures_lock_the_sixth_attempt_even_with_the_right_password(client, login_rate_limit):
    user = UserFactory(username="motcua.vanhung")
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, user.username, "sai-mat-khau")
        assert response.status_code == 200
        assert "không đúng" in response.content.decode()
    attempt(client, user.username, "sai-mat-khau")  # the fifth failure: the limit is reached

    sixth = attempt(client, user.username, PASSWORD)
    assert sixth.status_code == 429
    assert LOCKED_TEXT in sixth.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_lifts_after_the_cool_off(client, login_rate_limit):
    user = UserFactory(username="motcua.vanhung")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        attempt(client, user.username, "sai-mat-khau")
    assert attempt(client, user.username, PASSWORD).status_code == 429

    # 15 minutes pass (AXES_COOLOFF_TIME is in hours).
    cool_off = dt.timedelta(hours=django_settings.AXES_COOLOFF_TIME)
    for row in AccessAttempt.objects.all():
        row.attempt_time -= cool_off + dt.timedelta(seconds=1)
        row.save(update_fields=["attempt_time"])

    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failures_on_one_account_do_not_lock_another(client, login_rate_limit):
    UserFactory(username="a.nguyen")
    other = UserFactory(username="b.tran")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        attempt(client, "a.nguyen", "sai-mat-khau")
    assert attempt(client, other.username, PASSWORD).status_code == 302


def test_password_is_stored_hashed_with_django_defaults(db, default_password_hashers):
    user = UserFactory(username="a.nguyen")
    user.refresh_from_db()
    assert PASSWORD not in user.password
    assert identify_hasher(user.password).__class__ is get_hashers()[0].__class__
    assert get_hashers()[0].__module__ == "django.contrib.auth.hashers"
    assert check_password(PASSWORD, user.password)


def test_behind_a_proxy_the_lock_is_per_client_not_for_everyone(client, login_rate_limit, settings):
    settings.MOTCUA_PROXY_COUNT = 1
    user = UserFactory(username="motcua.vanhung")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": user.username, "password": "sai-mat-khau"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    elsewhere = client.post(
        reverse("login"),
        {"username": user.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert elsewhere.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
