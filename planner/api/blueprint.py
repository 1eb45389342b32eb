"""The "api" blueprint, shared by the JSON API (views.py), its OpenAPI document and docs
page (openapi.py) and the token page (tokens.py), and the JSON error answer every API path
gives: the message in Chinese (`error`) and English (`error_en`)."""

from flask import Blueprint, jsonify
from flask_babel import force_locale

from planner.i18n import lazy_gettext as _l

bp = Blueprint("api", __name__, url_prefix="/api")

MESSAGES = {
    401: _l("缺少或无效的访问令牌。"),
    403: _l("此令牌或其用户没有这项权限。"),
    404: _l("找不到该记录，或你无权查看。"),
    405: _l("不支持此请求方法。"),
    409: _l("与已有数据冲突，请重试。"),
    413: _l("请求体过大。"),
    422: _l("请求数据有误，请按字段说明修改。"),
    429: _l("请求过于频繁，请稍后再试。"),
    500: _l("服务器内部错误。"),
}


def _both(message) -> tuple[str, str]:
    with force_locale("zh_CN"):
        zh = str(message)
    with force_locale("en"):
        en = str(message)
    return zh, en


def _field_messages(messages):
    """Marshmallow's error dict with string keys (list indexes are ints) and lists of plain
    strings (a lazy message arrives bare, not in a list)."""
    if isinstance(messages, dict):
        return {
            str(k): _field_messages(v) if isinstance(v, (dict, list)) else [str(v)]
            for k, v in messages.items()
        }
    if isinstance(messages, list):
        return [_field_messages(m) for m in messages]
    return str(messages)


def error(status: int, message=None, fields=None):
    """A JSON error response in both languages."""
    zh, en = _both(message or MESSAGES.get(status, MESSAGES[500]))
    body = {"error": zh, "error_en": en}
    if fields is not None:
        with force_locale("zh_CN"):
            body["errors"] = _field_messages(fields)
        with force_locale("en"):
            body["errors_en"] = _field_messages(fields)
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    elif status == 403:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api", error="insufficient_scope"'
    return response


def is_json_path(path: str) -> bool:
    """API paths answer errors in JSON; the token page and the docs page are HTML."""
    return path.startswith("/api/") and not path.startswith(("/api/tokens", "/api/docs"))
