"""`motcua index score`: what officials run to reconcile with the portal's published counts."""

import dataclasses
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from motcua.metrics import ruledata
from motcua.metrics.services import rule_set_store

pytestmark = pytest.mark.django_db

RULES = ruledata.shipped()[-1]


def run(*args: str, stdin: str = "") -> str:
    out = io.StringIO()
    call_command("index", *args, stdin=io.StringIO(stdin), stdout=out)
    return out.getvalue()


def line(metric: str, numerator: int | None, denominator: int | None) -> dict:
    return {"metric": metric, "numerator": numerator, "denominator": denominator}


TRANSPARENCY = [
    line("PUBLISH_ON_TIME", 45, 50),  # 6 × 45/50 = 5,40
    line("PUBLIC_UPDATE_ON_TIME", 0, 0),  # no data
    line("PUBLIC_CONTENT_FULL", 1, 8),  # 2 × 1/8 = 0,25
    line("DOSSIER_SYNC", None, None),  # no data
]


def test_score_from_stdin_prints_points_with_two_decimals_and_the_group():
    text = run("score", stdin=json.dumps(TRANSPARENCY))
    assert '"points": 5.40' in text  # two decimals, as the portal shows them
    result = json.loads(text)
    assert [(m["metric"], m["points"], m["max"]) for m in result["metrics"]] == [
        ("PUBLISH_ON_TIME", 5.4, 6),
        ("PUBLIC_UPDATE_ON_TIME", None, 4),
        ("PUBLIC_CONTENT_FULL", 0.25, 2),
        ("DOSSIER_SYNC", None, 6),
    ]
    assert result["metrics"][0]["formula"] == "6 × min(1; 45/50 ÷ 100%) = 5,40"
    assert result["groups"] == [{"group": "transparency", "points": 5.65, "max": 18}]  # 5,40 + 0 + 0,25 + 0
    assert "total" not in result


def test_score_from_a_file_with_every_metric_gives_the_total(tmp_path):
    source = tmp_path / "counts.json"
    source.write_text(json.dumps([line(m.code, 1, 2) for m in RULES.metrics]), encoding="utf-8")
    result = json.loads(run("score", "--rules", "qd766-2026", str(source)))
    assert [g["group"] for g in result["groups"]] == [g.id for g in RULES.groups]
    # Every metric at 50 %: linear ones earn max/2; threshold 80 % → 50/80 of max, 50 % → max, 90 % → 50/90.
    # transparency 9; progress 10; online 2×50/80=1,25 + 2 + 6 = 9,25; payment 3 + 1,25 + 1,25 = 5,50;
    # digitized 3 + 2 + 1 + 2×50/80=1,25 + 2 + 1 + 1 = 11,25; satisfaction 6×50/90=3,33 + 3 + 3 = 9,33
    assert [g["points"] for g in result["groups"]] == [9, 10, 9.25, 5.5, 11.25, 9.33]
    assert result["total"] == 54.33  # 9 + 10 + 9,25 + 5,50 + 11,25 + 9,33


def test_batch_reads_json_lines_and_answers_one_line_each_in_order(tmp_path):
    rows = [[line("DOSSIER_ON_TIME", n, 10)] for n in (10, 3, 7)]  # 20 × n/10 = 20, 6, 14
    source = tmp_path / "communes.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    out = run("score", "--batch", str(source)).splitlines()
    assert [json.loads(o)["groups"][0]["points"] for o in out] == [20, 6, 14]


def test_batch_streams_earlier_results_before_a_bad_line():
    text = json.dumps([line("DOSSIER_ON_TIME", 1, 2)]) + "\n" + "[{]\n"
    out = io.StringIO()
    with pytest.raises(CommandError, match="Dòng 2, cột 3: không đọc được JSON") as error:
        call_command("index", "score", "--batch", stdin=io.StringIO(text), stdout=out)
    assert error.value.returncode == 2
    assert json.loads(out.getvalue())["groups"][0]["points"] == 10  # 20 × 1/2, written before line 2 failed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"metric": "NOPE", "numerator": 1, "denominator": 2}]', "phần tử thứ 1: Mã chỉ số «NOPE»"),
        (
            json.dumps([line("DOSSIER_SYNC", 1, 2), line("DOSSIER_ON_TIME", -1, 2)]),
            "phần tử thứ 2: «numerator» không được âm",
        ),
        (json.dumps([line("DOSSIER_SYNC", 5, 2)]), "tử số \\(5\\) lớn hơn mẫu số \\(2\\)"),
        (json.dumps([line("DOSSIER_SYNC", 1.5, 2)]), "phải là số nguyên"),
        (json.dumps([line("DOSSIER_SYNC", 1, 2), line("DOSSIER_SYNC", 1, 2)]), "hai lần"),
        (json.dumps([{"metric": "DOSSIER_SYNC", "numerator": 1}]), "thiếu trường denominator"),
        (json.dumps({"metric": "DOSSIER_SYNC"}), "cần một danh sách"),
        (json.dumps([3]), "phần tử thứ 1: cần một đối tượng"),
        ('[\n{"metric": ', "Dòng 2, cột 12: không đọc được JSON"),
    ],
)
def test_bad_input_exits_2_with_a_vietnamese_message(text, message):
    with pytest.raises(CommandError, match=message) as error:
        run("score", stdin=text)
    assert error.value.returncode == 2


def test_unknown_rule_version_or_missing_file_exit_2(tmp_path):
    with pytest.raises(CommandError, match="qd766-1999") as error:
        run("score", "--rules", "qd766-1999", stdin="[]")
    assert error.value.returncode == 2
    with pytest.raises(CommandError, match="Không mở được tệp") as error:
        run("score", str(tmp_path / "missing.json"))
    assert error.value.returncode == 2


def test_real_process_exit_code_and_no_traceback_on_an_unmigrated_database():
    env = {**os.environ, "DATABASE_URL": "sqlite:///:memory:", "DJANGO_SETTINGS_MODULE": "motcua.settings"}
    command = [sys.executable, "-m", "motcua.cli", "index", "score"]
    good = subprocess.run(
        command, input=json.dumps(TRANSPARENCY), capture_output=True, text=True, env=env, check=False
    )
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["groups"][0]["points"] == 5.65
    bad = subprocess.run(command, input="[{]", capture_output=True, text=True, env=env, check=False)
    assert bad.returncode == 2
    assert "không đọc được JSON" in bad.stderr and "Traceback" not in bad.stderr


def test_export_then_import_rules_creates_a_database_version(tmp_path):
    exported = tmp_path / "rules.json"
    data = json.loads(run("export-rules", "--rules", "qd766-2026"))
    data.update(version="qd766-2027", valid_from="2027-01-01")
    exported.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert "qd766-2027" in run("import-rules", str(exported))
    with pytest.raises(CommandError, match="đã có") as error:
        run("import-rules", str(exported))
    assert error.value.returncode == 2
    out = json.loads(run("score", "--rules", "qd766-2027", stdin=json.dumps([line("DOSSIER_SYNC", 1, 2)])))
    assert out["rules"] == "qd766-2027"


def test_docs_index_md_is_up_to_date():
    run("docs", "--check", "--output", str(Path(settings.BASE_DIR) / "docs" / "index.md"))


def test_score_picks_the_rules_in_force_on_a_date():
    rule_set_store(rule_set=dataclasses.replace(RULES, version="qd766-2027", valid_from=dt.date(2027, 1, 1)))
    counts = json.dumps([line("DOSSIER_SYNC", 1, 2)])
    assert json.loads(run("score", "--at", "31/12/2026", stdin=counts))["rules"] == "qd766-2026"
    assert json.loads(run("score", "--at", "2027-01-01", stdin=counts))["rules"] == "qd766-2027"
    with pytest.raises(CommandError, match="Không đọc được ngày") as error:
        run("score", "--at", "hôm qua", stdin=counts)
    assert error.value.returncode == 2
