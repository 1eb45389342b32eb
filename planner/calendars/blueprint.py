"""The calendars blueprint, shared by its view modules (views.py, notice_views.py)."""

from flask import Blueprint

bp = Blueprint("calendars", __name__)
