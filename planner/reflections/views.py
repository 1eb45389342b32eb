"""Views of planner.reflections (blueprint "reflections")."""
from flask import Blueprint

bp = Blueprint("reflections", __name__)
