"""Shared pieces of the admin-screen tests: good input per kind, and reading responses."""

import json
import re

from planner.schools.models import Room, School, SchoolClass, Term

HTMX = {"HX-Request": "true"}
REQUIRED = "此项为必填项。"
DUPLICATE = "已存在同名（或同编码）的记录。"

GOOD = {
    "schools": {"name": "城西中学", "code": "CXZX", "stage": "junior", "address": "城西路 1 号"},
    "terms": {"name": "2026—2027学年第二学期", "start": "2027-02-22", "end": "2027-07-02"},
    "classes": {"grade": "8", "name": "8(3)班", "headteacher": "钱老师"},
    "rooms": {"name": "沙盘室", "kind": "case_room", "capacity": "6"},
}
MODEL = {"schools": School, "terms": Term, "classes": SchoolClass, "rooms": Room}


def new_url(kind, world, school=None):
    if kind == "schools":
        return "/admin/schools/new"
    return f"/admin/{kind}/new?school={(school or world.school).id}"


def inline_error(html, field):
    """The message shown next to a field (the macro's <p id="e-FIELD">)."""
    match = re.search(rf'<p class="error" id="e-{field}" role="alert">([^<]*)</p>', html)
    return match.group(1) if match else None


def hx_location(response):
    """Where htmx goes next: HX-Location is a path, or JSON with a path and request headers."""
    value = response.headers["HX-Location"]
    if value.startswith("{"):
        spec = json.loads(value)
        return spec["path"], spec.get("headers", {})
    return value, {}


def counts():
    return {name: model.select().count() for name, model in MODEL.items()}
