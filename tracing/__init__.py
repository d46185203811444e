"""Which request is this? A request id — the balancer's ``X-Request-ID``, or
one made here — bound for the time of a request and carried into the tasks it
enqueues, and a log formatter that writes one JSON object per line with it.
A helper: it knows nothing of the domain and imports no app."""

import contextlib
import contextvars
import datetime as dt
import json
import logging
import re
import uuid

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# What we accept from outside as an id: short, printable, no separators that
# could forge a log line.
VALID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")


def current() -> str:
    """The request id of what is running now ("" outside any request)."""
    return _current.get()


def accept(candidate: str | bytes | None) -> str:
    """The balancer's id if it is well-formed, else a new one."""
    if isinstance(candidate, bytes):
        candidate = candidate.decode("latin-1")
    if candidate and VALID.fullmatch(candidate):
        return candidate
    return uuid.uuid4().hex


@contextlib.contextmanager
def bound(request_id: str):
    token = _current.set(request_id)
    try:
        yield request_id
    finally:
        _current.reset(token)


# Attributes every LogRecord has; anything else was passed as ``extra``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request
    id, the fields passed as ``extra``, and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current()
        if request_id:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and key != "request_id" and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
