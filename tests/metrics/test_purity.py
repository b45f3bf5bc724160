"""The scorer and its JSON are pure (no Django), so later rollups, the explain page and the CLI share
them and mypy --strict checks them (pyproject.toml [tool.mypy])."""

import ast
from pathlib import Path

import pytest

METRICS = Path(__file__).resolve().parents[2] / "src" / "motcua" / "metrics"
PURE = ["scoring.py", "ruledata.py", "counts_json.py"]


@pytest.mark.parametrize("name", PURE)
def test_pure_modules_import_neither_django_nor_models(name):
    tree = ast.parse((METRICS / name).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        modules = (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom) and node.level == 0
            else []
        )
        for module in modules:
            assert module.split(".")[0] != "django", f"{name} imports {module}"
            assert not module.startswith("motcua."), f"{name} imports {module}"
        if isinstance(node, ast.ImportFrom) and node.level:
            assert node.module in {"scoring"}, f"{name} imports .{node.module}"
