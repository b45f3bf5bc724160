"""Rule sets as data with effective dates: the database first, the shipped JSON as fallback."""

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.metrics import ruledata
from motcua.metrics.models import MetricRule, RuleSetVersion
from motcua.metrics.rules import RuleSetNotFound, all_rule_sets, rule_set, rule_set_at, to_rule_set
from motcua.metrics.scoring import Count, Kind, points, score
from motcua.metrics.services import RuleSetExists, rule_set_store
from tests.accounts.fixtures import _fast_password_hashing  # noqa: F401
from tests.factories import UserFactory

SHIPPED = ruledata.shipped()[-1]


def version_2027():
    """A later version: the online-filing metric needs 60 % from 01/01/2027 (an invented change)."""
    metrics = tuple(
        dataclasses.replace(m, kind=Kind.THRESHOLD, threshold=Decimal(60))
        if m.code == "ONLINE_DOSSIER_RATE"
        else m
        for m in SHIPPED.metrics
    )
    return dataclasses.replace(SHIPPED, version="qd766-2027", valid_from=dt.date(2027, 1, 1), metrics=metrics)


def test_empty_database_falls_back_to_the_shipped_rules(db):
    assert RuleSetVersion.objects.count() == 0
    assert rule_set_at(dt.date(2026, 11, 25)) == SHIPPED
    assert rule_set("qd766-2026") == SHIPPED


def test_a_later_version_applies_from_its_first_day(db):
    rule_set_store(rule_set=version_2027())
    before, after = rule_set_at(dt.date(2026, 12, 31)), rule_set_at(dt.date(2027, 1, 1))
    assert (before.version, after.version) == ("qd766-2026", "qd766-2027")
    # 27 of 50 filed online = 54 %: 6 × min(1; 54 ÷ 50) = 6,00 under 2026 rules; 6 × 54/60 = 5,40 from 2027
    assert points(before.metric("ONLINE_DOSSIER_RATE"), 27, 50) == Decimal("6.00")
    assert points(after.metric("ONLINE_DOSSIER_RATE"), 27, 50) == Decimal("5.40")


def test_stored_rows_round_trip_to_the_same_rule_set(db):
    stored = rule_set_store(rule_set=SHIPPED)
    assert to_rule_set(stored) == SHIPPED
    assert rule_set_at(dt.date(2026, 1, 1)) == SHIPPED


def test_database_version_takes_precedence_over_the_shipped_file(db):
    edited = dataclasses.replace(SHIPPED, notes="Sửa bởi quản trị tỉnh")
    rule_set_store(rule_set=edited)
    assert rule_set("qd766-2026").notes == "Sửa bởi quản trị tỉnh"
    assert [r.version for r in all_rule_sets()] == ["qd766-2026"]


def test_an_ended_version_no_longer_applies(db):
    rule_set_store(rule_set=dataclasses.replace(version_2027(), valid_to=dt.date(2027, 6, 30)))
    assert rule_set_at(dt.date(2027, 6, 30)).version == "qd766-2027"
    assert rule_set_at(dt.date(2027, 7, 1)).version == "qd766-2026"  # the open-ended one resumes


def test_no_rule_set_before_the_first_version(db):
    with pytest.raises(RuleSetNotFound, match="01/01/2020"):
        rule_set_at(dt.date(2020, 1, 1))
    with pytest.raises(RuleSetNotFound, match="qd766-2026"):
        rule_set("qd766-1999")


def test_storing_an_existing_version_needs_replace(db):
    rule_set_store(rule_set=SHIPPED)
    with pytest.raises(RuleSetExists):
        rule_set_store(rule_set=SHIPPED)
    rule_set_store(rule_set=dataclasses.replace(SHIPPED, notes="mới"), replace=True)
    assert RuleSetVersion.objects.get().notes == "mới"
    assert MetricRule.objects.count() == len(SHIPPED.metrics)


def test_rows_an_administrator_broke_are_reported_not_scored(db):
    stored = rule_set_store(rule_set=SHIPPED)
    MetricRule.objects.filter(rule_set=stored, code="DOSSIER_SYNC").update(max_points=Decimal(7))
    with pytest.raises(ruledata.RuleDataError, match="transparency"):
        rule_set("qd766-2026")


def test_rule_set_json_round_trips_and_bad_files_name_the_problem():
    assert ruledata.rule_set_from_dict(json.loads(json.dumps(ruledata.rule_set_to_dict(SHIPPED)))) == SHIPPED
    data = ruledata.rule_set_to_dict(SHIPPED)
    data["metrics"][2]["on_zero"] = "maybe"
    with pytest.raises(ruledata.RuleDataError, match=r"Chỉ số thứ 3 \(PUBLIC_CONTENT_FULL\), on_zero"):
        ruledata.rule_set_from_dict(data)
    with pytest.raises(ruledata.RuleDataError, match="dòng 1"):
        ruledata.load("{not json")


def test_score_uses_the_version_it_is_given(db):
    rule_set_store(rule_set=version_2027())
    counts = {"ONLINE_DOSSIER_RATE": Count(27, 50)}
    assert score(rule_set("qd766-2027"), counts).metric("ONLINE_DOSSIER_RATE").points == Decimal("5.40")


@pytest.fixture
def admin_client(client, db):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_administrator_imports_a_new_version_from_json_in_the_admin(admin_client):
    body = json.dumps(ruledata.rule_set_to_dict(version_2027()), ensure_ascii=False).encode()
    url = reverse("admin:metrics_rulesetversion_import")
    response = admin_client.post(url, {"file": SimpleUploadedFile("r.json", body, "application/json")})
    assert response.status_code == 302
    assert rule_set_at(dt.date(2027, 3, 1)).metric("ONLINE_DOSSIER_RATE").threshold == 60
    page = admin_client.get(
        reverse("admin:metrics_rulesetversion_change", args=[RuleSetVersion.objects.get().pk])
    )
    assert "Hợp lệ" in page.content.decode()


def test_admin_import_of_a_bad_file_explains_and_writes_nothing(admin_client):
    url = reverse("admin:metrics_rulesetversion_import")
    response = admin_client.post(url, {"file": SimpleUploadedFile("r.json", b"[1, 2", "application/json")})
    assert response.status_code == 200
    assert "Không đọc được JSON" in response.content.decode()
    assert RuleSetVersion.objects.count() == 0
    assert (
        "Nhập từ JSON"
        in admin_client.get(reverse("admin:metrics_rulesetversion_changelist")).content.decode()
    )


def test_admin_copies_the_rules_in_force_as_a_new_version_to_edit(admin_client):
    original = rule_set_store(rule_set=SHIPPED)
    url = reverse("admin:metrics_rulesetversion_changelist")
    response = admin_client.post(url, {"action": "copy_as_new_version", "_selected_action": [original.pk]})
    assert response.status_code == 302
    copy = RuleSetVersion.objects.exclude(pk=original.pk).get()
    assert copy.valid_from > original.valid_from
    assert to_rule_set(copy).metrics == SHIPPED.metrics
    # the administrator now edits one threshold of the copy: the new day uses it, the old day does not
    MetricRule.objects.filter(rule_set=copy, code="ONLINE_DOSSIER_RATE").update(threshold=60)
    assert rule_set_at(copy.valid_from).metric("ONLINE_DOSSIER_RATE").threshold == 60
    assert rule_set_at(original.valid_from).metric("ONLINE_DOSSIER_RATE").threshold == 50
