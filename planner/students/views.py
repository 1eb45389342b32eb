"""Views of planner.students (blueprint "students")."""
from flask import Blueprint

bp = Blueprint("students", __name__)
