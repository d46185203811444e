"""Every error of /api/v1/ has one body: ``{"code", "message", "errors"}``.

django-ninja answers invalid input with a 422 ``{"detail": [...]}`` in
English, a missing resource with ``{"detail": "Not Found"}`` and a bad token
with ``{"detail": "Unauthorized"}``; none of these is the documented error
body.  ``install_error_handlers`` replaces them on the API, so whatever fails
(a query parameter, a path, the body, the token) answers in the documented
form, in the caller's language, with a machine-readable ``code``.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

# Where ninja says a value came from; the caller knows the parameter by name.
_SOURCES = {"query", "path", "body", "header", "cookie", "form", "file"}

# A string that PostgreSQL cannot store or compare (NUL), the only character
# the database refuses in text; documented as the pattern of every text filter.
NO_NUL_PATTERN = r"^[^\x00]*$"

# What to tell a caller whose text does not match a parameter's pattern.
_PATTERN_MESSAGES: dict[str, Any] = {NO_NUL_PATTERN: gettext_lazy("包含不允许的字符。")}


def text_format(pattern: str, message: Any) -> str:
    """Name the message a mismatch of this pattern answers (a lazy
    translation); returns the pattern, for the parameter's Field."""
    _PATTERN_MESSAGES[pattern] = message
    return pattern


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    errors: list[ErrorItem] = []


def error(
    status: int, code: str, message: str, errors: list[dict] | None = None
) -> Status:
    return Status(status, {"code": code, "message": message, "errors": errors or []})


def not_found(message: str) -> Status:
    return error(404, "not_found", message)


def _field_name(loc: list[Any], *, body_param: str | None) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source, parts = parts[0], parts[1:]
        if source == "body" and parts and parts[0] == body_param:
            parts = parts[1:]
        if not parts:
            return source
    return ".".join(parts)


def _message(item: dict[str, Any]) -> str:
    kind = item.get("type", "")
    ctx = item.get("ctx") or {}
    if kind == "missing":
        return _("必填项不能为空。")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("必须是整数。")
    if kind == "greater_than_equal":
        return _("不能小于 %(limit)s。") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("不能大于 %(limit)s。") % {"limit": ctx.get("le")}
    if kind in {"literal_error", "enum"}:
        # pydantic lists the values as "'a', 'b' or 'c'".
        values = str(ctx.get("expected", "")).replace(" or ", ", ")
        return _("取值无效，可选：%(values)s。") % {"values": values}
    if kind == "string_pattern_mismatch":
        return str(_PATTERN_MESSAGES.get(ctx.get("pattern"), _("格式不正确。")))
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return _("必须是 JSON 对象。")
    return _("取值无效。")


def invalid_items(
    errors: list[dict[str, Any]], *, body_param: str | None = None
) -> list[dict]:
    return [
        {
            "field": _field_name(list(e.get("loc", [])), body_param=body_param),
            "message": _message(e),
        }
        for e in errors
    ]


def install_error_handlers(api: NinjaAPI, *, body_param: str = "payload") -> None:
    """Answer every failure of the API's own machinery with ErrorOut."""

    def respond(request: HttpRequest, status: int, body: dict) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(ValidationError)
    def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        body = {
            "code": "invalid",
            "message": _("请求参数无效。"),
            "errors": invalid_items(exc.errors, body_param=body_param),
        }
        return respond(request, 400, body)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        body = {
            "code": "unauthorized",
            "message": _("缺少接口令牌，或令牌无效、已吊销。"),
            "errors": [],
        }
        response = respond(request, 401, body)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises a plain HttpError(400) only for a body it cannot parse.
        if exc.status_code == 400:
            body = {
                "code": "malformed",
                "message": _("请求体不是有效的 JSON。"),
                "errors": [{"field": "body", "message": _("无法解析。")}],
            }
        else:
            body = {"code": "error", "message": str(exc), "errors": []}
        return respond(request, exc.status_code, body)

    @api.exception_handler(Http404)
    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        body = {"code": "not_found", "message": _("请求的资源不存在。"), "errors": []}
        return respond(request, 404, body)


def forbidden_text(value: Any, *, path: str) -> str | None:
    """The key path of the first string in a JSON value that the database
    cannot store (a NUL, or a lone surrogate that has no UTF-8), or None."""
    if isinstance(value, str):
        if "\x00" in value:
            return path
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = forbidden_text(str(key), path=path) or forbidden_text(
            item, path=f"{path}.{key}" if path else str(key)
        )
        if found is not None:
            return found
    return None
