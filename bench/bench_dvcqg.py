"""National sync import and export on PostgreSQL: seconds and peak memory.

Run:  scripts/with-postgres.sh .venv/bin/python bench/bench_dvcqg.py --n 100000 [--format json|jsonl]
      [--source FILE] [--skip-reimport] [--skip-export] [--python]

Writes N sync records (spec/dvcqg-sync.md, each with a two-step history, fees, a result and a
document) to a temporary file, streaming; imports them with `motcua.exchange.importer` (what
`motcua import dvcqg` runs); imports the same file again (everything "unchanged"); then exports
them with `motcua.exchange.exporter` (on PostgreSQL the server builds the JSON: `exchange/sqlpath.py`). Prints seconds, records/second, the CPU seconds of this process
and of its PostgreSQL backend (on a shared machine wall time also counts waiting for a CPU), and
the process's peak RSS after each phase, and the seconds of each step of the set-based import
(`exchange/sqlimport.py`; `--python` measures the record-by-record path instead) (peak RSS only grows: a flat figure across phases means the phase added nothing).
Targets (issue 4 §5): 1,000,000 imported ≤ 120 s with peak memory ≤ 500 MB; exported ≤ 60 s."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import tempfile
import time
from zoneinfo import ZoneInfo

import django
import orjson

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
django.setup()

from django.db import connection  # noqa: E402

from motcua.catalog.models import Field, Procedure  # noqa: E402
from motcua.exchange import fastpath, sqlimport  # noqa: E402
from motcua.exchange.exporter import export_records  # noqa: E402
from motcua.exchange.importer import import_sync_file  # noqa: E402
from motcua.records.models import Record  # noqa: E402
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, UnitLevel  # noqa: E402
from pgdb import prepare  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AGENCY = "H56.57.01"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (a local server: /proc), or 0."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def setup() -> Agency:
    province, _ = AdministrativeUnit.objects.get_or_create(
        code="56",
        valid_from=None,
        defaults={"name": "Tỉnh Khánh Hòa", "level": UnitLevel.PROVINCE, "kind": "tỉnh"},
    )
    commune, _ = AdministrativeUnit.objects.get_or_create(
        code="22333",
        valid_from=dt.date(2025, 7, 1),
        defaults={"name": "Xã Vạn Hưng", "level": UnitLevel.COMMUNE, "kind": "xã", "parent": province},
    )
    field, _ = Field.objects.get_or_create(code="ho-kinh-doanh", defaults={"name": "Hộ kinh doanh"})
    Procedure.objects.get_or_create(
        code="1.001612", defaults={"name": "Đăng ký thành lập hộ kinh doanh", "field": field}
    )
    agency, _ = Agency.objects.get_or_create(
        code=AGENCY,
        defaults={"name": "UBND xã Vạn Hưng", "kind": AgencyKind.PEOPLES_COMMITTEE, "unit": commune},
    )
    return agency


def _t(at: dt.datetime) -> str:
    return at.strftime("%Y%m%d%H%M%S")


def sync_record(i: int) -> dict:
    received = dt.datetime(2026, 1, 5, 7, 30, tzinfo=VN) + dt.timedelta(minutes=i // 3)
    code = f"{AGENCY}-{received:%y%m%d}-{i:07d}"
    due = received + dt.timedelta(days=3)
    finished = received + dt.timedelta(days=2 + (i % 3))
    return {
        "MaHoSo": code,
        "MaTTHC": "1.001612.000.00.00.H56",
        "TenTTHC": "Đăng ký thành lập hộ kinh doanh",
        "MaLinhVuc": "ho-kinh-doanh",
        "TenLinhVuc": "Hộ kinh doanh",
        "KenhThucHien": "2" if i % 2 else "1",
        "ChuHoSo": f"Nguyễn Văn Thử {i}",
        "SoGiayToChuHoSo": f"056{i:09d}",
        "SoDienThoai": "0905123456",
        "Email": "",
        "LoaiDoiTuong": "1",
        "TrichYeuHoSo": "Đăng ký hộ kinh doanh",
        "NgayNopHoSo": _t(received - dt.timedelta(minutes=20)),
        "NgayTiepNhan": _t(received),
        "NgayHenTra": _t(due),
        "NgayKetThucXuLy": _t(finished),
        "NgayTra": _t(finished + dt.timedelta(hours=1)),
        "TrangThaiHoSo": "10",
        "DonViXuLy": "UBND xã Vạn Hưng",
        "NoiNopHoSo": "2" if i % 2 else "1",
        "TaiKhoanDuocXacThucVoiVNeID": "1",
        "DuocThanhToanTrucTuyen": str(i % 3),
        "HoSoCoThanhPhanSoHoa": "1",
        "TaiLieuNop": [{"TepDinhKemId": str(i), "TenTepDinhKem": "don.pdf", "DuocSoHoa": "1"}],
        "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "Gia": "100000"}],
        "DanhSachGiayToKetQua": [
            {"TenGiayTo": "Giấy chứng nhận", "DuongDanTepTinKetQua": f"https://kq/{i}.pdf"}
        ],
        "QuaTrinhXuLy": [
            {
                "MaHoSo": code,
                "NguoiXuLy": "Lê Thị Hoa",
                "ThoiDiemXuLy": _t(received),
                "NoiDungXuLy": "Tiếp nhận",
                "TrangThai": "2",
            },
            {
                "MaHoSo": code,
                "NguoiXuLy": "Trần Minh",
                "ThoiDiemXuLy": _t(finished),
                "NoiDungXuLy": "Phê duyệt",
                "TrangThai": "9",
            },
        ],
    }


def write_file(path: str, n: int, fmt: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write("[" if fmt == "json" else "")
        for i in range(1, n + 1):
            line = orjson.dumps(sync_record(i)).decode()
            if fmt == "json":
                out.write(("\n" if i == 1 else ",\n") + line)
            else:
                out.write(line + "\n")
        out.write("\n]\n" if fmt == "json" else "")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--format", choices=("json", "jsonl"), default="json")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--skip-reimport", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument(
        "--python", action="store_true", help="the record-by-record Python path, not the set-based SQL one"
    )
    parser.add_argument(
        "--source", help="the file to import: generated there if missing, kept afterwards (saves minutes)"
    )
    args = parser.parse_args()
    prepare("bench_dvcqg.py")
    # The bench's database is its own (scripts/with-postgres.sh): start from no record at all, so
    # that the first import is the "first load into an empty table" (indexes built at the end).
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Record._meta.db_table} CASCADE")
    agency = setup()
    print(f"load average {os.getloadavg()[0]:.1f}; peak RSS after start-up {peak_mb():.0f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or os.path.join(tmp, f"hs.{args.format}")
        start = time.perf_counter()
        if not os.path.exists(source):
            write_file(source, args.n, args.format)
        size = os.path.getsize(source) / 1024 / 1024
        print(f"{args.n} records ({size:.0f} MB) ready in {time.perf_counter() - start:.1f} s")

        def phase(label: str, run) -> None:
            start, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
            result = run()
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            print(
                f"  {label:<28} {seconds:7.1f} s  {args.n / seconds:8.0f} records/s  "
                f"(CPU: this process {cpu:6.1f} s, its PostgreSQL backend {server_cpu() - server:6.1f} s)  "
                f"peak RSS {peak_mb():5.0f} MB  {result}"
            )

        def do_import() -> str:
            with open(source, "rb") as stream:
                s = import_sync_file(
                    stream=stream, source_name=source, batch_size=args.batch_size, sql=not args.python
                )
            steps = {**sqlimport.last_timings, **fastpath.last_timings}
            print("    steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))
            sqlimport.last_timings.clear()
            fastpath.last_timings.clear()
            return f"added {s.added} updated {s.updated} unchanged {s.unchanged} rejected {s.rejected}"

        phase("import", do_import)
        if not args.skip_reimport:
            phase("import again (unchanged)", do_import)
        target = os.path.join(tmp, f"out.{args.format}")

        def do_export() -> str:
            with open(target, "w", encoding="utf-8") as out:
                count = export_records(
                    agency=agency,
                    date_from=dt.date(2020, 1, 1),
                    date_to=dt.date(2030, 12, 31),
                    out=out,
                    fmt=args.format,
                )
            return f"{count} records, {os.path.getsize(target) / 1024 / 1024:.0f} MB"

        if not args.skip_export:
            phase("export", do_export)


if __name__ == "__main__":
    main()
