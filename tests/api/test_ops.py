"""Operations: /healthz, /metrics, rate limiting, the access log on stderr, and the graceful
stop on SIGTERM."""
import json
import os
import re
import socket
import threading
import time

from conftest import DB, PASSWORD, SOURCE, hukou, sample_ids, visible_to

SITUATION = json.load(open(os.path.join(SOURCE, "tests", "policy", "cases",
                                        "000-residence-anniversary-day-met.json")))["situation"]


def test_healthz(api):
    r = api.get("/healthz")
    assert r.status == 200
    d = r.json()
    assert d["status"] == "ok" and d["store"] == "ok" and d["uptime_seconds"] >= 0


def metric(text, name, **labels):
    """The sum of the samples of name whose labels include these (route labels hold braces)."""
    total = 0.0
    for line in text.splitlines():
        m = re.match(r"^(\w+)\{(.*)\} (\S+)$", line)
        if m and m.group(1) == name and all(f'{k}="{v}"' in m.group(2) for k, v in labels.items()):
            total += float(m.group(3))
    return total


def test_metrics_count_requests_latency_and_errors(api, staff):
    before = api.get("/metrics").body.decode()
    for _ in range(3):
        assert api.get("/api/v1/divisions/330106").status == 200
    assert api.get("/api/v1/divisions/999999").status == 404
    route = "/api/v1/divisions/{code}"
    # A request is counted when libmicrohttpd reports it complete, just after its last byte is
    # sent: on a loaded machine the next request can overtake that, so wait a moment for it.
    for _ in range(50):
        r = api.get("/metrics")
        assert r.status == 200 and r.headers["content-type"].startswith("text/plain")
        after = r.body.decode()
        if metric(after, "hukou_http_requests_total", route=route, status="404") - \
                metric(before, "hukou_http_requests_total", route=route, status="404") >= 1:
            break
        time.sleep(0.05)
    assert metric(after, "hukou_http_requests_total", route=route, status="200") - \
        metric(before, "hukou_http_requests_total", route=route, status="200") == 3
    assert metric(after, "hukou_http_requests_total", route=route, status="404") - \
        metric(before, "hukou_http_requests_total", route=route, status="404") == 1
    assert metric(after, "hukou_http_errors_total", code="not_found") - \
        metric(before, "hukou_http_errors_total", code="not_found") >= 1
    count = metric(after, "hukou_http_request_duration_seconds_count", route=route)
    assert count >= 4
    assert metric(after, "hukou_http_request_duration_seconds_bucket", route=route, le="+Inf") == count
    # Every sample line is well formed: name{labels} value, or a # HELP / # TYPE line.
    for line in after.splitlines():
        assert line.startswith("# ") or re.match(r"^[a-z_]+(\{.*\})? [0-9.e+-]+$", line), line
    # The raw path (with an ID number) never becomes a label.
    pid = sample_ids()[0]
    assert staff.get(f"/api/v1/persons/{pid}").status == 200
    assert pid not in api.get("/metrics").body.decode()


def test_rate_limit_default_20_per_second_burst_40(server):
    srv = server()  # the defaults
    # "{}" passes the header checks, takes a token, and fails fast (400): the limiter is
    # reached within a few hundred milliseconds even on a slow sanitizer build.
    statuses = []
    deadline = time.time() + 30
    while time.time() < deadline and len(statuses) < 400:
        r = srv.client.post("/api/v1/eligibility", {})
        statuses.append(r.status)
        if r.status == 429:
            e = r.error()
            assert e["code"] == "rate_limited"
            assert int(r.headers["retry-after"]) >= 1
            break
    # The bucket starts full: the first 40 all get an answer.
    assert statuses[:40] == [400] * 40, statuses
    assert statuses[-1] == 429, statuses
    # Other routes are not limited, and the bucket refills at 20 a second.
    assert srv.client.get("/api/v1/divisions/330106").status == 200
    time.sleep(1.2)
    assert srv.client.post("/api/v1/eligibility", SITUATION).status == 200
    text = srv.client.get("/metrics").body.decode()
    assert metric(text, "hukou_http_errors_total", code="rate_limited") >= 1
    assert srv.stop() == 0


def test_concurrent_reads_on_every_worker(staff):
    # Many clients at once over the pool's threads, each with its own store connection.
    ids = visible_to("330000")
    results = []

    def client(k):
        for i in range(25):
            pid = ids[(k + i) % len(ids)]
            r = staff.get(f"/api/v1/persons/{pid}/eligibility?target=330411&as_of=2024-06-01")
            results.append((r.status, r.json()["person"]["id_masked"][-4:] == pid[-4:]))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == 200 and all(s == 200 and same for s, same in results)


def test_persons_need_an_account(server):
    srv = server("--rate", "0")
    pid = sample_ids()[0]
    for path in (f"/api/v1/persons/{pid}", f"/api/v1/persons/{pid}/eligibility?target=330411",
                 "/api/v1/persons/12345"):
        r = srv.client.get(path)
        assert r.status == 401, r.body
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert r.error()["code"] == "unauthenticated"
    # The open endpoints still answer.
    assert srv.client.post("/api/v1/eligibility", SITUATION).status == 200
    assert srv.stop() == 0


def test_stderr_log_names_the_actor_and_never_an_id(server, accounts):
    srv = server("--rate", "0")
    staff = srv.client.login("supervisor", PASSWORD)
    for pid in sample_ids():
        assert staff.get(f"/api/v1/persons/{pid}").status in (200, 404)
        assert staff.get(f"/api/v1/persons/{pid}x").status == 400
        # A department names an ID number in its purpose: masked before it is logged.
        r = srv.client.signed(accounts.keys["permit_key"][1], purpose=f"asked about {pid}").get(
            f"/api/v1/questions/permit-valid?id_number={pid}&city=330400&date=2024-06-01")
        assert r.status == 200
    assert srv.stop() == 0
    log = srv.log()
    lines = [json.loads(l) for l in log.splitlines() if l.startswith("{")]
    persons = [l for l in lines if l["route"] == "/api/v1/persons/{id}"]
    assert persons and all(l["actor"] == "supervisor:supervisor" for l in persons)
    assert all(set(l) >= {"ts", "method", "route", "status", "ms"} for l in lines)
    for pid in sample_ids():
        assert pid not in log
    # Nor in the access log the stop wrote out.
    code, out, err = hukou("audit", "access", "--person", sample_ids()[0], "--db", DB)
    assert code == 0, err
    for pid in sample_ids():
        assert pid not in out


def test_sigterm_finishes_the_request_in_flight(server):
    srv = server("--rate", "0")
    body = json.dumps(SITUATION).encode()
    s = socket.create_connection((srv.client.host, srv.client.port), timeout=20)
    try:
        s.sendall(b"POST /api/v1/eligibility HTTP/1.1\r\nHost: t\r\nContent-Type: application/json"
                  b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:50])
        time.sleep(0.3)  # the request has begun: headers read, body half sent
        stopped = threading.Thread(target=lambda: setattr(srv, "status", srv.stop()))
        stopped.start()
        time.sleep(0.5)
        assert srv.proc.poll() is None, "exited with a request in flight"
        s.sendall(body[50:])
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, payload = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        assert json.loads(payload)["settlement"]["eligible"] is True
        assert b"Connection: close" in head  # draining: no keep-alive
        stopped.join(30)
    finally:
        s.close()
    assert srv.status == 0
    assert "stopped after" in srv.log()


def test_sigterm_when_idle_exits_at_once(server):
    srv = server()
    assert srv.client.get("/healthz").status == 200
    t = time.time()
    assert srv.stop() == 0
    assert time.time() - t < 5


def test_bad_options_fail_cleanly(tmp_path):
    import subprocess
    from conftest import BIN, DB
    for args, code in ((["--db", str(tmp_path / "none.db")], 1),
                       (["--db", DB, "--listen", "nowhere"], 2),
                       (["--db", DB, "--threads", "0"], 2),
                       ([], 2),
                       (["--db", DB, "--policies", str(tmp_path)], 1),
                       (["--db", DB, "--openapi", str(tmp_path / "none.json")], 1)):
        r = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", *args], capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == code, (args, r.returncode, r.stderr)
        assert r.stderr.strip(), args
    r = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "用法" in r.stdout and "usage" in r.stdout
