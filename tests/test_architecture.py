"""The dependency rules of docs/architecture.md, checked on the source itself."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "motcua"
UI_PACKAGES = {"portal", "workspace", "api"}
DOMAIN_PACKAGES = {
    "units",
    "calendars",
    "accounts",
    "catalog",
    "records",
    "documents",
    "workdays",
    "metrics",
    "exchange",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def package_files(package: str) -> list[Path]:
    return [p for p in (SRC / package).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("package", sorted(DOMAIN_PACKAGES))
def test_domain_packages_never_import_the_ui(package):
    for path in package_files(package):
        for module in imported_modules(path):
            parts = module.split(".")
            assert not (parts[0] == "motcua" and len(parts) > 1 and parts[1] in UI_PACKAGES), (
                f"{path.relative_to(SRC)} imports {module}"
            )


def test_workdays_is_pure():
    for path in package_files("workdays"):
        for module in imported_modules(path):
            top = module.split(".")[0]
            assert top != "django", f"{path.relative_to(SRC)} imports {module}"
            assert not (top == "motcua" and not module.startswith("motcua.workdays")), (
                f"{path.relative_to(SRC)} imports {module}"
            )


def test_documents_take_plain_data_not_models():
    allowed = {"motcua.records.lifecycle", "motcua.records.timeliness", "motcua.core.text"}
    for path in package_files("documents"):
        for module in imported_modules(path):
            if module.startswith("motcua.") and not module.startswith("motcua.documents"):
                assert module in allowed, f"{path.relative_to(SRC)} imports {module}"
