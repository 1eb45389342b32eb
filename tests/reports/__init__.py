"""The term statistics' tests, and what they share."""

import re

# A page's CSRF tokens are signed with the time: two views a second apart differ there.
CSRF = re.compile(r'("X-CSRFToken": "|name="csrf_token" value=")[^"]*"')


def unsigned(html: str) -> str:
    """The page with its CSRF tokens masked, to compare two views of it."""
    return CSRF.sub(r'\1…"', html)
