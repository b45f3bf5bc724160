"""English is the second UI language: the compiled catalogue matches its source and the switch works."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{[^{}]*\}")


def read_po(path: Path) -> list[dict]:
    """A tiny .po reader (polib is not a project dependency): one dict per entry, obsolete ones skipped."""
    entries: list[dict] = []
    entry: dict = {}
    key = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            if entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    if entry:
        entries.append(entry)
    return [e for e in entries if e.get("msgid")]  # drop the header


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    return read_po(LC_MESSAGES / "django.po")


@pytest.fixture(scope="module")
def mo() -> gettext.GNUTranslations:
    with (LC_MESSAGES / "django.mo").open("rb") as fh:
        return gettext.GNUTranslations(fh)


def translated(mo: gettext.GNUTranslations, entry: dict) -> list[str]:
    if "msgid_plural" in entry:
        return [mo.ngettext(entry["msgid"], entry["msgid_plural"], n) for n in (1, 2)]
    if "msgctxt" in entry:
        return [mo.pgettext(entry["msgctxt"], entry["msgid"])]
    return [mo.gettext(entry["msgid"])]


def po_strings(entry: dict) -> list[str]:
    if "msgid_plural" in entry:
        return [entry["msgstr[0]"], entry["msgstr[1]"]]
    return [entry["msgstr"]]


def test_compiled_catalogue_matches_the_po_file(po_entries, mo):
    # A .po edited without `motcua compilemessages` would silently keep showing the old text.
    stale = [e["msgid"] for e in po_entries if all(po_strings(e)) and translated(mo, e) != po_strings(e)]
    assert po_entries and not stale, f"django.mo is out of date for: {stale[:5]}"


def test_every_entry_is_translated(po_entries):
    missing = [e["msgid"] for e in po_entries if not all(po_strings(e))]
    assert not missing, f"{len(missing)} entries still fall back to Vietnamese: {missing[:5]}"


def test_translations_keep_every_placeholder(po_entries):
    # A dropped or renamed %(name)s raises KeyError at render time: a 500 only English users would see.
    def placeholders(text: str) -> list[str]:
        return sorted(PLACEHOLDER.findall(text))

    broken = [
        e["msgid"]
        for e in po_entries
        for source, target in zip([e["msgid"], e.get("msgid_plural")], po_strings(e), strict=False)
        if target and placeholders(source) != placeholders(target)
    ]
    assert not broken, broken


def english(mo: gettext.GNUTranslations, msgid: str) -> str:
    text = mo.gettext(msgid)
    assert text != msgid, f"no English for {msgid!r}"
    return text


@pytest.mark.django_db
def test_vietnamese_is_the_default(client):
    html = client.get("/").content.decode()
    assert '<html lang="vi">' in html
    assert "Tìm thủ tục theo tên hoặc mã; gõ có dấu hay không dấu đều được." in html
    # The footer offers the other language, named in that language (NFC, so search and screen readers match).
    assert 'value="en" class="link" lang="en">English</button>' in html


@pytest.mark.django_db
def test_switching_to_english_translates_the_portal_and_the_login_page(client, mo):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/"

    home = client.get("/").content.decode()
    assert '<html lang="en">' in home
    for msgid in ("Tìm thủ tục theo tên hoặc mã; gõ có dấu hay không dấu đều được.", "Đăng nhập cán bộ"):
        assert english(mo, msgid) in home
        assert msgid not in home

    login = client.get("/dang-nhap/").content.decode()
    for msgid in ("Tên đăng nhập", "Mật khẩu"):
        assert english(mo, msgid) in login

    assert 'value="vi" class="link" lang="vi">Tiếng Việt</button>' in home
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Tìm thủ tục theo tên hoặc mã" in client.get("/").content.decode()


def test_model_labels_follow_the_active_language(mo):
    from motcua.accounts.models import RoleGrant

    with translation.override("en"):
        assert str(RoleGrant._meta.verbose_name) == english(mo, "phân quyền")
    with translation.override("vi"):
        assert str(RoleGrant._meta.verbose_name) == "phân quyền"
