"""Render a form's content to PDF with WeasyPrint, offline: only data: URIs and the font files load."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

from motcua.documents.forms.content import Paper
from motcua.documents.forms.formatting import place_date_line
from motcua.documents.forms.qr import qr_svg_data_uri

# Debian's fonts-liberation2: Times New Roman metrics, full Vietnamese coverage.
FONT_DIR = Path(os.environ.get("MOTCUA_FORM_FONT_DIR", "/usr/share/fonts/truetype/liberation2"))


class OfflineFetcher(URLFetcher):  # type: ignore[misc]
    """A government intranet is often offline, and a paper must not depend on the network: refuse
    anything but inline data and the font directory."""

    def __init__(self, allowed_dirs: tuple[Path, ...] = (FONT_DIR,)) -> None:
        super().__init__(allowed_protocols={"data", "file"})
        self._allowed_dirs = tuple(d.resolve() for d in allowed_dirs)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file:"):
            path = Path(url.removeprefix("file://")).resolve()
            if not any(path.is_relative_to(d) for d in self._allowed_dirs):
                raise ValueError(f"Không được đọc tệp ngoài thư mục phông chữ: {url}")
        return super().fetch(url, headers)


def render_html(paper: Paper) -> str:
    with translation.override("vi"):
        return render_to_string(
            paper.template_name,
            {
                "paper": paper,
                "qr": qr_svg_data_uri(paper.qr_payload()),
                "place_date": place_date_line(paper.issuer.place, paper.issued_on),
                "font_dir": FONT_DIR.as_uri(),
            },
        )


def render_form(paper: Paper) -> bytes:
    """The PDF of one national form (A4, Liberation Serif, QR code at the top left)."""
    font_config = FontConfiguration()
    document = HTML(string=render_html(paper), base_url=FONT_DIR.as_uri(), url_fetcher=OfflineFetcher())
    pdf: bytes = document.write_pdf(font_config=font_config)  # bytes when no target is given
    return pdf
