"""The sizes a generated agency comes in, and what every generated dataset shares: its
agency, its logins' password and its fixed "today"."""

import datetime as dt
from dataclasses import dataclass

AGENCY_CODE = "GEN"
AGENCY_NAME = "生成数据示范社会工作服务中心"
AS_OF = dt.date(2026, 12, 1)
PASSWORD = "gen-planner-2026"  # every generated login; printed by the command


class GenerateError(RuntimeError):
    """The dataset can't be generated here; the message says what to do."""


@dataclass(frozen=True)
class Scale:
    name: str
    stages: tuple  # one per school: primary (grades 1–6) / junior (7–9) / senior (10–12)
    per_class: int  # students per class; every school has 12 classes
    terms: int  # the terms ending with the one that contains AS_OF
    supervisors: int


# 40 % primary, 40 % junior, 20 % senior schools, interleaved
CITY_STAGES = tuple(("primary", "junior", "primary", "junior", "senior")[n % 5] for n in range(100))
SCALES = {
    "small": Scale("small", ("primary", "junior"), 25, 1, 1),
    "city": Scale("city", CITY_STAGES, 50, 10, 10),
}
