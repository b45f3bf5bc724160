import datetime as dt
from decimal import Decimal

from django import forms
from django.template import Context, Template
from django.utils import formats, translation


class DateForm(forms.Form):
    day = forms.DateField()


def test_typed_date_is_day_first():
    with translation.override("vi"):
        form = DateForm(data={"day": "07/08/2024"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == dt.date(2024, 8, 7)


def test_dates_print_dd_mm_yyyy():
    with translation.override("vi"):
        assert formats.date_format(dt.date(2024, 8, 7), "SHORT_DATE_FORMAT") == "07/08/2024"
        assert Template("{{ d }}").render(Context({"d": dt.date(2025, 1, 24)})) == "24/01/2025"


def test_numbers_group_with_dots_and_decimal_comma():
    with translation.override("vi"):
        assert (
            formats.number_format(Decimal("1234567.8"), decimal_pos=1, use_l10n=True, force_grouping=True)
            == "1.234.567,8"
        )
        assert Template("{{ n }}").render(Context({"n": 1234567})) == "1.234.567"


def test_vietnamese_is_the_default_language(client):
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    assert "Đăng nhập cán bộ" in response.content.decode()


def test_an_english_browser_still_gets_vietnamese_until_the_switch_is_used(client):
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập cán bộ" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    assert "Đăng nhập cán bộ" not in client.get("/dang-nhap/").content.decode()
