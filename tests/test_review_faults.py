"""Issue 10: the review API bounds JSON depth and answers malformed JSON with 400."""

from __future__ import annotations

import http.client
import json

import pytest

from formkit.review.server import MAX_JSON_DEPTH, ReviewServer, json_depth
from formkit.store import Store


def test_json_depth_ignores_brackets_in_strings() -> None:
    assert json_depth(b'{"values": {"name": "[[[{{{"}}}') == 2
    assert json_depth(b'"\\"[["') == 0
    assert json_depth(b"[" * 50_000) == 50_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = tmp_path_factory.mktemp("review") / "db.sqlite"  # one server: stopping one costs a 0.5 s poll
    with Store(db):
        pass
    srv = ReviewServer(db)
    srv.start()
    yield srv
    srv.stop()


def post(srv: ReviewServer, body: bytes) -> tuple[int, dict[str, object]]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.session.port, timeout=30)
    try:
        conn.request("POST", f"/api/records/{'0' * 64}:1/decision", body=body, headers={
            "Host": f"127.0.0.1:{srv.session.port}", "X-Review-Token": srv.session.token,
            "Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


@pytest.mark.parametrize("body", [b"[" * 50_000 + b"]" * 50_000, b'{"values": ' * (MAX_JSON_DEPTH + 1)])
def test_deep_json_is_a_400_not_a_dropped_connection(server: ReviewServer, body: bytes) -> None:
    status, answer = post(server, body)
    assert status == 400 and "verschachtelt" in str(answer["error"])


@pytest.mark.parametrize("body", [b"{", b"\xff\xfe{", b'{"a": NaN', b"\x00", b'{"a": "\\ud800"'])
def test_malformed_json_is_a_400(server: ReviewServer, body: bytes) -> None:
    status, answer = post(server, body)
    assert status == 400 and answer["error"] == "kein gültiges JSON"


def test_the_server_answers_after_hostile_bodies(server: ReviewServer) -> None:
    post(server, b"[" * 100_000)
    status, answer = post(server, json.dumps({"action": "accept", "values": {}}).encode())
    assert status == 404 and "nicht gefunden" in str(answer["error"])  # a real answer for an unknown record
