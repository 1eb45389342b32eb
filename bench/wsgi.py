"""The app as gunicorn serves it in production (CSRF on), plus the bare /hello floor route
and no login rate limit (the load comes from one address). DATABASE_URL names the dataset."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from planner import create_app  # noqa: E402
from planner.access import public  # noqa: E402

app = create_app({"RATELIMIT_ENABLED": False})
app.add_url_rule("/hello", "hello", public(lambda: "hello"))
