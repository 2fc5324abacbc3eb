"""Files behind a fact entry (issue 10) over HTTP, on a registry and server of this file's own: a
resident declares a lease and attaches the contract (typed by content, stored once, named
safely), only to their own declarations in force; officers of the jurisdiction attach, list and
download, others meet the 404 of person reads; a verified entry takes no more files; the person
read shows the ledger in force with its files; the CLI attaches and lists the same; every list
and download is in the access log. Every response is checked against docs/openapi.json, and
every response the document describes for these routes must be produced here (but 401,
test_openapi.py's, and 503, the upload path's shared in-flight limit that test_materials.py
exercises)."""
import json
import os
import re
import urllib.parse

import pytest

import schema
from conftest import BIN, SOURCE
from test_facts import LEASE, ME, World, run

DOC = json.load(open(os.path.join(SOURCE, "docs", "openapi.json")))
LIST = "/api/v1/persons/{id}/facts/{entry}/materials"
ONE = "/api/v1/persons/{id}/facts/{entry}/materials/{mid}"
PATHS = [LIST, ONE]
DESCRIBED = {(m, p, s) for p in PATHS for m, op in DOC["paths"].get(p, {}).items()
             for s in op["responses"]}
SEEN = set()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010800000000"
                    "3a7e9b550000000a49444154789c63000100000500010d0a2db40000000049454e44ae426082")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = World(tmp_path_factory.mktemp("fact-materials"))
    yield w
    if w.server:
        w.server.stop()


def call(world, who, method, template, *params, body=None, headers=None):
    path = template
    for p in params:
        path = re.sub(r"\{[^}]+\}", str(p), path, count=1)
    h = dict(headers or {})
    if who:
        h["Authorization"] = "Bearer " + world.token(who)
    r = world.server.client.request(method, path, body=body, headers=h)
    key = (method.lower(), template, str(r.status))
    if template in PATHS:
        assert key in DESCRIBED, f"{key} is not described: {r.body[:300]}"
        content = DOC["paths"][template][method.lower()]["responses"][str(r.status)]["content"]
        if "application/json" in content:
            problems = schema.check(DOC, content["application/json"]["schema"], r.json())
            assert not problems, problems[:10]
        else:
            assert r.headers["content-type"] in content, r.headers
        if r.status < 300:
            assert r.headers.get("cache-control") == "no-store"
        SEEN.add(key)
    return r


def upload(world, who, entry, data, name=None, person=ME):
    h = {"Content-Type": "application/pdf"}
    if name is not None:
        h["X-Filename"] = urllib.parse.quote(name, safe="")
    return call(world, who, "POST", LIST, person, entry, body=data, headers=h)


def field(r):
    return r.json()["error"]["field"]


def test_1_resident_attaches_the_lease_behind_a_declaration(world):
    r = call(world, "me", "POST", "/api/v1/persons/{id}/facts", "me",
             body={"kind": "housing", "fact": LEASE})
    assert r.status == 201 and r.json()["entry"] == 1, r.body
    r = upload(world, "me", 1, PDF, "租赁合同.pdf")
    assert r.status == 201, r.body
    m = r.json()
    assert (m["fact"], m["media_type"], m["name"], m["size"]) == \
        ("housing/1", "application/pdf", "租赁合同.pdf", len(PDF))
    assert "application" not in m
    again = upload(world, "me", 1, PDF, "another name.pdf")
    assert again.status == 200 and again.json()["id"] == m["id"]
    r = upload(world, "me", 1, PNG, "lease.pdf")  # the content decides: a PNG
    assert r.status == 201 and r.json()["name"] == "lease.pdf.png"
    # "me" and the full number are the same person.
    assert upload(world, "me", 1, PDF, "x.pdf", person="me").status == 200


def test_2_bad_uploads_name_the_field(world):
    r = upload(world, "me", 1, EXE, "a.pdf")
    assert r.status == 415 and field(r) == "body"
    r = upload(world, "me", 1, b"", "a.pdf")
    assert r.status == 400 and field(r) == "body"
    r = upload(world, "me", "x", PDF, "a.pdf")
    assert r.status == 400 and field(r) == "entry"
    r = call(world, "me", "POST", LIST, ME, 1, body=PDF, headers={"X-Filename": "%ZZ"})
    assert r.status == 400 and field(r) == "X-Filename"
    r = upload(world, "me", 99, PDF, "a.pdf")
    assert r.status == 404 and field(r) == "entry"
    # Past the limit: refused from the declared length, before the body is read.
    head = (f"POST /api/v1/persons/{ME}/facts/1/materials HTTP/1.1\r\nHost: t\r\n"
            f"Authorization: Bearer {world.token('me')}\r\nContent-Type: application/pdf\r\n"
            f"Content-Length: {10 * 1024 * 1024 + 1}\r\n\r\n").encode()
    r = world.server.client.raw(head)
    assert r.status == 413 and field(r) == "body", r.body[:200]
    SEEN.add(("post", LIST, "413"))


def test_3_who_may_attach_list_and_download(world):
    assert upload(world, "husband", 1, PDF, "x.pdf").status == 403    # another resident
    assert upload(world, "analyst", 1, PDF, "x.pdf").status == 403
    assert upload(world, "xihu", 1, PDF, "x.pdf").status == 404       # outside: as person reads
    assert upload(world, "xiuzhou", 1, PDF + b"officer", "scan.pdf").status == 201
    r = call(world, "xiuzhou", "GET", LIST, ME, 1)
    assert r.status == 200 and [m["name"] for m in r.json()] == \
        ["租赁合同.pdf", "lease.pdf.png", "scan.pdf"]
    first = r.json()[0]["id"]
    assert call(world, "me", "GET", LIST, "me", 1).json() == r.json()
    assert call(world, "xihu", "GET", LIST, ME, 1).status == 404
    assert call(world, "husband", "GET", LIST, ME, 1).status == 403
    assert call(world, "analyst", "GET", LIST, ME, 1).status == 403
    assert call(world, "me", "GET", LIST, ME, "0").status == 400
    r = call(world, "xiuzhou", "GET", ONE, ME, 1, first)
    assert r.status == 200 and r.body == PDF and r.headers["content-type"] == "application/pdf"
    assert "attachment" in r.headers["content-disposition"]
    assert r.headers.get("x-content-type-options") == "nosniff"
    assert call(world, "me", "GET", ONE, "me", 1, first).body == PDF
    r = call(world, "xiuzhou", "GET", ONE, ME, 1, 999)
    assert r.status == 404 and field(r) == "material"
    assert call(world, "xihu", "GET", ONE, ME, 1, first).status == 404
    assert call(world, "husband", "GET", ONE, ME, 1, first).status == 403
    assert call(world, "me", "GET", ONE, ME, 1, "x").status == 400


def test_4_the_person_read_shows_the_ledger(world):
    p = call(world, "me", "GET", "/api/v1/persons/{id}", "me").json()
    led = p["ledger"]
    assert [(e["entry"], e["kind"], e["source"], e["materials"]) for e in led["in_force"]] == \
        [(1, "housing", "declared", 3)]
    assert led["in_force"][0]["fact"]["division"] == "330411"
    assert p["housing"][0]["legal"] is False  # the registry's rows stay as they are
    assert led["superseded_rows"] == []
    o = call(world, "xiuzhou", "GET", "/api/v1/persons/{id}", ME).json()
    assert o["ledger"] == led


def test_5_verified_and_officers_entries(world):
    # An officer's own record is verified: the resident attaches to declarations only.
    r = call(world, "xiuzhou", "POST", "/api/v1/persons/{id}/facts", ME,
             body={"kind": "education", "fact": {"education": "bachelor"}})
    assert r.status == 201 and r.json()["source"] == "verified"
    officer_entry = r.json()["entry"]
    r = upload(world, "me", officer_entry, PDF, "degree.pdf")
    assert r.status == 403 and field(r) == "entry"
    assert upload(world, "xiuzhou", officer_entry, PDF, "degree.pdf").status == 201
    # Verified: the declaration is superseded and takes no more; its files stay readable.
    r = call(world, "xiuzhou", "POST", "/api/v1/persons/{id}/facts/{entry}/verify", ME, 1)
    assert r.status == 201, r.body
    verified = r.json()["entry"]
    r = upload(world, "me", 1, PDF + b"late", "late.pdf")
    assert r.status == 409 and field(r) == "entry"
    assert len(call(world, "me", "GET", LIST, "me", 1).json()) == 3
    led = call(world, "me", "GET", "/api/v1/persons/{id}", "me").json()["ledger"]
    assert [(e["entry"], e["source"], e.get("supersedes")) for e in led["in_force"]] == \
        [(officer_entry, "verified", None), (verified, "verified", 1)]


def test_6_every_described_response_was_produced(world):
    missing = sorted(k for k in DESCRIBED - SEEN if k[2] not in ("401", "503"))
    assert not missing, "\n".join(map(str, missing))


def test_7_cli_and_the_access_log(world, tmp_path):
    world.server.stop()  # the log writer flushes on stop
    world.server = None
    out = run([BIN, "audit", "access", "--person", ME, "--db", world.db])
    seen = {(e["actor"], e["endpoint"]) for e in map(json.loads, out.splitlines())}
    assert {("resident:me", "GET /api/v1/persons/{id}/facts/{entry}/materials"),
            ("resident:me", "GET /api/v1/persons/{id}/facts/{entry}/materials/{mid}"),
            ("officer:xiuzhou", "GET /api/v1/persons/{id}/facts/{entry}/materials"),
            ("officer:xiuzhou", "GET /api/v1/persons/{id}/facts/{entry}/materials/{mid}")} <= seen
    assert {a for a, _ in seen} <= {"resident:me", "officer:xiuzhou"}, seen
    assert ME not in out
    # The CLI: a new declaration, its file, the list and the download.
    r = json.loads(run([BIN, "facts", "add", "--db", world.db, "--as", "resident:" + ME, ME,
                        "employment", json.dumps({"division": "330411", "from": "2022-01-01"})]))
    entry = r["entry"]
    lease = tmp_path / "劳动合同.pdf"
    lease.write_bytes(PDF + b"cli")
    m = json.loads(run([BIN, "facts", "attach", "--db", world.db, "--as", "resident:" + ME, ME,
                        str(entry), str(lease)]))
    assert (m["name"], m["fact"]) == ("劳动合同.pdf", f"employment/{entry}")
    listed = json.loads(run([BIN, "facts", "material", "--db", world.db, ME, str(entry)]))
    assert [x["id"] for x in listed] == [m["id"]]
    every = json.loads(run([BIN, "facts", "material", "--db", world.db, ME, "0"]))
    assert len(every) == 5
    back = tmp_path / "back.pdf"
    run([BIN, "facts", "material", "--db", world.db, ME, str(entry), str(m["id"]),
         "--out", str(back)])
    assert back.read_bytes() == PDF + b"cli"
    import subprocess
    bad = subprocess.run([BIN, "facts", "attach", "--db", world.db, "--as",
                          "resident:" + ME, ME, "1", str(lease)], capture_output=True, text=True)
    assert bad.returncode == 1 and "entry" in bad.stderr
    shown = json.loads(run([BIN, "person", "show", "--db", world.db, ME]))
    assert [e["kind"] for e in shown["ledger"]["in_force"]] == \
        ["education", "housing", "employment"]
    assert shown["ledger"]["in_force"][2]["source"] == "declared"
    # The events record each attachment without a name or a full number.
    events = run([BIN, "audit", "verify", "--db", world.db])
    assert json.loads(events)["valid"] is True
