"""The bad-input catalogue: every refusal is a clean 4xx in the API's one error shape, naming
the field where there is one, and the server keeps answering afterwards."""
import http.client
import json
import os
import re
import select
import socket
import subprocess
import time

import pytest

from conftest import SOURCE, sample_ids

SITUATION = json.load(open(os.path.join(SOURCE, "tests", "policy", "cases",
                                        "000-residence-anniversary-day-met.json")))["situation"]
JSON = {"Content-Type": "application/json"}


def alive(api):
    assert api.get("/healthz").status == 200


def expect(r, status, code, field=None):
    assert r.status == status, r.body[:300]
    assert r.headers["content-type"].startswith("application/json")
    e = r.error()
    assert e["code"] == code, e
    if field is not None:
        assert e["field"] == field, e
    # Chinese first, English beside it; both lead with the error table's text.
    assert e["message"] and e["message_en"]
    return e


# ---- bodies ----

def test_oversized_body_is_refused_before_it_is_read(api):
    # 2 MB declared, nothing sent: the answer cannot have waited for the body.
    t = time.time()
    r = api.raw(b"POST /api/v1/eligibility HTTP/1.1\r\nHost: t\r\nContent-Type: application/json"
                b"\r\nContent-Length: 2000000\r\n\r\n", timeout=10)
    expect(r, 413, "too_large", "body")
    assert time.time() - t < 5
    alive(api)


def test_body_just_over_the_limit_is_413_and_at_the_limit_is_read(api):
    big = b"x" * ((1 << 20) + 1)
    try:
        r = api.post("/api/v1/eligibility", big, headers=JSON)
        expect(r, 413, "too_large")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed while the client was still sending: fine
    r = api.post("/api/v1/eligibility", b" " * (1 << 20), headers=JSON)  # 1 MiB of blanks
    expect(r, 400, "invalid_argument", "body")
    alive(api)


def test_chunked_body_needs_a_length(api):
    r = api.raw(b"POST /api/v1/eligibility HTTP/1.1\r\nHost: t\r\nContent-Type: application/json"
                b"\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
    expect(r, 400, "invalid_argument", "Content-Length")


@pytest.mark.parametrize("body", [b"{", b"", b"[]", b"null", b"\"x\"", b"{\"a\":1}{}",
                                  b"\xff\xfe", b"[" * 100000, b"{\"target\":\"330402\",\x00}"])
def test_malformed_json_is_400_naming_the_body(api, body):
    r = api.post("/api/v1/eligibility", body, headers=JSON)
    e = expect(r, 400, "invalid_argument")
    assert e["field"] in ("body", "target", "person"), e


@pytest.mark.parametrize("ctype", [None, "text/plain", "application/x-www-form-urlencoded",
                                   "application/jsonp", "multipart/form-data; boundary=x"])
def test_wrong_content_type_is_400(api, ctype):
    headers = {"Content-Type": ctype} if ctype else {}
    r = api.post("/api/v1/eligibility", json.dumps(SITUATION), headers=headers)
    expect(r, 400, "invalid_argument", "Content-Type")


def test_json_with_charset_is_accepted(api):
    r = api.post("/api/v1/eligibility", json.dumps(SITUATION),
                 headers={"Content-Type": "application/json; charset=utf-8"})
    assert r.status == 200


@pytest.mark.parametrize("mutate,field", [
    (lambda s: s.update(extra=1), "extra"),
    (lambda s: s["person"].update(nickname="x"), "person.nickname"),
    (lambda s: s["person"]["residence"][0].update(color="red"), "person.residence[0].color"),
    (lambda s: s["person"]["residence"][0].update({"from": 20210301}), "person.residence[0].from"),
    (lambda s: s["person"]["residence"][0].update({"from": "2021-13-01"}), "person.residence[0].from"),
    (lambda s: s.update(target=330402), "target"),
    (lambda s: s.update(target="320500"), "target"),
    (lambda s: s.update(as_of="yesterday"), "as_of"),
    (lambda s: s["person"].update(id_number="330106199001010019"), "person.id_number"),
    (lambda s: s.pop("person"), "person"),
    (lambda s: s.update(parameters={"330400": {"residence.min_years": "five"}}), None),
])
def test_wrong_fields_are_named(api, mutate, field):
    s = json.loads(json.dumps(SITUATION))
    mutate(s)
    e = expect(api.post("/api/v1/eligibility", s), 400, "invalid_argument")
    if field:
        assert e["field"] == field, e
    else:
        assert e["field"], e


def test_unknown_query_argument_is_named(api):
    r = api.post("/api/v1/eligibility?debug=1", SITUATION)
    expect(r, 400, "invalid_argument", "query.debug")
    r = api.get("/api/v1/divisions/330106?x=1")
    expect(r, 400, "invalid_argument", "query.x")


# ---- routes and methods ----

# "/" is the portal's page (test_web.py); every other unknown path is the API's 404.
@pytest.mark.parametrize("path", ["/api", "/api/v1", "/api/v1/", "/api/v2/eligibility",
                                  "/api/v1/persons", "/api/v1/persons/", "/healthz/",
                                  "//healthz", "/api/v1/divisions//", "/favicon.ico",
                                  "/api/v1/persons/x/eligibility/y"])
def test_unknown_route_is_404(api, path):
    expect(api.get(path), 404, "not_found", "path")


@pytest.mark.parametrize("method,path,allow", [
    ("GET", "/api/v1/eligibility", "POST"),
    ("PUT", "/api/v1/eligibility", "POST"),
    ("DELETE", "/api/v1/divisions/330106", "GET"),
    ("POST", "/healthz", "GET"),
    ("PATCH", "/api/v1/persons/x", "GET"),
])
def test_wrong_method_is_405_with_allow(api, method, path, allow):
    r = api.request(method, path, body=b"{}" if method != "GET" else None, headers=JSON)
    expect(r, 405, "method_not_allowed", "method")
    assert r.headers["allow"] == allow


def test_head_is_get_without_a_body(api):
    r = api.request("HEAD", "/api/v1/divisions/330106")
    assert r.status == 200 and r.body == b""


@pytest.mark.parametrize("path", [
    "/api/v1/../../etc/passwd", "/api/v1/divisions/../persons/1", "/./healthz",
    "/api/v1/%2e%2e/%2e%2e/etc/passwd", "/api/v1/divisions/%2E%2E", "/api/v1/divisions/33%00",
    "/api/v1/divisions/%zz", "/api/v1/divisions/%", "/api/v1/divisions/%f", "/api/v1/divisions/%ff%fe",
    "/api/v1/divisions/%c0%ae%c0%ae", "/api/v1/divisions/\t", "/api/v1/divisions/%0d%0aX:1",
    "/api/v1/divisions/" + "9" * 600, "/api/v1/divisions/330106%20",
])
def test_traversal_and_bad_escapes_are_400_or_404(api, path):
    r = api.raw(b"GET " + path.encode("latin-1") + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert r.status in (400, 404), (path, r.status, r.body[:200])
    if r.body:
        r.error()
    alive(api)


def test_query_escapes_are_refused(api, staff):
    pid = sample_ids()[0]
    r = staff.get(f"/api/v1/persons/{pid}/eligibility?target=330411%00&as_of=2024-06-01")
    expect(r, 400, "invalid_argument", "target")
    r = api.get("/api/v1/policies/330100?as_of=2024-06-01%zz")
    expect(r, 400, "invalid_argument", "as_of")


# ---- identifiers ----

@pytest.mark.parametrize("id_", ["12345", "34122219900101011X", "341222199001010113",
                                 "3412221990010101121", "341222209901010112", "abcdefghijklmnopqr"])
def test_bad_id_numbers_are_400_and_not_echoed(staff, id_):
    for path in (f"/api/v1/persons/{id_}", f"/api/v1/persons/{id_}/eligibility?target=330411"):
        r = staff.get(path)
        e = expect(r, 400, "invalid_argument", "id")
        assert id_ not in e["message"] and id_ not in e["message_en"]


def test_fifteen_digit_number_is_upgraded(staff):
    # 341222900101011 is the first-generation form of the sample's first person.
    r = staff.get("/api/v1/persons/341222900101011")
    assert r.status == 200 and r.json()["id_number"] == sample_ids()[0]


@pytest.mark.parametrize("query,field", [
    ("", "target"), ("?target=33041", "target"), ("?target=330411&as_of=2024-02-30", "as_of"),
    ("?target=330411&consent=1", "consent"), ("?target=330411&consent=341222199202020228", "consent"),
    ("?target=320500", "target"), ("?target=330411&as_of=2024-06-01&foo=1", "query.foo"),
])
def test_registry_eligibility_bad_query(staff, query, field):
    pid = sample_ids()[0]
    e = expect(staff.get(f"/api/v1/persons/{pid}/eligibility{query}"), 400, "invalid_argument")
    assert e["field"] == field, e


@pytest.mark.parametrize("path,status,field", [
    ("/api/v1/divisions/abcdef", 400, "code"), ("/api/v1/divisions/3301060", 400, "code"),
    ("/api/v1/divisions/999999", 404, "code"), ("/api/v1/policies/33010", 400, "division"),
    ("/api/v1/policies/110101", 404, "division"), ("/api/v1/policies/330100?as_of=x", 400, "as_of"),
    ("/api/v1/policies/330100?when=2024-01-01", 400, "query.when"),
])
def test_divisions_and_policies_bad_input(api, path, status, field):
    expect(api.get(path), status, "invalid_argument" if status == 400 else "not_found", field)


def test_historical_division_is_found(api):
    r = api.get("/api/v1/divisions/330103")  # 下城区, merged away in 2021
    assert r.status == 200 and r.json()["current"] is False


# ---- slow and greedy clients ----

def test_slow_client_is_cut_off_and_others_are_served(api):
    # api.sh starts the server with --timeout 2: half a request line, then silence.
    s = socket.create_connection((api.host, api.port), timeout=15)
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n")
        t = time.time()
        alive(api)  # not blocked by the slow one
        assert s.recv(100) == b""  # closed by the server
        assert time.time() - t < 10
    finally:
        s.close()


def test_slow_body_is_cut_off(api):
    s = socket.create_connection((api.host, api.port), timeout=15)
    try:
        s.sendall(b"POST /api/v1/eligibility HTTP/1.1\r\nHost: t\r\nContent-Type: application/json"
                  b"\r\nContent-Length: 100\r\n\r\n{\"as")
        t = time.time()
        data = s.recv(1000)
        assert data == b"" or data.startswith(b"HTTP/1.1 4")
        assert time.time() - t < 10
    finally:
        s.close()
    alive(api)


def _trickle(sock, lines, every, stop_after):
    """Send one line every `every` seconds until the server closes; the seconds it took."""
    t = time.time()
    for line in lines:
        try:
            sock.sendall(line)
        except (BrokenPipeError, ConnectionResetError):
            return time.time() - t
        r, _, _ = select.select([sock], [], [], every)
        if r:
            try:
                if sock.recv(100) == b"":
                    return time.time() - t
            except ConnectionResetError:
                return time.time() - t
        if time.time() - t > stop_after:
            break
    return None


def test_header_trickle_meets_the_request_deadline(server):
    # Issue 16: one header line every 0.5 s never trips the idle timeout (5 s here) but must
    # not hold the connection for ever: --header-deadline 2 shuts it, and meanwhile (and
    # after) the server answers others.
    srv = server("--timeout", "5", "--header-deadline", "2", "--rate", "0")
    held = [socket.create_connection((srv.client.host, srv.client.port), timeout=10) for _ in range(20)]
    try:
        for s in held[1:]:
            s.sendall(b"GET /healthz HTTP/1.1\r\n")
        lines = [b"GET /healthz HTTP/1.1\r\n"] + [b"X-Slow-%d: y\r\n" % i for i in range(40)]
        took = _trickle(held[0], lines, 0.5, 15)
        assert took is not None and 1.5 < took < 6, took
        assert srv.client.get("/healthz").status == 200
        for s in held[1:]:  # the silent ones were cut at the same deadline
            s.settimeout(5)
            assert s.recv(100) == b""
        text = srv.client.get("/metrics").body.decode()
        cut = int(re.search(r"^hukou_http_connections_cut_total (\d+)$", text, re.M).group(1))
        assert cut >= 20, cut
    finally:
        for s in held:
            s.close()


def test_body_trickle_meets_the_request_deadline(server):
    srv = server("--timeout", "5", "--request-deadline", "2", "--rate", "0")
    s = socket.create_connection((srv.client.host, srv.client.port), timeout=10)
    try:
        head = (b"POST /api/v1/eligibility HTTP/1.1\r\nHost: t\r\nContent-Type: application/json"
                b"\r\nContent-Length: 1000\r\n\r\n")
        took = _trickle(s, [head] + [b" "] * 40, 0.5, 15)
        assert took is not None and 1.5 < took < 6, took
        assert srv.client.get("/healthz").status == 200
    finally:
        s.close()


def test_kept_alive_connection_gets_a_fresh_deadline_per_request(server):
    # The header clock restarts after each answer: a client making a request every second on
    # one connection is never cut, though together they last longer than the deadline.
    srv = server("--timeout", "5", "--header-deadline", "2", "--rate", "0")
    c = http.client.HTTPConnection(srv.client.host, srv.client.port, timeout=5)
    try:
        for _ in range(4):
            c.request("GET", "/healthz")
            r = c.getresponse()
            r.read()
            assert r.status == 200
            time.sleep(1)
    finally:
        c.close()


def _answers_per_client(client, clients):
    """Two eligibility checks for each client address in X-Forwarded-For, one after another:
    how many were answered 200."""
    ok = 0
    for addr in clients:
        for _ in range(2):
            r = client.request("POST", "/api/v1/eligibility", body=json.dumps(SITUATION),
                               headers={"Content-Type": "application/json",
                                        "X-Forwarded-For": "203.0.113.1, " + addr})
            assert r.status in (200, 429), r.body[:200]
            ok += r.status == 200
    return ok


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(server, tmp_path):
    # Issue 16: behind a reverse proxy every connection comes from the proxy; --trust-proxy
    # makes the last X-Forwarded-For entry (the one the proxy appended; the first here is what a
    # client claimed) the client for the per-address limits, for the proxy's connections only.
    clients = ["198.51.100.7", "198.51.100.8", "198.51.100.9", "198.51.100.10"]
    trusted = server("--rate", "1", "--burst", "1", "--trust-proxy", "127.0.0.1")
    assert _answers_per_client(trusted.client, clients) == 4  # one token each
    # Without it the header is ignored: one address, one bucket (refilled once a second).
    t = time.time()
    plain = server("--rate", "1", "--burst", "1")
    got = _answers_per_client(plain.client, clients)
    assert got <= 1 + int(time.time() - t) and got < 4, got
    from conftest import BIN, DB
    bad = subprocess.run([BIN, "serve", "--db", DB, "--trust-proxy", "not-an-address"],
                         capture_output=True, text=True, timeout=30)
    assert bad.returncode == 2 and "--trust-proxy" in bad.stderr, bad.stderr


def test_connection_limit(server):
    # At the limit libmicrohttpd stops accepting: a further connection waits in the kernel's
    # backlog, unanswered, until a slot frees; it is then served normally.
    srv = server("--max-connections", "4", "--timeout", "5")
    held = [socket.create_connection((srv.client.host, srv.client.port), timeout=5) for _ in range(4)]
    extra = None
    try:
        time.sleep(0.3)
        extra = socket.create_connection((srv.client.host, srv.client.port), timeout=1)
        extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        with pytest.raises(socket.timeout):
            extra.recv(100)
        for s in held:
            s.close()
        held = []
        extra.settimeout(5)
        assert extra.recv(100).startswith(b"HTTP/1.1 200")
    finally:
        for s in held:
            s.close()
        if extra:
            extra.close()
    assert srv.client.get("/healthz").status == 200
    assert srv.stop() == 0
