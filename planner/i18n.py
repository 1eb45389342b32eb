"""Babel set-up: zh_CN by default, English on request; Chinese dates."""

import datetime as dt
from zoneinfo import ZoneInfo

from flask import has_request_context, request, session
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext  # noqa: F401  (re-exported)

LOCALES = ("zh_CN", "en")
WEEKDAYS_ZH = "一二三四五六日"


def select_locale():
    """The user's chosen locale (stored in the session), else zh_CN."""
    if not has_request_context():
        return "zh_CN"  # CLI and background jobs speak Chinese
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    return "zh_CN"


# Timestamps are stored as naive UTC; session dates and times are Beijing wall-clock time.
SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc_clock() -> dt.datetime:
    """The one clock every "now" and "today" is read from (an aware UTC time)."""
    return dt.datetime.now(dt.timezone.utc)


def local_now() -> dt.datetime:
    """Naive Beijing wall-clock time, comparable with stored session dates and times."""
    return utc_clock().astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0)


def local_today() -> dt.date:
    """Today in Beijing: a server on UTC is still on yesterday until 08:00 Beijing time."""
    return local_now().date()


def from_local(value: dt.datetime) -> dt.datetime:
    """A naive Beijing wall-clock time as the naive UTC the database stores."""
    return value.replace(tzinfo=SHANGHAI).astimezone(dt.timezone.utc).replace(tzinfo=None)


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (naive UTC) timestamp shown as Beijing time."""
    if value is None:
        return ""
    return value.replace(tzinfo=dt.timezone.utc).astimezone(SHANGHAI).strftime(fmt)


def local_date(value: dt.datetime | None) -> dt.date | None:
    """The Beijing day of a stored (naive UTC) timestamp."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc).astimezone(SHANGHAI).date()


def is_english() -> bool:
    """True when the UI language is English."""
    locale = get_locale()  # None outside a request or app context
    return locale is not None and locale.language == "en"


def locale_code() -> str:
    """'zh_CN' or 'en': the code of the active UI language."""
    return "en" if is_english() else "zh_CN"


def format_day(value: dt.date, with_weekday: bool = True) -> str:
    """2026年10月9日 星期五 in Chinese; Friday 9 October 2026 in English."""
    if value is None:
        return ""
    if is_english():
        text = f"{value.day} {value:%B} {value.year}"
        return f"{value:%A} {text}" if with_weekday else text
    text = f"{value.year}年{value.month}月{value.day}日"
    return f"{text} 星期{WEEKDAYS_ZH[value.weekday()]}" if with_weekday else text


def chinese_day(value: dt.date | None) -> str:
    """2026年3月11日 whatever the UI language: the form the Word documents print, which
    agencies hand in in Chinese."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def format_short(value: dt.date) -> str:
    """10月9日 (周五) / Fri 9 Oct."""
    if is_english():
        return f"{value:%a} {value.day} {value:%b}"
    return f"{value.month}月{value.day}日（周{WEEKDAYS_ZH[value.weekday()]}）"


def init_app(app) -> None:
    """Register Babel and the date filters."""
    Babel(
        app,
        locale_selector=select_locale,
        default_locale="zh_CN",
        default_translation_directories="../translations",
    )
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["shortday"] = format_short
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.globals["current_locale"] = locale_code
    # the page to come back to after switching language, query string included
    app.jinja_env.globals["request_path"] = lambda: request.full_path.rstrip("?")
