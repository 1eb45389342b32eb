"""The "students" blueprint, shared by students of a school and their consent (views.py), the roster import
(import_views.py) and a group's roster (group_views.py)."""

from flask import Blueprint

bp = Blueprint("students", __name__)
