"""The reports as PDF, with the forms' machinery (documents.forms.render): WeasyPrint, offline,
Liberation Serif, the national header; figures in Vietnamese number format."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

from motcua.documents.forms.formatting import place_date_line
from motcua.documents.forms.render import FONT_DIR, OfflineFetcher

from .formatting import vn_day, vn_number, vn_rate

PDF_EVIDENCE_ROWS = 200  # a printed list beyond this is unreadable; the XLSX carries them all


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    with translation.override("vi"):
        html = render_to_string(template, {**context, "font_dir": FONT_DIR.as_uri()})
    document = HTML(string=html, base_url=FONT_DIR.as_uri(), url_fetcher=OfflineFetcher())
    pdf: bytes = document.write_pdf(font_config=FontConfiguration())
    return pdf


def _issued(report: dict[str, Any], place: str) -> str:
    day = dt.date.fromisoformat(report["generated_at"][:10])
    return place_date_line(place, day)


def inspection_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The figures as printed: formatted numbers, and the evidence lists' rows with dates."""
    rows = []
    for key, f in report["figures"].items():
        evidence = [
            {
                **e,
                "received": vn_day(e["received_at"]),
                "due": vn_day(e["due_at"]),
                "ended": vn_day(e["ended_at"]),
            }
            for e in (f["evidence"] or [])
        ]
        extra = []
        if "amount_vnd" in f:
            extra.append(f"Số tiền: {vn_number(f['amount_vnd'])} đồng")
        if "target_rate" in f:
            target = "chưa giao" if f["target_rate"] is None else vn_rate(f["target_rate"])
            verdict = {True: " — đạt", False: " — chưa đạt", None: ""}[f.get("meets_target")]
            extra.append(f"Chỉ tiêu: {target}{verdict}")
        if f.get("note"):
            extra.append(f["note"])
        rows.append(
            {
                "key": key,
                "label": f["label"],
                "definition": f["definition"],
                "count": vn_number(f["count"]),
                "base": "" if f["base"] is None else vn_number(f["base"]),
                "rate": "" if f["base"] is None else vn_rate(f["rate"]),
                "extra": extra,
                "evidence_kind": f["evidence_kind"],
                "evidence_total": f["evidence_total"],
                "evidence": evidence[:PDF_EVIDENCE_ROWS],
                "evidence_cut": (f["evidence_total"] or 0) > PDF_EVIDENCE_ROWS,
            }
        )
    return rows


def index_rows(report: dict[str, Any]) -> dict[str, Any]:
    index = report["index"]
    fmt = lambda v: "không có dữ liệu" if v is None else vn_number(v, 2)  # noqa: E731
    return {
        "rule_set": index["rule_set"],
        "total": fmt(index["total"]),
        "max": vn_number(index["max"], 2),
        "groups": [{**g, "points": fmt(g["points"]), "max": vn_number(g["max"], 2)} for g in index["groups"]],
        "metrics": [
            {**m, "points": fmt(m["points"]), "max": vn_number(m["max"], 2)} for m in index["metrics"]
        ],
    }


def inspection_pdf(report: dict[str, Any], *, place: str = "Khánh Hòa") -> bytes:
    return _pdf(
        "metrics/reports/inspection_pdf.html",
        {
            "report": report,
            "rows": inspection_rows(report),
            "index": index_rows(report),
            "place_date": _issued(report, place),
            "period_from": vn_day(report["period"]["start"]),
            "period_to": vn_day(report["period"]["end"]),
        },
    )


def periodic_table(report: dict[str, Any]) -> dict[str, Any]:
    keys = [c["key"] for c in report["columns"]]
    return {
        "rows": [{"field": r["field"], "cells": [vn_number(r[k]) for k in keys]} for r in report["rows"]],
        "totals": [vn_number(report["totals"][k]) for k in keys],
    }


def periodic_pdf(report: dict[str, Any], *, place: str = "Khánh Hòa") -> bytes:
    return _pdf(
        "metrics/reports/periodic_pdf.html",
        {
            "report": report,
            "table": periodic_table(report),
            "place_date": _issued(report, place),
            "period_from": vn_day(report["period"]["start"]),
            "period_to": vn_day(report["period"]["end"]),
        },
    )
