"""The log of `serve` and `worker`: one line per event, as text or as JSON lines
(``log.format``), with tokens and credentials taken out before a line is written.

One line per event, tracebacks included (folded into the line), so that journald,
``grep`` and log shippers see one record per event. What is masked, in every message
and every field of every logger (uvicorn's access and error logs included):

- the token in a path of the web endpoint (``/u/TOKEN``, ``/confirm/TOKEN``) and in
  the signed query parameters of archive links (``?r=``, ``?p=``): they unsubscribe,
  confirm or show private pages to whoever holds them;
- the password in any ``scheme://user:password@host`` URL;
- the values of the secret settings (``secret_key``, the relay's and the bounce
  mailbox's URLs), wherever they appear.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from isamail.config import SETTINGS, Settings

MASK = "…"
# the web endpoint's paths that carry a token; web/app.py adds any route whose path
# has a {token} parameter (tests hold every such route to it)
TOKEN_PATHS = {"u", "confirm"}
TOKEN_QUERY = {"r", "p", "token"}

_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@", re.IGNORECASE)


class Redactor:
    """Masks tokens and credentials in a line of text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)
        self.paths = set(TOKEN_PATHS)
        self.query = set(TOKEN_QUERY)
        self._compile()

    def add_paths(self, prefixes: Iterable[str]) -> None:
        self.paths |= set(prefixes)
        self._compile()

    def _compile(self) -> None:
        paths = "|".join(sorted(map(re.escape, self.paths)))
        self._path = re.compile(rf"(/(?:{paths})/)[^\s/?#\"']+")
        keys = "|".join(sorted(map(re.escape, self.query)))
        self._query = re.compile(rf"([?&](?:{keys})=)[^\s&#\"']+")

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "********")
        text = _URL_PASSWORD.sub(r"\1********@", text)
        text = self._path.sub(rf"\1{MASK}", text)
        return self._query.sub(rf"\1{MASK}", text)


def secret_values(settings: Settings) -> list[str]:
    return [str(settings[s.key]) for s in SETTINGS if s.secret and settings[s.key]]


class _Redacting(logging.Filter):
    """Rewrites each record's message (arguments applied) and exception text, masked."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self.redact(_one_line_traceback(record.exc_info))
            record.exc_info = None
        return True


def _one_line_traceback(exc_info: Any) -> str:
    kind, value, tb = exc_info
    frames = traceback.extract_tb(tb)[-3:]
    where = " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames[::-1])
    return f"{kind.__name__}: {value} ({where})"


class TextLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        line = f"{at}Z {record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_text:
            line += f" | {record.exc_text}"
        return line.replace("\r", " ").replace("\n", " | ")


class JsonLines(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        entry: dict[str, Any] = {
            "time": at.replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "service": self.service,
            "pid": record.process,
            "message": record.getMessage(),
        }
        for key in ("task", "kind", "worker"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_text:
            entry["error"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def setup(settings: Settings, *, service: str, stream: Any = None) -> Redactor:
    """Sends every log record of this process to ``stream`` (stderr), one line each,
    masked; returns the redactor so that the web app can add its token routes."""
    redact = Redactor(secret_values(settings))
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(_Redacting(redact))
    handler.setFormatter(JsonLines(service) if settings["log.format"] == "json" else TextLines())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(str(settings["log.level"]).upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    return redact
