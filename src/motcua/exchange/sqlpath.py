"""The export on PostgreSQL, set-based: one query builds each sync record's JSON text in the
server's C code and COPY streams the lines out (exchange/sqlexport.py runs it). It writes
what `dvcqg.mapping.record_to_sync` + `SyncWriter` write, byte for byte (tests/exchange/
test_export_sql.py compares both): the field lists, their order and the codes come from the
mapping, only the SQL spelling of each rule lives here. What a record keeps from its source
(`extra`, an imported history item) is spliced from the text the import stored with it
(`Record.sync_kept`, `RecordEvent.sync_item`); rebuilding it from jsonb in the file's key order
cost about half of the server's time. A row without that text is rebuilt as before."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson

from motcua.catalog.models import Field, Procedure
from motcua.records.lifecycle import Action, State
from motcua.records.models import Record, RecordAttachment, RecordEvent
from motcua.units.models import Agency

from .dvcqg import mapping as m
from .dvcqg.values import LOCAL_TZ

# Compact JSON text of any jsonb value with object keys in the order `mapping._in_order` writes:
# `first` as given, then the others by code point (COLLATE "C"); `first` applies to the items of
# a list, not to nested objects. jsonb keeps its own key order (length first), hence the rebuild.
ORDERED_FN = """
CREATE OR REPLACE FUNCTION pg_temp.motcua_json(v jsonb, first text[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
SELECT CASE jsonb_typeof(v)
  WHEN 'object' THEN '{' || coalesce((
    SELECT string_agg(to_json(k)::text || ':' || CASE WHEN jsonb_typeof(x) IN ('object', 'array')
      THEN pg_temp.motcua_json(x, '{}') ELSE x::text END, ','
      ORDER BY array_position(first, k), k COLLATE "C")
    FROM jsonb_each(v) AS e(k, x)), '') || '}'
  WHEN 'array' THEN '[' || coalesce((
    SELECT string_agg(CASE WHEN jsonb_typeof(x) IN ('object', 'array')
      THEN pg_temp.motcua_json(x, first) ELSE x::text END, ',' ORDER BY n)
    FROM jsonb_array_elements(v) WITH ORDINALITY AS a(x, n)), '') || ']'
  ELSE v::text END
$f$
"""


def _j(expr: str, first: str = "'{}'") -> str:
    """The ordered JSON text of a jsonb expression; a scalar without a function call."""
    return (
        f"(CASE WHEN jsonb_typeof({expr}) IN ('object', 'array') "
        f"THEN pg_temp.motcua_json({expr}, {first}) ELSE ({expr})::text END)"
    )


def _s(expr: str) -> str:
    """A text column as a JSON string."""
    return f"coalesce(to_json(({expr})::text)::text, 'null')"


def _t(expr: str) -> str:
    """`values.format_datetime` as a JSON string: local yyyyMMddHHmmss, '' for none."""
    # The session's time zone is the file's (prepare_session): cheaper than AT TIME ZONE each time.
    return f"""('"' || coalesce(to_char({expr}, 'YYYYMMDDHH24MISS'), '') || '"')"""


def _flag(expr: str) -> str:
    return f"""(CASE WHEN {expr} THEN '"1"' ELSE '"0"' END)"""


def _obj(pairs: list[tuple[str, str]]) -> str:
    """A JSON object text from (key, JSON text expression) pairs, in that order."""
    # concat(): one copy of the text; a chain of || copies the growing text at every step. Every
    # part is non-null (concat would read a null as '').
    parts = [f"'{'{' if i == 0 else ','}{orjson.dumps(k).decode()}:', {v}" for i, (k, v) in enumerate(pairs)]
    return "concat(" + ", ".join(parts) + ", '}')"


def _item(expr: str, name: str) -> str:
    """The ordered JSON text of one item of list `name`: its known keys inline (no function call,
    no subquery, the common case), the others after them by code point."""
    keys = m.ITEM_FIELDS[name]
    known = " || ".join(
        f"(CASE WHEN {expr} ? '{k}' THEN ',\"{k}\":' || {_j(f"{expr} -> '{k}'")} ELSE '' END)" for k in keys
    )
    rest = f"({expr} - {_first(name)})"
    others = f"""(CASE WHEN {rest} = '{{}}'::jsonb THEN '' ELSE coalesce((SELECT string_agg(',' || to_json(k)::text
      || ':' || {_j("x")}, '' ORDER BY k COLLATE "C") FROM jsonb_each({rest}) AS o(k, x)), '') END)"""
    return f"(CASE WHEN jsonb_typeof({expr}) = 'object' THEN '{{' || substr({known} || {others}, 2) || '}}' ELSE {_j(expr, _first(name))} END)"


def _list(expr: str, name: str) -> str:
    """The ordered JSON text of list `name` kept as it came (jsonb)."""
    return f"""(CASE WHEN jsonb_typeof({expr}) = 'array' THEN '[' || coalesce((SELECT string_agg({_item("x", name)}, ','
      ORDER BY n) FROM jsonb_array_elements({expr}) WITH ORDINALITY AS a(x, n)), '') || ']' ELSE {_j(expr, _first(name))} END)"""


def _first(name: str) -> str:
    return "ARRAY[" + ",".join(f"'{k}'" for k in m.ITEM_FIELDS[name]) + "]::text[]"


# The officer looked up only for an item built here (not for an imported one, the common case).
_PERSON = """(CASE WHEN {e}.actor_id IS NOT NULL THEN (SELECT coalesce(nullif(u.full_name, ''), u.username)
    FROM {users} u WHERE u.id = {e}.actor_id)
  WHEN {e}.action = %(close_unsupplemented)s THEN 'Hệ thống' ELSE r.applicant_name END)"""


# The procedure's fields, as JSON text once per procedure rather than once per record.
_PROCEDURE_SCALARS = {
    "MaTTHC": _s("p.code || CASE WHEN p.local_code_suffix <> '' THEN '.' || p.local_code_suffix ELSE '' END"),
    "TenTTHC": _s("p.name"),
    "MaLinhVuc": _s("f.code"),
    "TenLinhVuc": _s("f.name"),
}


def _procedures() -> str:
    columns = ", ".join(f'{sql} AS "{name}"' for name, sql in _PROCEDURE_SCALARS.items())
    return f"""(SELECT p.id, {columns} FROM {Procedure._meta.db_table} p
        JOIN {Field._meta.db_table} f ON f.id = p.field_id OFFSET 0)"""


def _scalars() -> dict[str, str]:
    refused = (
        "(CASE WHEN r.approved IS FALSE THEN coalesce(r.finished_at, r.ended_at) "
        "WHEN r.state = ANY(%(refusal)s) THEN r.ended_at END)"
    )
    return {
        "MaHoSo": _s("r.code"),
        **{name: f'pf."{name}"' for name in _PROCEDURE_SCALARS},
        "KenhThucHien": _s("r.channel"),
        "ChuHoSo": _s("r.applicant_name"),
        "SoGiayToChuHoSo": _s("r.applicant_id_number"),
        "SoDienThoai": _s("r.applicant_phone"),
        "Email": _s("r.applicant_email"),
        "LoaiDoiTuong": _s("r.applicant_kind"),
        "MaDoiTuong": "'\"\"'",
        "TrichYeuHoSo": _s("r.summary"),
        "NgayNopHoSo": _t("r.submitted_at"),
        "NgayTiepNhan": _t("r.received_at"),
        "NgayHenTra": _t("r.due_at"),
        "NgayKetThucXuLy": _t("r.finished_at"),
        "NgayTra": _t("r.returned_at"),
        "NgayTuChoi": _t(refused),
        "TrangThaiHoSo": _s("%(codes)s::jsonb ->> r.state"),
        "HinhThuc": "'\"0\"'",
        "DonViXuLy": "%(agency_json)s::text",
        "NoiNopHoSo": f"""(CASE WHEN r.submitted_on_national_portal THEN '"{m.NATIONAL_PORTAL}"' ELSE '"1"' END)""",
        "TaiKhoanDuocXacThucVoiVNeID": _flag("r.vneid_verified"),
        "DuocThanhToanTrucTuyen": _s("r.paid_online"),
        "HoSoCoThanhPhanSoHoa": _flag("r.has_digitized_components"),
    }


def _history() -> str:
    label = "coalesce(%(labels)s::jsonb ->> e.action, e.action)"
    built = _obj(
        [
            ("MaHoSo", _s("r.code")),
            ("NguoiXuLy", _s(_PERSON.format(e="e", users=_user_table()))),
            ("ChucDanh", "'\"\"'"),
            ("PhongBanXuLy", "'\"\"'"),
            ("ThoiDiemXuLy", _t("e.at")),
            (
                "NoiDungXuLy",
                _s(f"CASE WHEN e.reason <> '' THEN {label} || ': ' || e.reason ELSE {label} END"),
            ),
            ("TrangThai", _s("%(codes)s::jsonb ->> e.to_state")),
            ("NgayBatDau", _t("e.at")),
            ("NgayKetThucTheoQuyDinh", _t("e.due_at")),
        ]
    )
    # An imported item as stored (RecordEvent.sync_item), or rebuilt from the detail if not.
    item = f"(CASE WHEN e.action = %(sync_history)s THEN coalesce(nullif(e.sync_item, ''), {item_sql('it')}) ELSE {built} END)"
    # One pass over the record's events: the history items, and whether a supplement was asked
    # for (most records: no — the supplements' subquery is skipped).
    return f"""CROSS JOIN LATERAL (SELECT string_agg({item}, ',' ORDER BY e.at, e.id) AS items,
        coalesce(bool_or(e.action = %(requested)s), false) AS asked
      FROM {RecordEvent._meta.db_table} e
      CROSS JOIN LATERAL (SELECT CASE WHEN e.sync_item = '' THEN coalesce(e.detail -> 'item', '{{}}'::jsonb) END
        AS it OFFSET 0) AS i
      WHERE e.record_id = r.id AND e.action <> ALL(%(exchange)s)) AS ev"""


def item_sql(item: str) -> str:
    """`mapping.item_text` in SQL: the JSON text of history item `item` (jsonb)."""
    return _item(item, m.HISTORY_FIELD)


def _supplements() -> str:
    events = RecordEvent._meta.db_table
    missing = (
        "nullif(array_to_string(ARRAY(SELECT jsonb_array_elements_text(CASE WHEN "
        "jsonb_typeof(q.detail -> 'missing') = 'array' THEN q.detail -> 'missing' ELSE '[]' END)), '; '), '')"
    )
    item = _obj(
        [
            ("NguoiYeuCauBoSung", _s(_PERSON.format(e="q", users=_user_table()))),
            ("NoiDungBoSung", _s(f"coalesce({missing}, q.reason)")),
            ("NgayBoSung", _t("q.at")),
            ("NgayTiepNhanBoSung", _t("s.at")),
            (
                "TrangThaiBoSung",
                f"""(CASE WHEN s.at IS NULL THEN '"{m.SUPPLEMENT_WAITING}"' ELSE '"{m.SUPPLEMENT_DONE}"' END)""",
            ),
            ("NgayHenTraTruoc", _t("q.due_at")),
            ("NgayHenTraMoi", _t("s.due_at")),
        ]
    )
    # A request is answered by the first receipt after it, unless another request came between.
    return f"""'[' || coalesce((SELECT string_agg({item}, ',' ORDER BY q.at, q.id)
      FROM {events} q
      LEFT JOIN LATERAL (SELECT s.at, s.due_at FROM {events} s
        WHERE s.record_id = r.id AND s.action = %(received)s AND (s.at, s.id) > (q.at, q.id)
          AND NOT EXISTS (SELECT 1 FROM {events} q2 WHERE q2.record_id = r.id
            AND q2.action = %(requested)s AND (q2.at, q2.id) > (q.at, q.id) AND (q2.at, q2.id) < (s.at, s.id))
        ORDER BY s.at, s.id LIMIT 1) s ON true
      WHERE q.record_id = r.id AND q.action = %(requested)s), '') || ']'"""


def _documents() -> str:
    item = _obj(
        [
            ("TepDinhKemId", _s("a.sha256")),
            ("TenTepDinhKem", _s("a.name")),
            ("MaThanhPhanHoSo", _s("coalesce(a.component_id::text, '')")),
            ("DuongDanTaiTepTin", "'\"\"'"),
            ("DuocSoHoa", _flag("r.channel <> '2'")),  # paper at the counter is scanned
            ("DuocTaiSuDung", "'\"0\"'"),
            ("DuocLayTuKhoDMQG", "'\"0\"'"),
            ("MaKetQuaThayThe", "'\"\"'"),
            ("IsDeleted", "'\"0\"'"),
        ]
    )
    return f"""'[' || coalesce((SELECT string_agg({item}, ',' ORDER BY a.uploaded_at, a.id)
      FROM {RecordAttachment._meta.db_table} a WHERE a.record_id = r.id), '') || ']'"""


def _derived_lists() -> dict[str, str]:
    number = "r.applicant_id_number"
    identity = _obj(
        [
            ("LoaiDinhDanh", f"""(CASE WHEN length({number}) = 12 THEN '"1"' ELSE '"2"' END)"""),
            ("SoDinhDanh", _s(number)),
        ]
    )
    fee = _obj(
        [
            ("TenPhiLePhi", _s("'Phí, lệ phí'")),
            ("MaPhiLePhi", "'\"\"'"),
            ("HinhThucThu", "'\"\"'"),
            ("Gia", _s("r.fees_total_vnd")),
            ("LoaiPhiLePhi", "'\"\"'"),
        ]
    )
    return {
        "DinhDanhCHS": f"(CASE WHEN {number} ~ '^[0-9]+$' AND length({number}) IN (12, 9) THEN '[' || {identity} || ']' ELSE '[]' END)",
        "DSKetNoiCSDL": f"""(CASE WHEN r.used_population_db THEN '[{{"MaCSDL":"{m.POPULATION_DB_WRITTEN}"}}]' ELSE '[]' END)""",
        "TaiLieuNop": _documents(),
        "DanhSachLePhi": f"(CASE WHEN coalesce(r.fees_total_vnd, 0) <> 0 THEN '[' || {fee} || ']' ELSE '[]' END)",
        "DanhSachGiayToKetQua": "'[]'",
        "DanhSachHoSoBoSung": f"(CASE WHEN ev.asked THEN {_supplements()} ELSE '[]' END)",
    }


def _user_table() -> str:
    return RecordEvent._meta.get_field("actor").related_model._meta.db_table  # type: ignore[union-attr]


_SEP = f"E'{m.KEPT_SEPARATOR.encode('unicode_escape').decode()}'"


def _kept(xv: str, xl: str, xu: str) -> list[str]:
    """The segments of `mapping.kept_text` from `extra`'s verbatim, lists and unknown parts
    (jsonb): the JSON text of each kept value, '' for one not kept."""
    parts = [
        f"(CASE WHEN {xv} ? '{name}' THEN {_j(f"{xv} -> '{name}'")} ELSE '' END)" for name in m.SCALAR_FIELDS
    ]
    parts += [
        f"(CASE WHEN {xl} ? '{name}' THEN {_list(f"{xl} -> '{name}'", name)} ELSE '' END)"
        for name in m.LIST_FIELDS
    ]
    parts.append(
        f"""coalesce((SELECT string_agg(',' || to_json(k)::text || ':' || {_j("x")}, '' ORDER BY k COLLATE "C")
      FROM jsonb_each(CASE WHEN jsonb_typeof({xu}) = 'object' THEN {xu} END) AS u(k, x)), '')"""
    )
    return parts


def kept_sql(extra: str) -> str:
    """`mapping.kept_text` in SQL, of `extra` (jsonb): what the import stores in `Record.sync_kept`."""
    parts = _kept("xe.v", "xe.l", "xe.u")
    return f"""(SELECT concat_ws({_SEP}, {", ".join(parts)})
      FROM (SELECT {extra} -> 'verbatim' AS v, {extra} -> 'lists' AS l, {extra} -> 'unknown' AS u) AS xe)"""


def _line_sql() -> str:
    scalars, derived = _scalars(), _derived_lists()
    # A kept part: its stored text (Record.sync_kept, cut into `k`), else rebuilt from `extra`
    # (a record written before that column, or by code that does not fill it); else the columns.
    pairs = []
    for segment, name in enumerate((*m.SCALAR_FIELDS, *m.LIST_FIELDS), start=1):
        if name in scalars:
            where, rebuilt, columns = "xv", _j(f"xv -> '{name}'"), scalars[name]
        else:
            where, rebuilt, columns = "xl", _list(f"xl -> '{name}'", name), derived[name]
        kept = f"CASE WHEN r.sync_kept <> '' THEN nullif(k[{segment}], '') WHEN {where} ? '{name}' THEN {rebuilt} END"
        pairs.append((name, f"coalesce({kept}, {columns})"))
    pairs.append((m.HISTORY_FIELD, "'[' || coalesce(ev.items, '') || ']'"))
    body = _obj(pairs)
    return f"(CASE WHEN y.unknown = '' THEN {body} ELSE left({body}, -1) || y.unknown || '}}' END)"


def _unknown_sql() -> str:
    segment = len(m.SCALAR_FIELDS) + len(m.LIST_FIELDS) + 1
    return f"(CASE WHEN r.sync_kept <> '' THEN k[{segment}] ELSE {_kept('xv', 'xl', 'xu')[-1]} END)"


def export_params(*, agency: Agency, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """The parameters of `lines_sql` and `codes_sql` for the agency's records in [start, end)."""
    return {
        "agency": agency.pk,
        "agency_json": orjson.dumps(agency.name).decode(),
        "start": start,
        "end": end,
        "codes": orjson.dumps({s.value: str(s.national_code) for s in State}).decode(),
        "labels": orjson.dumps({a.value: str(a.label) for a in Action}).decode(),
        "refusal": [str(s) for s in m._REFUSAL_STATES],
        "exchange": sorted(m.EXCHANGE_ACTIONS),
        "sync_history": m.SYNC_HISTORY,
        "close_unsupplemented": Action.CLOSE_UNSUPPLEMENTED.value,
        "requested": Action.REQUEST_SUPPLEMENT.value,
        "received": Action.SUPPLEMENT_RECEIVED.value,
    }


# The records an export writes: received in [start, end), or submitted then if never received.
_WHERE = """r.agency_id = %(agency)s AND (r.received_at >= %(start)s AND r.received_at < %(end)s
        OR r.received_at IS NULL AND r.submitted_at >= %(start)s AND r.submitted_at < %(end)s)"""


def lines_sql(*, low: bool, high: bool) -> str:
    """The query of the export's lines ordered by code; with `low`/`high`, only the codes in
    [%(low)s, %(high)s) (a part of a parallel export)."""
    bounds = (" AND r.code >= %(low)s" if low else "") + (" AND r.code < %(high)s" if high else "")
    # The stored kept text cut once per record, or (none stored) `extra` taken apart once
    # (OFFSET 0: not flattened into each use).
    fallback = "CASE WHEN r.sync_kept = '' THEN r.extra -> '{}' END"
    return f"""SELECT {_line_sql()} FROM {Record._meta.db_table} r
      CROSS JOIN LATERAL (SELECT string_to_array(r.sync_kept, {_SEP}) AS k, {fallback.format("verbatim")} AS xv,
        {fallback.format("lists")} AS xl, {fallback.format("unknown")} AS xu OFFSET 0) AS x
      CROSS JOIN LATERAL (SELECT {_unknown_sql()} AS unknown OFFSET 0) AS y
      JOIN {_procedures()} AS pf ON pf.id = r.procedure_id
      {_history()}
      WHERE {_WHERE}{bounds}
      ORDER BY r.code"""


def codes_sql(parts: int, sample: float | None) -> str:
    """The codes cutting the export's records into `parts` parts of about the same size
    (percentiles, over a sample of the table's pages if `sample` percent is given)."""
    fractions = ",".join(str(i / parts) for i in range(1, parts))
    tablesample = f" TABLESAMPLE SYSTEM ({sample})" if sample is not None else ""
    return f"""SELECT percentile_disc(ARRAY[{fractions}]::float8[]) WITHIN GROUP (ORDER BY r.code), count(*)
      FROM {Record._meta.db_table} r{tablesample} WHERE {_WHERE}"""


def prepare_session(cursor: Any) -> None:
    """What a connection needs before running `lines_sql` (in its transaction)."""
    cursor.execute(f"SET LOCAL TimeZone = '{LOCAL_TZ.key}'")  # the file's times are local (_t)
    cursor.execute("SET LOCAL check_function_bodies = off")  # the function calls itself
    cursor.execute(ORDERED_FN)


def copy_sql(raw_cursor: Any, query: str, params: dict[str, Any]) -> str:
    # CSV with a quote and a delimiter no JSON text holds raw: each line comes out as it is
    # (the text format would double every backslash).
    return f"COPY ({raw_cursor.mogrify(query, params)}) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
