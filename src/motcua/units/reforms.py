"""The 2025 reorganisation as data: its date and the resolutions that decided it live in
``data/reform_2025.json`` so that a correction is a data change, not a code change."""

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "reform_2025.json"


@dataclass(frozen=True)
class Reform:
    effective_on: dt.date
    province_resolution: str
    commune_resolutions: dict[str, str]

    @property
    def last_day_before(self) -> dt.date:
        return self.effective_on - dt.timedelta(days=1)

    def commune_resolution(self, province_code: str) -> str:
        """The resolution that reorganised the communes of a new province ("" when not recorded)."""
        return self.commune_resolutions.get(province_code, "")


@cache
def reform_2025() -> Reform:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return Reform(
        effective_on=dt.date.fromisoformat(raw["effective_on"]),
        province_resolution=raw["province_resolution"],
        commune_resolutions=dict(raw["commune_resolutions"]),
    )
