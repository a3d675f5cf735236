"""The review web page: a stdlib HTTP server on 127.0.0.1 and a free port, a JSON API, one page.

API (every request under /api needs the header ``X-Review-Token`` with the session token, which
the page carries; a custom header cannot be sent cross-site without a CORS preflight, which this
server never grants, and the Host header must name this server, against DNS rebinding):

    GET  /api/records                       the queue (open worst first, then decided ones) and an overview
                                            of all records: open / done / rejected per campaign and venue
    GET  /api/records/<key>                 one record: values as read, reasons, list values, zones, version;
                                            opening it claims it for this page (header X-Review-Client)
    GET  /api/records/<key>/page.png        the page image
    GET  /api/records/<key>/crop/<f>.png    a field's crop (scan path only); ?line=i trimmed, one line of it
    POST /api/records/<key>/decision        {"action": "accept"|"reject", "values": {…}, "venue": …, "note": …,
                                             "version": n, "override": bool}
    POST /api/records/<key>/undo            {"version": n}: take back the last decision (if still the last)

A decision or undo on a version that is no longer the record's is refused with 409 (another page
decided it); a record another page holds open is listed and shown as taken.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from formkit.campaign import Campaigns
from formkit.errors import FormkitError
from formkit.layout.loader import LayoutRegistry
from formkit.review.corrections import Decision, StaleDecision, apply_decision, reviewer_name, undo_last
from formkit.review.data import ReviewData
from formkit.review.page import render_page

if TYPE_CHECKING:
    from formkit.recipients import Recipient

MAX_BODY = 256 * 1024
MAX_JSON_DEPTH = 32  # a decision is {"values": {…}} (depth 2); 50,000 levels crashed json.loads


def json_depth(raw: bytes) -> int:
    """Deepest nesting of ``[``/``{`` in *raw* outside strings, counted before parsing anything."""
    depth = deepest = 0
    in_string = escaped = False
    for b in raw:
        if in_string:
            if escaped:
                escaped = False
            elif b == 0x5C:  # backslash
                escaped = True
            elif b == 0x22:  # quote
                in_string = False
        elif b == 0x22:
            in_string = True
        elif b in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif b in (0x5D, 0x7D):
            depth -= 1
    return deepest
_KEY = r"(?P<key>[0-9a-f]{16,64}:\d+)"
_ROUTES = {
    "list": re.compile(r"^/api/records$"),
    "detail": re.compile(rf"^/api/records/{_KEY}$"),
    "page": re.compile(rf"^/api/records/{_KEY}/page\.png$"),
    "crop": re.compile(rf"^/api/records/{_KEY}/crop/(?P<field>[a-z][a-z0-9_]*)\.png$"),
    "decision": re.compile(rf"^/api/records/{_KEY}/decision$"),
    "undo": re.compile(rf"^/api/records/{_KEY}/undo$"),
}


@dataclass
class Session:
    data: ReviewData
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    decided: set[str] = field(default_factory=set)
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    reviewer: str | None = None
    port: int = 0

    def decide(self, key: str, body: dict[str, Any]) -> Decision:
        values = body.get("values") or {}
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise FormkitError("values: erwartet Feldname -> Text")
        venue = body.get("venue")
        note = body.get("note") or ""
        if not isinstance(note, str) or (venue is not None and not isinstance(venue, str)):
            raise FormkitError("venue/note: erwartet Text")
        form = self.data.layout_of(key)
        with self.write_lock, self.data.store() as store:
            decision = apply_decision(store, form, key, body.get("action", ""), values, venue, note, self.reviewer,
                                      version=_version(body), override=body.get("override") is True)
        self.decided.add(key)
        return decision

    def undo(self, key: str, body: dict[str, Any]) -> Decision:
        with self.write_lock, self.data.store() as store:
            return undo_last(store, key, _version(body), self.reviewer)

    def reviewer_label(self) -> str:
        return self.reviewer or reviewer_name()


def _version(body: dict[str, Any]) -> int:
    v = body.get("version")
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise FormkitError("version: erwartet den Stand des Datensatzes (Zahl), wie ihn die Seite zeigte")
    return v


class Handler(BaseHTTPRequestHandler):
    server_version = "formkit-review"
    session: Session  # set on the subclass made per server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # quiet: the terminal shows the URL and the decisions

    # --- plumbing ---------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the page moved on (next record) before its image arrived

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": message})

    def _host_ok(self) -> bool:
        host = (self.headers.get("Host") or "").lower()
        port = self.session.port
        return host in (f"127.0.0.1:{port}", f"localhost:{port}")

    def _token_ok(self) -> bool:
        return secrets.compare_digest(self.headers.get("X-Review-Token") or "", self.session.token)

    def _client(self) -> str:
        """The id of one open review page (several pages on one store each hold their own record)."""
        client = self.headers.get("X-Review-Client") or ""
        return client if re.fullmatch(r"[A-Za-z0-9-]{8,64}", client) else ""

    def _route(self, path: str) -> tuple[str, dict[str, str]] | None:
        path = unquote(path)
        for name, rx in _ROUTES.items():
            m = rx.match(path)
            if m:
                return name, dict(m.groupdict())
        return None

    # --- requests ---------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if not self._host_ok():
            return self._error(HTTPStatus.MISDIRECTED_REQUEST, "unbekannter Host")
        path = urlsplit(self.path).path
        if path in ("/", "/index.html"):
            csp = ("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                   "connect-src 'self'; base-uri 'none'; form-action 'none'")
            return self._send(HTTPStatus.OK, render_page(self.session.token), "text/html; charset=utf-8",
                              {"Content-Security-Policy": csp, "Referrer-Policy": "no-referrer"})
        if path == "/favicon.ico":
            return self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
        route = self._route(path)
        if route is None:
            return self._error(HTTPStatus.NOT_FOUND, "nicht gefunden")
        # Images are loaded by <img>, which cannot send the header: they carry the token as ?t=….
        query = parse_qs(urlsplit(self.path).query)
        if not (self._token_ok() or (route[0] in ("page", "crop") and
                                     secrets.compare_digest((query.get("t") or [""])[0], self.session.token))):
            return self._error(HTTPStatus.FORBIDDEN, "Sitzungsschlüssel fehlt")
        name, args = route
        data = self.session.data
        try:
            if name == "list":
                items, overview = data.queue(self.session.decided, self._client())
                return self._json(HTTPStatus.OK, {"records": [i.as_json() for i in items], "overview": overview})
            if name == "detail":
                taken = data.claim(args["key"], self._client(), self.session.reviewer_label()) \
                    if self._client() else None
                return self._json(HTTPStatus.OK, data.detail(args["key"], taken))
            if name == "page":
                return self._send(HTTPStatus.OK, data.page_png(args["key"]), "image/png")
            if name == "crop":
                line = (query.get("line") or [""])[0]
                png = data.crop_png(args["key"], args["field"], int(line) if line.isdigit() else None)
                if png is None:
                    return self._error(HTTPStatus.NOT_FOUND, "kein Ausschnitt")
                return self._send(HTTPStatus.OK, png, "image/png")
        except FormkitError as e:
            return self._error(HTTPStatus.NOT_FOUND if "nicht gefunden" in e.message else HTTPStatus.BAD_REQUEST,
                               e.message)
        return self._error(HTTPStatus.METHOD_NOT_ALLOWED, "nur POST")

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        if not self._host_ok():
            return self._error(HTTPStatus.MISDIRECTED_REQUEST, "unbekannter Host")
        if not self._token_ok():
            return self._error(HTTPStatus.FORBIDDEN, "Sitzungsschlüssel fehlt")
        route = self._route(urlsplit(self.path).path)
        if route is None or route[0] not in ("decision", "undo"):
            return self._error(HTTPStatus.NOT_FOUND, "nicht gefunden")
        if "application/json" not in (self.headers.get("Content-Type") or ""):
            return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "JSON erwartet")
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY:
            return self._error(HTTPStatus.BAD_REQUEST, "Anfrage leer oder zu groß")
        raw = self.rfile.read(length)
        if json_depth(raw) > MAX_JSON_DEPTH:
            return self._error(HTTPStatus.BAD_REQUEST, f"JSON zu tief verschachtelt (höchstens {MAX_JSON_DEPTH} Ebenen)")
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):  # JSONDecodeError, bad UTF-8/UTF-16, …
            return self._error(HTTPStatus.BAD_REQUEST, "kein gültiges JSON")
        if not isinstance(body, dict):
            return self._error(HTTPStatus.BAD_REQUEST, "JSON-Objekt erwartet")
        key = route[1]["key"]
        try:
            decision = self.session.undo(key, body) if route[0] == "undo" else self.session.decide(key, body)
        except StaleDecision as e:
            return self._json(HTTPStatus.CONFLICT, {"error": e.message, "stale": True})
        except FormkitError as e:
            return self._error(HTTPStatus.CONFLICT if "nicht gefunden" not in e.message else HTTPStatus.NOT_FOUND,
                               e.message)
        items, _ = self.session.data.queue(self.session.decided, self._client())
        nxt = next((i.key for i in items if i.status == "review" and not i.taken_by and i.key != key), None)
        name = next((c.new for c in decision.changes if c.field == "name"), None)
        return self._json(HTTPStatus.OK, {
            "status": decision.status, "next": nxt, "name": name, "version": decision.version,
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in decision.changes],
            "warnings": list(decision.warnings),
        })


class ReviewServer:
    """The server of one review session; ``serve_forever`` in the CLI, ``start``/``stop`` in tests."""

    def __init__(self, db_path: Path, registry: Campaigns | LayoutRegistry | None = None, port: int = 0,
                 reviewer: str | None = None, recipients: Sequence[Recipient] | None = None) -> None:
        self.session = Session(ReviewData(db_path, registry, recipients), reviewer=reviewer)
        handler = type("BoundHandler", (Handler,), {"session": self.session})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.session.port = self.httpd.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.session.port}/"

    def pending(self) -> int:
        with self.session.data.store() as store:
            return sum(1 for r in store.form_records() if r.status == "review")

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="formkit-review", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
