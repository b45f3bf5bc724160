"""Text as Vietnamese users type it: NFC storage, diacritics-insensitive search keys."""

import unicodedata

# Đ/đ is a letter of its own, not D with a combining mark, so NFD does not strip it.
_FOLD = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def search_key(text: str) -> str:
    """'Đăng ký  Hộ kinh doanh' → 'dang ky ho kinh doanh' (lower case, no marks, single spaces)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
