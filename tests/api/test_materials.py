"""Materials (issue 10) over HTTP, through the real server: a file uploaded as the raw body (what
a browser's fetch sends with a File), its type read from the content (a .pdf name with PNG bytes
is a PNG; an executable is refused), the size and count limits, sanitised names, an idempotent
re-upload stored once, who may upload, list and download (the applicant, officers of the
deciding county; others 404), the download's headers, the supply_material step taking uploaded
materials, and every list and download in the access log. Every JSON response is checked
against docs/openapi.json, and every response the document describes for these routes must be
produced here (their 401s are test_openapi.py's)."""
import http.client
import json
import os
import re
import select
import socket
import sqlite3
import time
import urllib.parse
import zlib
import struct

import pytest

import schema
from conftest import BIN, Response, Server
from test_services import ID, OTHER, World, run, status

DOC = json.load(open(os.path.join(os.path.dirname(__file__), "..", "..", "docs",
                                  "openapi.json")))
LIST = "/api/v1/applications/{id}/materials"
ONE = "/api/v1/applications/{id}/materials/{mid}"
ACT = "/api/v1/applications/{id}/actions"
PATHS = [LIST, ONE]
DESCRIBED = {(m, p, s) for p in PATHS for m, op in DOC["paths"].get(p, {}).items()
             for s in op["responses"]}
SEEN = set()


def png_bytes():
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


PNG = png_bytes()
JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" +
        b"\x00" * 32 + b"\xff\xd9")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200


def name_header(name):
    return {"X-Filename": urllib.parse.quote(name, safe="")}


class Materials:
    def __init__(self, world):
        self.w = world

    def call(self, who, method, template, *params, body=None, headers=None, query=""):
        path = template
        for p in params:
            path = re.sub(r"\{[^}]+\}", str(p), path, count=1)
        h = dict(headers or {})
        if who:
            h["Authorization"] = "Bearer " + self.w.token(who)
        r = self.w.server.client.request(method, path + query, body=body, headers=h)
        key = (method.lower(), template, str(r.status))
        assert key in DESCRIBED, f"{key} is not described: {r.body[:300]}"
        content = DOC["paths"][template][method.lower()]["responses"][str(r.status)]["content"]
        if "application/json" in content:
            problems = schema.check(DOC, content["application/json"]["schema"], r.json())
            assert not problems, problems[:10]
        else:
            assert r.headers["content-type"] in content, r.headers
        assert r.headers.get("x-content-type-options") == "nosniff"
        if r.status < 300:
            assert r.headers.get("cache-control") == "no-store"
        SEEN.add(key)
        return r

    def upload(self, who, app, data, name=None, content_type="application/pdf", query="",
               headers=None):
        h = {"Content-Type": content_type, **(headers or {})}
        if name is not None:
            h.update(name_header(name))
        return self.call(who, "POST", LIST, app, body=data, headers=h, query=query)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = World(tmp_path_factory.mktemp("materials"))
    w.at("2024-03-05")
    yield w
    w.close()


@pytest.fixture(scope="module")
def m(world):
    return Materials(world)


@pytest.fixture(scope="module")
def app(world):
    """A permit application of OTHER (in 南湖区 since 2023), decided by 南湖区."""
    r = world.call("them", "POST", "/api/v1/applications",
                   body={"id_number": OTHER, "kind": "permit", "target": "330402"})
    status(r, 201)
    return r.json()["id"]


def test_1_upload_typed_by_content(m, world, app):
    r = m.upload("them", app, PNG, "租赁合同.pdf")
    status(r, 201)
    d = r.json()
    assert (d["media_type"], d["name"], d["size"], d["step"], d["step_index"]) == \
        ("image/png", "租赁合同.pdf.png", len(PNG), "submit", None)
    assert d["uploaded_by"] == "resident:them" and re.fullmatch(r"[0-9a-f]{64}", d["sha256"])
    # The same bytes again (a phone retrying): the same material, kept once.
    r = m.upload("them", app, PNG, "again.png", content_type="image/png")
    status(r, 200)
    assert r.json()["id"] == d["id"] and r.json()["name"] == "租赁合同.pdf.png"
    db = sqlite3.connect(world.db)
    assert db.execute("SELECT count(*) FROM material_blob").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM material").fetchone()[0] == 1
    db.close()
    # An officer of the deciding county attaches a scan; a path in the name is dropped.
    r = m.upload("nanhu", app, PDF, "C:\\scans\\劳动合同 \"签字\".pdf")
    status(r, 201)
    assert (r.json()["media_type"], r.json()["name"]) == ("application/pdf", "劳动合同 _签字_.pdf")
    # No name and no Content-Type (a fetch of a Blob without a type sends none): the type is
    # the content's, the name made from it.
    r = m.call("them", "POST", LIST, app, body=JPEG)
    status(r, 201)
    assert (r.json()["media_type"], r.json()["name"]) == ("image/jpeg", "material.jpg")


def test_2_bad_uploads_name_the_field(m, app):
    for data, name, query, want, field in (
            (EXE, "合同.pdf", "", 415, "body"),
            (b"<html><script>alert(1)</script></html>", "a.pdf", "", 415, "body"),
            (b"", "a.pdf", "", 400, "body"),
            (PDF, "a.pdf", "?step=lunch", 400, "step"),
            (PDF, "a.pdf", "?stage=x", 400, "query.stage"),
    ):
        r = m.upload("them", app, data, name, query=query)
        status(r, want, field)
        if want == 415:
            assert "PDF" in r.error()["message_en"]
    r = m.upload("them", app, PDF, headers={"X-Filename": "%ZZ.pdf"})
    status(r, 400, "X-Filename")
    r = m.upload("them", app, PDF, headers={"X-Filename": "%FF%FE.pdf"})
    status(r, 400, "X-Filename")
    r = m.upload("them", app, PDF, headers={"X-Filename": "a" * 300})
    status(r, 400, "X-Filename")


def test_3_size_limit(m, world, app):
    # Refused from the declared length, before a byte of the body is read.
    token = world.token("them")
    head = (f"POST /api/v1/applications/{app}/materials HTTP/1.1\r\nHost: t\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/pdf\r\n"
            f"Content-Length: {10 * 1024 * 1024 + 1}\r\n\r\n").encode()
    r = world.server.client.raw(head)
    status(r, 413, "body")
    SEEN.add(("post", LIST, "413"))
    # Exactly 10 MiB is taken: past the server's 1 MiB for JSON bodies.
    big = PDF + b" " * (10 * 1024 * 1024 - len(PDF))
    r = m.upload("them", app, big, "扫描件.pdf")
    status(r, 201)
    assert r.json()["size"] == 10 * 1024 * 1024
    # Chunked: the length is required.
    r = m.upload("them", app, PDF, "a.pdf", headers={"Transfer-Encoding": "chunked"})
    status(r, 400, "Content-Length")


def test_4_who_may_upload_list_and_download(m, world, app):
    status(m.upload("me", app, PDF, "x.pdf"), 404)          # another resident
    status(m.upload("xihu", app, PDF, "x.pdf"), 404)        # an officer of another city
    status(m.upload("xiuzhou", app, PDF, "x.pdf"), 404)     # another county of the city
    status(m.upload("analyst", app, PDF, "x.pdf"), 403, "role")
    status(m.upload("dept", app, PDF, "x.pdf"), 403)
    status(m.upload("them", 999999, PDF, "x.pdf"), 404)
    status(m.call("them", "GET", LIST, "abc"), 400, "id")
    r = m.call("them", "GET", LIST, app)
    status(r, 200)
    mats = r.json()
    assert [x["media_type"] for x in mats] == ["image/png", "application/pdf", "image/jpeg",
                                               "application/pdf"]
    for who in ("nanhu", "jiaxing"):
        status(m.call(who, "GET", LIST, app), 200)
    for who in ("me", "xihu", "xiuzhou"):
        status(m.call(who, "GET", LIST, app), 404)
    status(m.call("analyst", "GET", LIST, app), 403)
    png = mats[0]["id"]
    r = m.call("them", "GET", ONE, app, png)
    status(r, 200)
    assert r.body == PNG
    assert r.headers["content-type"] == "image/png"
    disp = r.headers["content-disposition"]
    assert disp.startswith("attachment; filename=\"")
    assert "filename*=UTF-8''" + urllib.parse.quote("租赁合同.pdf.png", safe="") in disp
    r = m.call("nanhu", "GET", ONE, app, mats[1]["id"])
    status(r, 200)
    assert r.body == PDF and r.headers["content-type"] == "application/pdf"
    for who in ("me", "xihu"):
        status(m.call(who, "GET", ONE, app, png), 404)
    status(m.call("dept", "GET", ONE, app, png), 403)
    status(m.call("them", "GET", ONE, app, 999999), 404)
    status(m.call("them", "GET", ONE, app, "x1"), 400, "mid")
    status(m.call("them", "GET", ONE, app, png, query="?download=1"), 400)


def test_5_supply_material_takes_the_uploads(m, world, app):
    status(world.call("nanhu", "POST", ACT, app, body={"action": "accept"}), 200)
    status(world.call("nanhu", "POST", ACT, app,
                      body={"action": "request_material", "reason": "请上传盖章的劳动合同"}), 200)
    r = m.upload("them", app, JPEG + b"stamped", "盖章合同.jpg")
    status(r, 201)
    assert r.json()["step"] == "supply_material"
    new = r.json()["id"]
    # Materials go with supply_material only, as ids of this application's uploads.
    status(world.call("nanhu", "POST", ACT, app, body={"action": "accept", "materials": [new]}),
           400, "materials")
    status(world.call("them", "POST", ACT, app,
                      body={"action": "supply_material", "materials": ["1"]}), 400, "materials")
    status(world.call("them", "POST", ACT, app,
                      body={"action": "supply_material", "materials": [999999]}), 400,
           "materials[0]")
    r = world.call("them", "POST", ACT, app, body={"action": "supply_material",
                                                   "materials": [new]})
    status(r, 200)
    step = r.json()["steps"][-1]
    assert step["step"] == "supply_material" and [x["id"] for x in step["materials"]] == [new]
    assert step["materials"][0]["name"] == "盖章合同.jpg"
    r = m.call("nanhu", "GET", LIST, app)
    took = {x["id"]: x["step_index"] for x in r.json()}
    assert took[new] == len(world.call("nanhu", "GET", "/api/v1/applications/{id}",
                                       app).json()["steps"]) - 1


def test_6_count_limit_and_closed_application(m, world, app, tmp_path):
    # A server of the same registry with lower limits: 5 files are there already.
    d = tmp_path / "limits"
    d.mkdir()
    s = Server(d, "--today", "2024-03-05", "--rate", "0", "--materials-per-application", "5",
               "--material-max-mib", "1", db=world.db)
    try:
        tok = s.client.post("/api/v1/sessions", {"name": "them",
                                                 "password": "correct horse battery staple"})
        c = s.client.signed(tok.json()["token"])
        h = {"Content-Type": "application/pdf", **name_header("more.pdf")}
        r = c.request("POST", f"/api/v1/applications/{app}/materials", body=PDF + b"more",
                      headers=h)
        status(r, 413, "materials")
        head = (f"POST /api/v1/applications/{app}/materials HTTP/1.1\r\nHost: t\r\n"
                f"Authorization: Bearer {c.token}\r\nContent-Type: application/pdf\r\n"
                f"Content-Length: {(1 << 20) + 1}\r\n\r\n").encode()
        status(s.client.raw(head), 413, "body")
        # Content already attached is still answered.
        r = c.request("POST", f"/api/v1/applications/{app}/materials", body=PNG, headers=h)
        status(r, 200)
        # Eight uploads of 1 MiB being received fill the budget; a ninth waits its turn (503,
        # Retry-After) at once, from its head; when they end, uploads are taken again. Nine are
        # sent, and whichever the server reads last is the one refused: the others are still
        # waiting for their bodies, so exactly one connection has an answer.
        one_mib = head.replace(b"Content-Length: %d" % ((1 << 20) + 1),
                               b"Content-Length: %d" % (1 << 20)) + PDF
        slow = []
        for _ in range(9):
            sock = socket.create_connection((s.client.host, s.client.port), timeout=10)
            sock.sendall(one_mib)
            slow.append(sock)
        answered, _, _ = select.select(slow, [], [], 8)
        assert len(answered) >= 1, "no upload was refused while eight filled the budget"
        more, _, _ = select.select([x for x in slow if x not in answered], [], [], 0.5)
        assert len(answered) + len(more) == 1, "more than one upload was answered"
        resp = http.client.HTTPResponse(answered[0])
        resp.begin()
        r = Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        status(r, 503, "body")
        assert r.headers["retry-after"] == "1"
        SEEN.add(("post", LIST, "503"))
        for sock in slow:
            sock.close()
        for _ in range(50):
            time.sleep(0.1)
            r = c.request("POST", f"/api/v1/applications/{app}/materials", body=PNG, headers=h)
            if r.status != 503:
                break
        status(r, 200)
    finally:
        s.stop()
    status(world.call("nanhu", "POST", ACT, app, body={"action": "reject",
                                                       "reason": "材料不实"}), 200)
    status(m.upload("them", app, PDF + b"late", "late.pdf"), 409)


def test_7_every_described_response_was_produced(world):
    missing = sorted(k for k in DESCRIBED - SEEN if k[2] != "401")
    assert not missing, "\n".join(map(str, missing))


def test_8_lists_and_downloads_are_in_the_access_log(world):
    world.server.stop()  # the log writer flushes everything on stop
    world.server = None
    out = run([BIN, "audit", "access", "--person", OTHER, "--db", world.db])
    seen = {(e["actor"], e["endpoint"]) for e in map(json.loads, out.splitlines())}
    assert {("resident:them", "GET /api/v1/applications/{id}/materials"),
            ("resident:them", "GET /api/v1/applications/{id}/materials/{mid}"),
            ("officer:nanhu", "GET /api/v1/applications/{id}/materials/{mid}"),
            ("supervisor:jiaxing", "GET /api/v1/applications/{id}/materials")} <= seen, seen
    assert OTHER not in out
    # Refused reads are not reads: nobody else read them.
    assert {a for a, _ in seen} <= {"resident:them", "officer:nanhu", "supervisor:jiaxing"}, seen
    # The events record each attachment, never a file name or a full ID number.
    dump = sqlite3.connect(world.db).execute(
        "SELECT group_concat(payload, ' ') FROM event WHERE action = 'material.attach'").fetchone()[0]
    assert dump.count('"material"') == 5 and OTHER not in dump and "合同" not in dump
    run([BIN, "audit", "verify", "--db", world.db])
