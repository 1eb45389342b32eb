"""Agencies, schools, terms, classes and rooms."""
