"""Build sync records (spec/dvcqg-sync.md) and files of them for the exchange tests."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable
from typing import Any

from motcua.exchange.dvcqg.values import format_datetime
from tests.records.conftest import local

AGENCY = "H56.57.01"  # xã Vạn Hưng (tests/records/conftest.py)
PROCEDURE = "1.001612"  # tests/catalog/factories.py


def sync_record(n: int = 1, *, agency: str = AGENCY, day: dt.datetime | None = None, **fields: Any) -> dict:
    """A finished record received on `day` (default 02/03/2026 08:00), due 3 days later."""
    received = day or local(2026, 3, 2, 8, 0)
    item: dict[str, Any] = {
        "MaHoSo": f"{agency}-{received:%y%m%d}-{n:04d}",
        "MaTTHC": f"{PROCEDURE}.000.00.00.H56",
        "TenTTHC": "Đăng ký thành lập hộ kinh doanh",
        "MaLinhVuc": "ho-kinh-doanh",
        "TenLinhVuc": "Hộ kinh doanh",
        "KenhThucHien": "2",
        "ChuHoSo": "Trần Văn Bình",
        "SoGiayToChuHoSo": "056190001234",
        "SoDienThoai": "0905123456",
        "Email": "",
        "LoaiDoiTuong": "1",
        "TrichYeuHoSo": "Đăng ký hộ kinh doanh",
        "NgayNopHoSo": format_datetime(received - dt.timedelta(hours=1)),
        "NgayTiepNhan": format_datetime(received),
        "NgayHenTra": format_datetime(received + dt.timedelta(days=3)),
        "NgayKetThucXuLy": format_datetime(received + dt.timedelta(days=2)),
        "NgayTra": format_datetime(received + dt.timedelta(days=2, hours=2)),
        "TrangThaiHoSo": "10",
        "DonViXuLy": "UBND xã Vạn Hưng",
        "NoiNopHoSo": "2",
        "TaiKhoanDuocXacThucVoiVNeID": "1",
        "DuocThanhToanTrucTuyen": "1",
        "HoSoCoThanhPhanSoHoa": "1",
        "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí đăng ký", "Gia": "100000"}],
        "DanhSachGiayToKetQua": [
            {"TenGiayTo": "Giấy chứng nhận", "DuongDanTepTinKetQua": "https://x/kq.pdf"}
        ],
        "QuaTrinhXuLy": [
            {
                "MaHoSo": f"{agency}-{received:%y%m%d}-{n:04d}",
                "NguoiXuLy": "Lê Thị Hoa",
                "ChucDanh": "Công chức một cửa",
                "PhongBanXuLy": "Bộ phận Một cửa",
                "ThoiDiemXuLy": format_datetime(received),
                "NoiDungXuLy": "Tiếp nhận hồ sơ",
                "TrangThai": "2",
            }
        ],
    }
    item.update(fields)
    return item


def as_array(records: Iterable[dict]) -> bytes:
    return json.dumps(list(records), ensure_ascii=False).encode()


def as_lines(records: Iterable[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def stream(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
