"""The SQL twins of `dvcqg.mapping.parse_sync_record`, `source_extra` and `core.text.search_key`,
generated from the mapping's tables (codes, states, fields, limits) so that a rule lives in one
place. They read a staged sync record (`d`, jsonb; its fields once, as `t`) and give the Record
columns the Python path would write — for the plain, valid record only: `OK` is true when every value has the common,
valid shape (strings, 14-digit local times, known codes …). Any other record — a number
anywhere, a null scalar, text not in NFC, a character the search-key table does not know, an
error — is left to the Python path, which accepts or rejects it with its own words. So the SQL
never has to say *why* a record is wrong, and both paths give the same rows
(tests/exchange/test_sqlimport*.py).
"""

from __future__ import annotations

import itertools
import unicodedata
from functools import cache

from motcua.records.lifecycle import NATIONAL_STATUS, State
from motcua.records.rules import RULE_SETS

from .dvcqg import mapping as m
from .dvcqg.values import LAST_YEAR

# Python's str.strip()/split() whitespace, as SQL string literal and regex class escapes.
PY_SPACES = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_LOCAL = "Asia/Ho_Chi_Minh"
_FOLD_RANGES = (range(0x41, 0x5B), range(0xC0, 0x250), range(0x300, 0x370), range(0x1E00, 0x1F00))


def _u(text: str) -> str:
    """`text` as \\uXXXX escapes (every character here is in the BMP)."""
    return "".join(f"\\u{ord(ch):04x}" for ch in text)


def lit(text: str) -> str:
    """A SQL string literal (E'…' with escapes: safe for any character)."""
    return "E'" + _u(text) + "'"


def _in(values: object) -> str:
    return ", ".join(lit(str(v)) for v in sorted(values))  # type: ignore[call-overload]


@cache
def foldable() -> str:
    """The non-ASCII characters `search_key_sql` folds as `search_key` does: đ/Đ, the combining
    marks Python drops, and every Latin letter whose NFD is an ASCII letter and such marks (all
    of Vietnamese). Derived from the Unicode tables Python uses, never typed."""
    out = ["đ", "Đ"]
    for cp in itertools.chain(*_FOLD_RANGES):
        ch = chr(cp)
        if cp < 0x80 or ch in out:
            continue
        parts = unicodedata.normalize("NFD", ch)
        if all(_dropped(c) for c in parts) or (
            parts[0].isascii() and parts[0].isalpha() and parts[1:] and all(_dropped(c) for c in parts[1:])
        ):
            out.append(ch)
    return "".join(out)


def _dropped(ch: str) -> bool:
    return 0x300 <= ord(ch) < 0x370 and unicodedata.combining(ch) != 0


def search_key_sql(expr: str) -> str:
    """SQL of `search_key(expr)` for text `searchable_sql` accepts: đ → d, NFD, marks dropped, ASCII
    lower case (all that is left is ASCII), runs of spaces → one, trimmed."""
    folded = (
        f"lower(regexp_replace(normalize(translate({expr}, 'đĐ', 'dd'), NFD), '[\\u0300-\\u036f]+', '', 'g') "
        'COLLATE "C")'
    )
    ascii_only = f'lower({expr} COLLATE "C")'
    text = f"CASE WHEN octet_length({expr}) = char_length({expr}) THEN {ascii_only} ELSE {folded} END"
    return f"btrim(regexp_replace({text}, '  +', ' ', 'g'), ' ')"


def searchable_sql(expr: str) -> str:
    """True when `expr` is printable ASCII and `foldable()` characters only (other spaces, other
    scripts: the Python path)."""
    return f"({expr} ~ '^[\\u0020-\\u007e{_u(foldable())}]*$')"


def strip_sql(expr: str) -> str:
    return f"btrim({expr}, {lit(PY_SPACES)})"


def date_ok(expr: str) -> str:
    """`expr` (text) is a real local time yyyyMMddHHmmss (from 1976: Asia/Ho_Chi_Minh has been
    UTC+7 without daylight saving since 1975; up to the parser's last year). No regular expression: they cost ~10 µs a call."""
    c = 'COLLATE "C"'
    year = f"left({expr}, 4)::int"
    leap = f"(mod({year}, 4) = 0 AND (mod({year}, 100) <> 0 OR mod({year}, 400) = 0))"
    day, month = f"substr({expr}, 7, 2) {c}", f"substr({expr}, 5, 2) {c}"
    last = (
        f"CASE {month} WHEN '02' THEN CASE WHEN {leap} THEN '29' ELSE '28' END "
        "WHEN '04' THEN '30' WHEN '06' THEN '30' WHEN '09' THEN '30' WHEN '11' THEN '30' ELSE '31' END"
    )
    # CASE, not AND: the year is cast only once the digits are known (SQL does not promise an order).
    return (
        f"(CASE WHEN octet_length({expr}) = 14 AND translate({expr}, '0123456789', '') = '' "
        f"THEN left({expr}, 4) {c} BETWEEN '1976' AND '{LAST_YEAR}' AND {month} BETWEEN '01' AND '12' AND {day} >= '01' "
        f"AND ({day} <= '28' OR {day} <= {last}) AND substr({expr}, 9, 2) {c} <= '23' "
        f"AND substr({expr}, 11, 2) {c} <= '59' AND substr({expr}, 13, 2) {c} <= '59' ELSE false END)"
    )


def to_time(expr: str) -> str:
    """A valid local time text → timestamptz (guard with `date_ok`)."""
    return f"((left({expr}, 8) || 'T' || right({expr}, 6) || '+07')::timestamptz)"


def jdate_ok(value: str) -> str:
    """A jsonb value a date may have: absent, null, "" or a valid time."""
    text = f"({value} #>> '{{}}')"
    return f"({value} IS NULL OR {value} IN ('null', '\"\"') OR (jsonb_typeof({value}) = 'string' AND {date_ok(text)}))"


def tdate_ok(text: str) -> str:
    """`jdate_ok` for a value read as text (`jsonb_to_record`): NULL (absent or null), "" or a
    valid time; any other JSON type reads as text no valid time matches."""
    return f"(coalesce({text}, '') = '' OR {date_ok(text)})"


def jtime(value: str) -> str:
    """The timestamptz of a jsonb date value (NULL when absent, null or "")."""
    text = f"({value} #>> '{{}}')"
    return f"CASE WHEN jsonb_typeof({value}) = 'string' AND {date_ok(text)} THEN {to_time(text)} END"


def flag_ok(value: str, *, booleans: bool = False) -> str:
    extra = ", 'true', 'false'" if booleans else ""
    return f"({value} IS NULL OR {value} IN ('null', '\"\"', '\"0\"', '\"1\"'{extra}))"


def text_or_null_ok(value: str) -> str:
    return f"({value} IS NULL OR jsonb_typeof({value}) IN ('null', 'string'))"


def state_of_code(code: str, supplement_before_receipt: str | None = None) -> str:
    """CASE: status code text → motcua state (mapping._STATE_OF_CODE)."""
    arms = []
    for status, state in m._STATE_OF_CODE.items():
        value = lit(str(state.value))
        if state == State.SUPPLEMENT and supplement_before_receipt:
            value = f"CASE WHEN {supplement_before_receipt} THEN {lit(State.INTAKE_SUPPLEMENT.value)} ELSE {value} END"
        arms.append(f"WHEN {lit(status)} THEN {value}")
    return f"CASE {code} {' '.join(arms)} END"


def national_code(state: str) -> str:
    arms = " ".join(f"WHEN {lit(s.value)} THEN {lit(str(n))}" for s, n in NATIONAL_STATUS.items())
    return f"CASE {state} {arms} END"


def rule_set(day: str) -> str:
    """records.rules.rules_at(day).code, or '' (the import's fallback)."""
    arms = []
    for rules in RULE_SETS:
        upper = f" AND {day} <= DATE '{rules.valid_to.isoformat()}'" if rules.valid_to else ""
        arms.append(f"WHEN {day} >= DATE '{rules.valid_from.isoformat()}'{upper} THEN {lit(rules.code)}")
    return f"CASE {' '.join(arms)} ELSE '' END"


def _t(name: str) -> str:
    """A top-level field as text (as `->>` gives it), from the one `jsonb_to_record` per document."""
    return f'(t."{name}")'


def _j(name: str) -> str:
    """A list field as jsonb (JSON null reads as SQL NULL, which `_list_shape` treats alike)."""
    return f'(t."{name}")'


def _fields() -> str:
    """The column list of `jsonb_to_record`: scalars as text, lists as jsonb. Each document is
    read once here instead of ~300 `->`/`->>` lookups (each one copies its value out)."""
    lists = (*m.LIST_FIELDS, m.HISTORY_FIELD)
    return ", ".join([*(f'"{k}" text' for k in m.SCALAR_FIELDS), *(f'"{k}" jsonb' for k in lists)])


def ttime(text: str) -> str:
    """The timestamptz of a date text (NULL when absent, "" or not a valid time)."""
    return f"CASE WHEN {date_ok(text)} THEN {to_time(text)} END"


def _array(value: str) -> str:
    return f"CASE WHEN jsonb_typeof({value}) = 'array' THEN {value} END"


def _list_shape(name: str, objects: str) -> str:
    """`mapping._items`: absent, null, "" or a list of objects (`objects`: its aggregate)."""
    v = _j(name)
    return f"({v} IS NULL OR {v} IN ('null', '\"\"') OR (jsonb_typeof({v}) = 'array' AND coalesce({objects}, true)))"


def _code_ok(name: str, allowed: frozenset[str], *, default: bool) -> str:
    if default:
        return f"(coalesce({_t(name)}, '') IN ({_in(allowed | {''})}))"
    return f"coalesce({_t(name)} IN ({_in(allowed)}), false)"


def calc_select(stage: str, agency_table: str, procedure_table: str, field_table: str) -> str:
    """SELECT over the staging table `s` (pos, doc): every Record column the import sets (named
    as the attnames), `ok` (the plain, valid record SQL may take) and `code`. Parameters:
    %(source)s, %(now)s."""
    code, status = _t("MaHoSo"), _t("TrangThaiHoSo")
    received_t = f"nullif({_t('NgayTiepNhan')}, '')"
    submitted_t = f"coalesce(nullif({_t('NgayNopHoSo')}, ''), {received_t})"
    finished_t, returned_t = f"nullif({_t('NgayKetThucXuLy')}, '')", f"nullif({_t('NgayTra')}, '')"
    refused_t = f"nullif({_t('NgayTuChoi')}, '')"
    ended_t = f"coalesce({finished_t}, {returned_t}, {refused_t})"
    state = state_of_code(status, f"{received_t} IS NULL")
    name = strip_sql(_t("ChuHoSo"))
    id_number = strip_sql(_t("SoGiayToChuHoSo"))
    final_states = _in({State.RESOLVED.value, State.RETURNED.value})
    refusal_states = _in({s.value for s in m._REFUSAL_STATES})
    approved = f"CASE WHEN v.state IN ({final_states}) THEN {refused_t} IS NULL END"
    digitized_given = f"coalesce({_t('HoSoCoThanhPhanSoHoa')}, '') <> ''"
    has_digitized = f"CASE WHEN {digitized_given} THEN {_t('HoSoCoThanhPhanSoHoa')} = '1' ELSE coalesce(tl.digitized, false) END"
    population = _in(m.POPULATION_DB_CODES)
    # The scalars as `mapping._scalars` would write them back: a source value that differs is kept.
    refused_derived = (
        f"CASE WHEN v.approved IS FALSE THEN coalesce({finished_t}, {ended_t}) "
        f"WHEN v.state IN ({refusal_states}) THEN {ended_t} END"
    )
    derived = {
        "MaTTHC": "p.code || CASE WHEN p.local_code_suffix <> '' THEN '.' || p.local_code_suffix ELSE '' END",
        "TenTTHC": "p.name",
        "MaLinhVuc": "f.code",
        "TenLinhVuc": "f.name",
        "KenhThucHien": "v.channel",
        "ChuHoSo": "v.applicant_name",
        "SoGiayToChuHoSo": "v.applicant_id_number",
        "SoDienThoai": "v.applicant_phone",
        "Email": "v.applicant_email",
        "LoaiDoiTuong": "v.applicant_kind",
        "MaDoiTuong": "''",
        "NgayNopHoSo": submitted_t,
        "NgayTuChoi": f"coalesce({refused_derived}, '')",
        "TrangThaiHoSo": national_code("v.state"),
        "HinhThuc": "'0'",
        "DonViXuLy": "a.name",
        "NoiNopHoSo": f"CASE WHEN v.portal THEN {lit(m.NATIONAL_PORTAL)} ELSE '1' END",
        "TaiKhoanDuocXacThucVoiVNeID": "CASE WHEN v.vneid THEN '1' ELSE '0' END",
        "DuocThanhToanTrucTuyen": "v.paid_online",
        "HoSoCoThanhPhanSoHoa": "CASE WHEN v.digitized THEN '1' ELSE '0' END",
    }
    # MaHoSo (matches its pattern), TrichYeuHoSo (NFC) and the other dates (valid) are as sent.
    verbatim = ", ".join(
        f"{lit(k)}, CASE WHEN {_t(k)} <> {expr} THEN {_t(k)} END" for k, expr in derived.items()
    )
    known = "ARRAY[" + _in(m.KNOWN_FIELDS) + "]::text[]"
    not_lists = "ARRAY[" + _in({*m.SCALAR_FIELDS, m.HISTORY_FIELD}) + "]::text[]"
    lists = _in(m.LIST_FIELDS)
    checks = [
        "jsonb_typeof(d) = 'object'",
        # No number anywhere (jsonb would keep 1.50 or 1e2 as written, Python as a float): the
        # numeric values as a text search vector, ~6 µs where a JSON path takes ~40.
        "jsonb_to_tsvector('simple', d, '[\"numeric\"]') = ''::tsvector",
        # String or absent (not null): the one check that needs the jsonb value's type.
        *(f"coalesce(jsonb_typeof(d -> {lit(k)}), 'string') = 'string'" for k in m.SCALAR_FIELDS),
        f"{code} ~ '{m.RECORD_CODE.pattern.replace('(?P<agency>', '(').replace('(?P<day>', '(').replace('(?P<seq>', '(').replace(chr(92) + 'd', '[0-9]')}'",
        f"char_length({code}) <= {m._MAX['MaHoSo']}",
        f"{_t('MaTTHC')} ~ '^[0-9][.][0-9]{{6}}([.][ -~]*[!-~])?$'",
        _code_ok("TrangThaiHoSo", m.STATUS_CODES, default=False),
        _code_ok("KenhThucHien", m.CHANNELS, default=True),
        _code_ok("LoaiDoiTuong", m.APPLICANT_KINDS, default=True),
        _code_ok("DuocThanhToanTrucTuyen", m.PAID_ONLINE, default=True),
        _code_ok("NoiNopHoSo", m._PLACES, default=True),
        _code_ok("HinhThuc", m._RETURN_KINDS, default=True),
        *(
            f"coalesce({_t(k)}, '') IN ('', '0', '1')"
            for k in ("TaiKhoanDuocXacThucVoiVNeID", "HoSoCoThanhPhanSoHoa")
        ),
        *(
            f"(coalesce({_t(k)}, '') = '' OR v.{column} IS NOT NULL)"
            for k, column in (
                ("NgayNopHoSo", "submitted_raw"),
                ("NgayTiepNhan", "received_at"),
                ("NgayHenTra", "due_at"),
                ("NgayKetThucXuLy", "finished_at"),
                ("NgayTra", "returned_at"),
                ("NgayTuChoi", "refused_at"),
            )
        ),
        f"{submitted_t} IS NOT NULL",
        *(f"coalesce(char_length({_t(k)}) <= {n}, true)" for k, n in m._MAX.items() if k != "MaHoSo"),
        "coalesce(v.applicant_name IS NFC NORMALIZED, true)",
        f"coalesce({_t('TrichYeuHoSo')} IS NFC NORMALIZED, true)",
        searchable_sql("sk.k"),
        _list_shape("TaiLieuNop", "tl.objects"),
        "coalesce(tl.valid, true)",
        _list_shape("DanhSachLePhi", "fe.objects"),
        f"coalesce(fe.valid AND fe.total <= {m.MAX_FEES_TOTAL}, true)",
        _list_shape("DanhSachGiayToKetQua", "rs.objects"),
        "coalesce(rs.valid, true)",
        _list_shape("DSKetNoiCSDL", "db.objects"),
        "coalesce(db.valid, true)",
        _list_shape("DinhDanhCHS", "ids.objects"),
        _list_shape("DanhSachHoSoBoSung", "su.objects"),
        "coalesce(su.valid, true)",
        _list_shape(m.HISTORY_FIELD, "hi.objects"),
        "coalesce(hi.valid, true)",
    ]
    status_ok = f"coalesce(e ->> 'TrangThai', '') IN ({_in(m.STATUS_CODES | {''})})"
    start_ok = tdate_ok('h."NgayBatDau"')
    at_ok = " AND ".join(
        [
            tdate_ok('h."ThoiDiemXuLy"'),
            tdate_ok('h."NgayKetThucTheoQuyDinh"'),
            f"""(coalesce(h."ThoiDiemXuLy", '') <> '' OR ({start_ok} AND coalesce(h."NgayBatDau", '') <> ''))""",
        ]
    )
    strings = "coalesce(jsonb_typeof(e -> '{0}') IN ('null', 'string'), true)"
    # Gia: 1 to 15 ASCII digits (regular expressions cost ~10 µs a call; translate a fraction).
    amount = "octet_length(e ->> 'Gia') BETWEEN 1 AND 15 AND translate(e ->> 'Gia', '0123456789', '') = ''"
    live = "NOT coalesce((e -> 'IsDeleted') IN ('\"1\"', 'true'), false)"
    return f"""
SELECT s.pos, {code} AS code, ok.value AS ok, a.id AS agency_id, a.unit_id AS unit_id, p.id AS procedure_id,
  v.state, v.channel, v.applicant_name, v.applicant_id_number, v.applicant_phone, v.applicant_email,
  v.applicant_kind, v.summary, {search_key_sql("sk.k")} AS search_text,
  v.submitted_at, v.received_at, v.due_at, v.original_due_at, v.finished_at, v.returned_at, v.ended_at,
  CASE WHEN v.state = {lit(State.SUPPLEMENT.value)} THEN su.requested END AS clock_paused_at,
  su.requested AS supplement_requested_at, coalesce(su.n, 0) AS supplement_count,
  {rule_set(f"(coalesce(v.received_at, v.submitted_at) AT TIME ZONE '{_LOCAL}')::date")} AS rule_set,
  v.approved, coalesce(fe.total, 0) AS fees_total_vnd, v.paid_online, v.digitized AS has_digitized_components,
  coalesce(rs.e_result, false) AS has_e_result, v.vneid AS vneid_verified, v.portal AS submitted_on_national_portal,
  coalesce(db.population, false) AS used_population_db, coalesce(tl.reused, false) AS reused_data,
  coalesce(tl.from_store, false) AS from_national_data_store,
  CASE WHEN x.verbatim <> '{{}}' THEN jsonb_build_object('verbatim', x.verbatim) ELSE '{{}}' END
  || CASE WHEN x.lists <> '{{}}' THEN jsonb_build_object('lists', x.lists) ELSE '{{}}' END
  || CASE WHEN x.unknown <> '{{}}' THEN jsonb_build_object('unknown', x.unknown) ELSE '{{}}' END AS extra
FROM {stage} s
CROSS JOIN LATERAL (SELECT s.doc AS d,
    CASE WHEN jsonb_typeof(s.doc) = 'object' THEN s.doc ELSE '{{}}'::jsonb END AS o OFFSET 0) dd
CROSS JOIN LATERAL jsonb_to_record(dd.o) AS t({_fields()})
LEFT JOIN {agency_table} a ON a.code = split_part({code}, '-', 1)
LEFT JOIN {procedure_table} p ON p.code = left({_t("MaTTHC")}, 8)
LEFT JOIN {field_table} f ON f.id = p.field_id
LEFT JOIN LATERAL (SELECT bool_and(jsonb_typeof(e) = 'object') AS objects,
    bool_and({flag_ok("(e -> 'DuocSoHoa')")} AND {flag_ok("(e -> 'DuocTaiSuDung')")}
      AND {flag_ok("(e -> 'DuocLayTuKhoDMQG')")} AND {flag_ok("(e -> 'IsDeleted')", booleans=True)}
      AND {strings.format("MaKetQuaThayThe")}) AS valid,
    bool_or((e -> 'DuocSoHoa') = '"1"' AND {live}) AS digitized,
    bool_or(((e -> 'DuocTaiSuDung') = '"1"' OR {strip_sql("(e ->> 'MaKetQuaThayThe')")} <> '') AND {live}) AS reused,
    bool_or((e -> 'DuocLayTuKhoDMQG') = '"1"' AND {live}) AS from_store
  FROM jsonb_array_elements({_array(_j("TaiLieuNop"))}) e) tl ON true
LEFT JOIN LATERAL (SELECT bool_and(jsonb_typeof(e) = 'object') AS objects,
    bool_and(coalesce(e -> 'Gia' IN ('null', '""'), true) OR coalesce(jsonb_typeof(e -> 'Gia') = 'string' AND {amount}, false)) AS valid,
    sum(CASE WHEN jsonb_typeof(e -> 'Gia') = 'string' AND {amount} THEN (e ->> 'Gia')::bigint ELSE 0 END) AS total
  FROM jsonb_array_elements({_array(_j("DanhSachLePhi"))}) e) fe ON true
LEFT JOIN LATERAL (SELECT bool_and(jsonb_typeof(e) = 'object') AS objects,
    bool_and({strings.format("DuongDanTepTinKetQua")}) AS valid,
    bool_or({strip_sql("(e ->> 'DuongDanTepTinKetQua')")} <> '') AS e_result
  FROM jsonb_array_elements({_array(_j("DanhSachGiayToKetQua"))}) e) rs ON true
LEFT JOIN LATERAL (SELECT bool_and(jsonb_typeof(e) = 'object') AS objects,
    bool_and(coalesce(jsonb_typeof(e -> 'MaCSDL') = 'null' OR (jsonb_typeof(e -> 'MaCSDL') = 'string' AND octet_length(e ->> 'MaCSDL') = char_length(e ->> 'MaCSDL')), true)) AS valid,
    bool_or(upper(e ->> 'MaCSDL') IN ({population})) AS population
  FROM jsonb_array_elements({_array(_j("DSKetNoiCSDL"))}) e) db ON true
LEFT JOIN LATERAL (SELECT bool_and(jsonb_typeof(e) = 'object') AS objects
  FROM jsonb_array_elements({_array(_j("DinhDanhCHS"))}) e) ids ON true
LEFT JOIN LATERAL (SELECT bool_and(jsonb_typeof(e) = 'object') AS objects, count(*) AS n,
    bool_and({jdate_ok("(e -> 'NgayBoSung')")} AND {jdate_ok("(e -> 'NgayTiepNhanBoSung')")}
      AND {jdate_ok("(e -> 'NgayHenTraMoi')")} AND {jdate_ok("(e -> 'NgayHenTraTruoc')")}) AS valid,
    max({jtime("(e -> 'NgayBoSung')")}) AS requested,
    (array_agg({jtime("(e -> 'NgayHenTraTruoc')")} ORDER BY i) FILTER (WHERE {jtime("(e -> 'NgayHenTraTruoc')")} IS NOT NULL))[1] AS due_before
  FROM jsonb_array_elements({_array(_j("DanhSachHoSoBoSung"))}) WITH ORDINALITY su(e, i)) su ON true
LEFT JOIN LATERAL (SELECT bool_and(jsonb_typeof(e) = 'object') AS objects,
    bool_and({at_ok} AND {status_ok} AND coalesce(jsonb_typeof(e -> 'NoiDungXuLy') = 'null'
      OR (jsonb_typeof(e -> 'NoiDungXuLy') = 'string' AND (e ->> 'NoiDungXuLy') IS NFC NORMALIZED), true)) AS valid
  FROM jsonb_array_elements({_array(_j(m.HISTORY_FIELD))}) e
  CROSS JOIN LATERAL jsonb_to_record(CASE WHEN jsonb_typeof(e) = 'object' THEN e ELSE '{{}}' END)
    AS h("ThoiDiemXuLy" text, "NgayBatDau" text, "NgayKetThucTheoQuyDinh" text)) hi ON true
CROSS JOIN LATERAL (SELECT
    {state} AS state,
    coalesce(nullif({_t("KenhThucHien")}, ''), '1') AS channel,
    {name} AS applicant_name, {id_number} AS applicant_id_number,
    {strip_sql(_t("SoDienThoai"))} AS applicant_phone, {strip_sql(_t("Email"))} AS applicant_email,
    coalesce(nullif({_t("LoaiDoiTuong")}, ''), '1') AS applicant_kind, coalesce({_t("TrichYeuHoSo")}, '') AS summary,
    {ttime(_t("NgayNopHoSo"))} AS submitted_raw,
    {ttime(_t("NgayTiepNhan"))} AS received_at, {ttime(_t("NgayHenTra"))} AS due_at,
    {ttime(_t("NgayKetThucXuLy"))} AS finished_at, {ttime(_t("NgayTra"))} AS returned_at,
    {ttime(_t("NgayTuChoi"))} AS refused_at,
    coalesce(nullif({_t("DuocThanhToanTrucTuyen")}, ''), '0') AS paid_online,
    coalesce({_t("TaiKhoanDuocXacThucVoiVNeID")} = '1', false) AS vneid,
    coalesce({_t("NoiNopHoSo")} = {lit(m.NATIONAL_PORTAL)}, false) AS portal,
    {has_digitized} AS digitized OFFSET 0) v0
CROSS JOIN LATERAL (SELECT v0.*, coalesce(v0.submitted_raw, v0.received_at) AS submitted_at,
    coalesce(su.due_before, v0.due_at) AS original_due_at,
    coalesce(v0.finished_at, v0.returned_at, v0.refused_at) AS ended_at,
    {approved.replace("v.state", "v0.state")} AS approved OFFSET 0) v
-- The search text once: the checks and the key read it four times.
CROSS JOIN LATERAL (SELECT {code} || ' ' || coalesce(v.applicant_name, '') || ' '
    || coalesce(v.applicant_id_number, '') AS k OFFSET 0) sk
CROSS JOIN LATERAL (SELECT dd.o - {known} AS unknown OFFSET 0) xu
CROSS JOIN LATERAL (SELECT jsonb_strip_nulls(jsonb_build_object({verbatim})) AS verbatim, xu.unknown,
    CASE WHEN xu.unknown = '{{}}' THEN dd.o - {not_lists}
      ELSE coalesce((SELECT jsonb_object_agg(key, value) FROM jsonb_each(dd.o) WHERE key IN ({lists})), '{{}}') END AS lists
    OFFSET 0) x
CROSS JOIN LATERAL (SELECT s.doc IS NOT NULL AND {" AND ".join(f"({c})" for c in checks)} AS value) ok
"""
