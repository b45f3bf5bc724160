"""docs/lifecycle.md is generated from the table; a stale copy fails here."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.records import docs
from motcua.records.lifecycle import TRANSITIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md"


def test_committed_lifecycle_doc_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == docs.render(), "chạy `motcua records docs`"


def test_doc_has_one_line_per_transition():
    text = docs.render()
    assert sum(1 for t in TRANSITIONS if f"(`{t.action.value}`) |" in text) == len(TRANSITIONS)
    table_rows = [line for line in text.splitlines() if line.count("|") == 9 and "`)" in line]
    assert len(table_rows) == len(TRANSITIONS)


def test_command_writes_and_checks(tmp_path):
    target = tmp_path / "lifecycle.md"
    with pytest.raises(CommandError):
        call_command("records", "docs", "--check", "--output", str(target))
    call_command("records", "docs", "--output", str(target))
    assert target.read_text(encoding="utf-8") == docs.render()
    call_command("records", "docs", "--check", "--output", str(target))
