"""The schools blueprint, shared by its view modules (views.py, year_views.py)."""

from flask import Blueprint

bp = Blueprint("schools", __name__)
