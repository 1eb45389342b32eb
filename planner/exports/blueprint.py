"""The "exports" blueprint, shared by a program's and a session's Word documents and the zip jobs (views.py) and
the admin's own templates (template_views.py)."""

from flask import Blueprint

bp = Blueprint("exports", __name__)
