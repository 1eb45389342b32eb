"""Views of planner.runs (blueprint "runs")."""
from flask import Blueprint

bp = Blueprint("runs", __name__)
