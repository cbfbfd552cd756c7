"""Log filters that keep personal data out of the server's output (rule 5).

Look-ups send IIN, phone, names and search text in POST bodies, never in URLs; these filters
are the second line, for what a client may still put in a URL:

- `AccessLineFilter` rewrites each access-log line of the ASGI server to: time, client, method,
  path WITHOUT its query string, status. No query string, referrer or user agent is ever logged
  (a referrer is a whole earlier URL, query string included).
- `RequestRecordFilter`, on the handlers Django logs through: a record about a request
  (django.request's "Not Found: /path", django.security's CSRF refusals) names the matched URL
  pattern instead of the path, and a traceback keeps its frames and exception type but not the
  exception's message, which may quote a value the request carried.
"""

from __future__ import annotations

import logging
import time
import traceback
from typing import Any

UNMATCHED = "(path not logged)"
MESSAGE_HIDDEN = "(message not logged: it may quote personal data)"


class AccessLineFilter(logging.Filter):
    """uvicorn's access record has args (client, method, path with query, HTTP version,
    status): it becomes `time client "METHOD /path HTTP/v" status`."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            client, method, path, version, status = args
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(record.created))
            record.msg = '%s %s "%s %s HTTP/%s" %s'
            record.args = (stamp, client, method, str(path).split("?", 1)[0], version, status)
        return True


def _route(request: Any) -> str:
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", "") if match is not None else ""
    return f"/{route}" if route else UNMATCHED


def traceback_without_messages(exc_info: Any) -> str:
    """The traceback's frames and exception types, every exception message left out (also of
    the exceptions it was raised while handling)."""
    exc = exc_info[1]
    parts: list[str] = []
    while exc is not None and len(parts) < 10:
        frames = "".join(traceback.format_tb(exc.__traceback__))
        name = type(exc).__name__
        parts.append(f"Traceback (most recent call last):\n{frames}{name}: {MESSAGE_HIDDEN}")
        exc = exc.__cause__ or exc.__context__
    return "\n\nraised while handling:\n".join(parts)


class RequestRecordFilter(logging.Filter):
    """Paths out of request records, messages out of tracebacks (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and isinstance(record.args, tuple):
            path = getattr(request, "path", None)
            full = request.get_full_path() if hasattr(request, "get_full_path") else None
            record.args = tuple(
                _route(request) if arg in (path, full) and arg else arg for arg in record.args
            )
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = traceback_without_messages(record.exc_info)
        return True
