"""Electronic certificates (issue 12) over HTTP, through the real server with --keys on a
registry of its own (test_services' World): issuing on request, who may list, read, download
and withdraw (the holder, the right officer; a wrong officer gets the same 404 as an unknown
one; analysts nothing), the PDF is a PDF, the QR an SVG, verification open to anyone and
rate-limited, the signed status list flipping after a revocation, the key set verifying a
certificate with the independent verifier (tests/cert/verify_independent.py, Python's nacl and
cbor2), and a server without keys answering 503 naming "keys". Every JSON response of the
account routes is checked against docs/openapi.json, and every response the document describes
for them must be produced here (their 401s are test_openapi.py's)."""
import concurrent.futures
import datetime
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import zlib

import pytest

import schema
from conftest import BIN, SOURCE, Server
from test_services import ID, PA, PASSWORD, UNKNOWN, World, run, status, with_check

DOC = json.load(open(os.path.join(SOURCE, "docs", "openapi.json")))
MINE = "/api/v1/persons/{id}/certificates"
ONE = "/api/v1/certificates/{cid}"
PDF = "/api/v1/certificates/{cid}/pdf"
QR = "/api/v1/certificates/{cid}/qr.svg"
STATUS = "/api/v1/certificates/{cid}/status"
PATHS = [MINE, ONE, PDF, QR, STATUS]
DESCRIBED = {(m, p, s) for p in PATHS for m, op in DOC["paths"].get(p, {}).items()
             for s in op["responses"] if s != "401"}
SEEN = set()
VERIFY = "/api/v1/certificates/verify"
LIST = "/api/v1/certificates/status"
JWKS = "/.well-known/hukou-keys.json"
INDEPENDENT = os.path.join(SOURCE, "tests", "cert", "verify_independent.py")
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
# A named migrant registered (一) in 南湖区 with an Anhui hukou (test_services' have no name,
# and a certificate prints one), with a resident account "zhao".
OTHER = with_check("34122219950505002")
ZHAO = {"id_number": OTHER, "name": "赵六",
        "hukou": {"division": "341222", "household": "family", "head": True},
        "residence": [{"division": "330402", "urban": True, "from": "2023-01-01"}]}


def make_keys(path):
    """A key directory as an operator makes one (hukou keys init)."""
    run([BIN, "keys", "init", "--dir", str(path)])
    return str(path)


def b45decode(text):
    out = bytearray()
    for i in range(0, len(text), 3):
        chunk = [ALPHABET.index(c) for c in text[i:i + 3]]
        n = sum(v * 45 ** k for k, v in enumerate(chunk))
        out += n.to_bytes(2, "big") if len(chunk) == 3 else bytes([n])
    return bytes(out)


def b45encode(data):
    out = []
    for i in range(0, len(data), 2):
        pair = data[i:i + 2]
        n = int.from_bytes(pair, "big")
        digits = 3 if len(pair) == 2 else 2
        out += [ALPHABET[(n // 45 ** k) % 45] for k in range(digits)]
    return "".join(out)


def tampered(qr, old, new):
    """The same certificate with `old` (bytes of its payload) changed into `new`, compressed and
    encoded again: well formed, its signature no longer matching."""
    assert len(old) == len(new)
    body = zlib.decompress(b45decode(qr[len("HKC1:"):]))
    assert old in body
    return "HKC1:" + b45encode(zlib.compress(body.replace(old, new, 1), 9))


class CertWorld(World):
    """test_services' registry, its server started with the keys (and `extra` options)."""

    def __init__(self, tmp):
        super().__init__(tmp)
        people = tmp / "zhao.jsonl"
        people.write_text(json.dumps(ZHAO, ensure_ascii=False) + "\n")
        run([BIN, "import", "--db", self.db, str(people)])
        run([BIN, "user", "add", "--db", self.db, "zhao", "--role", "resident", "--id-number",
             OTHER, "--password-stdin"], PASSWORD + "\n")
        self.keys = make_keys(tmp / "keys")
        self.extra = ["--keys", self.keys]

    def at(self, day):
        self.day = day
        if self.server:
            assert self.server.stop() == 0
        self.n += 1
        d = self.tmp / ("s%d" % self.n)
        d.mkdir()
        self.server = Server(d, "--today", day, "--rate", "0", *self.extra, db=self.db)
        self.tokens = {}
        return self

    def cert(self, who, method, template, *params, body=None, headers=None, query=""):
        """One request to a certificate route; checked against the document and seen."""
        path = template
        for p in params:
            path = re.sub(r"\{[^}]+\}", str(p), path, count=1)
        h = dict(headers or {})
        if who:
            h["Authorization"] = "Bearer " + self.token(who)
        r = self.server.client.request(method, path + query, body=body, headers=h)
        key = (method.lower(), template, str(r.status))
        assert key in DESCRIBED, f"{key} is not described: {r.body[:300]}"
        content = DOC["paths"][template][method.lower()]["responses"][str(r.status)]["content"]
        ctype = r.headers["content-type"].split(";")[0]
        assert ctype in content, (ctype, list(content))
        if ctype == "application/json":
            problems = schema.check(DOC, content[ctype]["schema"], r.json())
            assert not problems, problems[:10]
        assert r.headers.get("cache-control") == "no-store", r.headers
        SEEN.add(key)
        return r


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = CertWorld(tmp_path_factory.mktemp("certificates"))
    w.at("2024-06-01")
    yield w
    w.close()


@pytest.fixture(scope="module")
def certs(world):
    """A residence receipt of 赵六 (registered in 南湖区) at their own request, and a hukou
    proof of PA (hukou in 南湖区) issued by 南湖区's officer."""
    r = world.cert("zhao", "POST", MINE, "me", body={"type": "residence_receipt"})
    status(r, 201)
    receipt = r.json()
    r = world.cert("nanhu", "POST", MINE, PA, body={"type": "hukou_proof"})
    status(r, 201)
    return {"receipt": receipt, "proof": r.json()}


def verify(client, qr, **extra):
    r = client.post(VERIFY, {"qr": qr, **extra})
    assert r.headers.get("cache-control") == "no-store"
    return r


def test_1_issued_on_request(world, certs):
    receipt, proof = certs["receipt"], certs["proof"]
    assert receipt["type"] == "residence_receipt" and receipt["status"] == "valid"
    assert receipt["qr"].startswith("HKC1:") and receipt["issuer"] == "330402"
    assert proof["type"] == "hukou_proof" and proof["id_masked"] == "330402********0014"
    assert PA not in json.dumps(proof) and OTHER not in json.dumps(receipt)
    # Nothing to prove: 赵六's hukou is in Anhui.
    r = world.cert("zhao", "POST", MINE, "me", body={"type": "hukou_proof"})
    status(r, 409, "hukou")
    # The others come with their events; a bad body names its field.
    for body, field in (({"type": "residence_permit"}, "type"), ({"type": "passport"}, "type"),
                        ({"type": 3}, "type"), ({}, "type"), ({"type": "hukou_proof", "x": 1}, "x")):
        status(world.cert("nanhu", "POST", MINE, PA, body=body), 400, field)
    status(world.cert("nanhu", "POST", MINE, "12345", body={"type": "hukou_proof"}), 400, "id")
    # A resident for someone else; an account that holds none; an officer elsewhere (西湖区)
    # and an unknown person get the same answer.
    status(world.cert("zhao", "POST", MINE, PA, body={"type": "hukou_proof"}), 403, "id")
    status(world.cert("analyst", "POST", MINE, PA, body={"type": "hukou_proof"}), 403)
    elsewhere = world.cert("xihu", "POST", MINE, PA, body={"type": "hukou_proof"})
    unknown = world.cert("xihu", "POST", MINE, UNKNOWN, body={"type": "hukou_proof"})
    status(elsewhere, 404)
    status(unknown, 404)
    assert elsewhere.error()["code"] == unknown.error()["code"]


def test_2_who_reads_what(world, certs):
    receipt = certs["receipt"]
    cid = receipt["id"]
    r = world.cert("zhao", "GET", MINE, "me")
    status(r, 200)
    assert cid in [c["id"] for c in r.json()]
    status(world.cert("nanhu", "GET", MINE, OTHER), 200)
    status(world.cert("jiaxing", "GET", MINE, OTHER), 200)
    status(world.cert("analyst", "GET", MINE, OTHER), 403)
    status(world.cert("zhao", "GET", MINE, PA), 403, "id")
    status(world.cert("nanhu", "GET", MINE, "1234"), 400, "id")
    a = world.cert("xihu", "GET", MINE, OTHER)
    b = world.cert("xihu", "GET", MINE, UNKNOWN)
    status(a, 404)
    status(b, 404)
    # One certificate: its holder, the issuing county's officer, its supervisor.
    for who in ("zhao", "nanhu", "jiaxing"):
        r = world.cert(who, "GET", ONE, cid)
        status(r, 200)
        d = r.json()
        assert d["qr"] == receipt["qr"] and d["fields"] and all("label_en" in f for f in d["fields"])
    a = world.cert("xihu", "GET", ONE, cid)
    b = world.cert("xihu", "GET", ONE, "0133040220240000000X")
    status(a, 404)
    status(b, 404)
    assert a.error()["message_en"].replace(cid, "C") == \
        b.error()["message_en"].replace("0133040220240000000X", "C")
    status(world.cert("me", "GET", ONE, cid), 404)  # another resident
    status(world.cert("analyst", "GET", ONE, cid), 403)
    status(world.cert("dept", "GET", ONE, cid), 403)
    status(world.cert("zhao", "GET", ONE, "a*b"), 400, "cid")
    status(world.cert("zhao", "GET", ONE, "x" * 64), 400, "cid")
    status(world.cert("zhao", "GET", ONE, cid, query="?full=1"), 400, "query.full")


def test_3_pdf_and_qr(world, certs, tmp_path):
    cid = certs["proof"]["id"]
    r = world.cert("nanhu", "GET", PDF, cid)
    status(r, 200)
    assert r.headers["content-type"] == "application/pdf" and r.body.startswith(b"%PDF-")
    assert r.headers["content-disposition"] == f'attachment; filename="{cid}.pdf"'
    (tmp_path / "c.pdf").write_bytes(r.body)
    pages = subprocess.run(["pdfinfo", str(tmp_path / "c.pdf")], capture_output=True, text=True)
    assert pages.returncode == 0 and re.search(r"^Pages:\s+1$", pages.stdout, re.M), pages.stdout
    # The QR code of the page is the certificate's text (poppler and zbar, as an inspector's).
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "c.pdf"),
                    str(tmp_path / "page")], check=True)
    # QR codes only: zbar's 1D decoders now and then read part of a QR symbol as a barcode.
    z = subprocess.run(["zbarimg", "--nodbus", "-Sdisable", "-Sqrcode.enable", "--raw", "-q",
                        str(tmp_path / "page.png")],
                       capture_output=True, text=True)
    assert z.stdout.strip() == certs["proof"]["qr"], z
    r = world.cert("nanhu", "GET", QR, cid)
    status(r, 200)
    assert r.headers["content-type"] == "image/svg+xml" and b"<svg" in r.body[:200]
    for route in (PDF, QR):
        status(world.cert("xihu", "GET", route, cid), 404)
        status(world.cert("analyst", "GET", route, cid), 403)
        status(world.cert("nanhu", "GET", route, "a*b"), 400, "cid")


def test_4_verify_open_to_anyone(world, certs):
    anyone = world.server.client
    receipt = certs["receipt"]
    r = verify(anyone, receipt["qr"])
    status(r, 200)
    d = r.json()
    problems = schema.check(DOC, {"$ref": "#/components/schemas/Verification"}, d)
    assert not problems, problems
    assert d["verdict"] == "valid" and d["status_checked"] is True
    assert d["id"] == receipt["id"] and d["id_masked"] == receipt["id_masked"]
    # Only what the certificate prints: not its fields, the holder's number or the QR text.
    assert set(d) <= {"verdict", "status_checked", "id", "type", "type_zh", "type_en", "issuer",
                      "issued_at", "valid_from", "valid_until", "name", "id_masked"}
    assert verify(anyone, receipt["qr"], id_number=OTHER).json()["holder_matches"] is True
    assert verify(anyone, receipt["qr"], id_number=ID).json()["holder_matches"] is False
    assert OTHER not in verify(anyone, receipt["qr"], id_number=OTHER).body.decode()
    # A changed byte of the payload: well formed, and its signature no longer holds.
    name = receipt["name"].encode()
    fake = tampered(receipt["qr"], name[:3], "王".encode())
    assert verify(anyone, fake).json()["verdict"] == "bad_signature"
    # Not a certificate at all.
    for text in ("HKC1:AAAA", "hello", "HKC1:" + receipt["qr"][5:-6]):
        r = verify(anyone, text)
        status(r, 200)
        assert r.json()["verdict"] == "malformed", (text, r.json())
    # Bad bodies name their field; none is echoed.
    for body, field in (({}, "qr"), ({"qr": ""}, "qr"), ({"qr": 12}, "qr"),
                        ({"qr": receipt["qr"], "id_number": "123"}, "id_number"),
                        ({"qr": receipt["qr"], "extra": 1}, "extra")):
        r = anyone.post(VERIFY, body)
        status(r, 400, field)
    status(anyone.post(VERIFY, {"qr": "x" * 9000}), 413, "qr")
    status(anyone.post(VERIFY, "not json", headers={"Content-Type": "application/json"}), 400,
           "body")


def independent(world, qr):
    """The independent verifier's verdict of one QR text with the server's key set and status
    list, at the server's now (its --today at the clock's time of day): (exit status, output)."""
    anyone = world.server.client
    (world.tmp / "jwks.json").write_bytes(anyone.get(JWKS).body)
    (world.tmp / "status.cwt").write_bytes(anyone.get(LIST).body)
    (world.tmp / "qr.txt").write_text(qr)
    y, m, d = map(int, world.day.split("-"))
    now = int(datetime.datetime(y, m, d, tzinfo=datetime.timezone.utc).timestamp()) + \
        int(time.time()) % 86400
    out = subprocess.run([sys.executable, INDEPENDENT, "--keys", str(world.tmp / "jwks.json"),
                          "--status", str(world.tmp / "status.cwt"), "--now", str(now),
                          str(world.tmp / "qr.txt")], capture_output=True, text=True)
    return out.returncode, out.stdout + out.stderr


def test_5_jwks_and_the_independent_verifier(world, certs):
    r = world.server.client.get(JWKS)
    status(r, 200)
    assert r.headers["content-type"] == "application/jwk-set+json"
    assert r.headers["cache-control"] == "public, max-age=3600"
    keys = r.json()["keys"]
    assert keys and all(k["kty"] == "OKP" and k["crv"] == "Ed25519" for k in keys)
    assert not any("d" in k for k in keys)  # never a private key
    rc, out = independent(world, certs["proof"]["qr"])
    assert rc == 0 and "valid" in out, out
    fake = tampered(certs["proof"]["qr"], b"330402", b"330106")
    rc, out = independent(world, fake)
    assert rc != 0, out


def test_6_revoke_suspend_reinstate_flip_the_status_list(world, certs):
    anyone = world.server.client
    proof, receipt = certs["proof"], certs["receipt"]
    cid = proof["id"]
    # Who may not: the holder's side, another county's officer, the unknown.
    body = {"status": "revoked", "reason": "测试注销"}
    status(world.cert("zhao", "POST", STATUS, receipt["id"], body=body), 403)
    status(world.cert("xihu", "POST", STATUS, cid, body=body), 404)
    status(world.cert("nanhu", "POST", STATUS, "0133040220240000000X", body=body), 404)
    status(world.cert("nanhu", "POST", STATUS, "a*b", body=body), 400, "cid")
    for bad, field in (({"status": "gone", "reason": "x"}, "status"), ({"reason": "x"}, "status"),
                       ({"status": "revoked"}, "reason"), ({"status": "revoked", "reason": " "},
                                                           "reason"),
                       ({"status": "revoked", "reason": "x", "by": "me"}, "by")):
        status(world.cert("nanhu", "POST", STATUS, cid, body=bad), 400, field)
    status(world.cert("nanhu", "POST", STATUS, cid, body={"status": "revoked", "reason": "长" * 30}),
           413, "reason")
    # Suspended, then reinstated: the status list and the verdict follow each change at once.
    assert verify(anyone, proof["qr"]).json()["verdict"] == "valid"
    r = world.cert("nanhu", "POST", STATUS, cid, body={"status": "suspended", "reason": "核查中"})
    status(r, 200)
    assert r.json() == {"id": cid, "status": "suspended", "status_reason": "核查中"}
    assert verify(anyone, proof["qr"]).json()["verdict"] == "suspended"
    rc, out = independent(world, proof["qr"])
    assert rc != 0 and "suspended" in out, out
    status(world.cert("nanhu", "POST", STATUS, cid, body={"status": "valid", "reason": "核查无误"}),
           200)
    assert verify(anyone, proof["qr"]).json()["verdict"] == "valid"
    rc, out = independent(world, proof["qr"])
    assert rc == 0, out
    # Revoked for good: the list says so, and a revoked certificate cannot come back.
    status(world.cert("jiaxing", "POST", STATUS, cid, body=body), 200)
    d = verify(anyone, proof["qr"]).json()
    assert d["verdict"] == "revoked" and "name" not in d
    rc, out = independent(world, proof["qr"])
    assert rc != 0 and "revoked" in out, out
    status(world.cert("nanhu", "POST", STATUS, cid, body={"status": "valid", "reason": "x"}), 409,
           "status")
    r = world.cert("nanhu", "GET", ONE, cid)
    assert (r.json()["status"], r.json()["status_reason"]) == ("revoked", "测试注销")


def test_7_verify_is_rate_limited(world, certs, tmp_path):
    s = Server(tmp_path, "--rate", "1", "--burst", "1", "--keys", world.keys, db=world.db)
    try:
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            got = list(pool.map(lambda _: s.client.post(VERIFY, {"qr": certs["receipt"]["qr"]}),
                                range(4)))
        limited = [r for r in got if r.status == 429]
        assert limited and any(r.status == 200 for r in got), [r.status for r in got]
        assert int(limited[0].headers["retry-after"]) >= 1
        assert limited[0].error()["code"] == "rate_limited"
    finally:
        s.stop()


def test_8_without_keys(world, certs, tmp_path):
    """No --keys: what signs or verifies is 503 naming keys; lists and status changes work."""
    world.extra = []
    world.at("2024-06-02")
    try:
        anyone = world.server.client
        for r in (anyone.get(JWKS), anyone.get(LIST), anyone.post(VERIFY, {"qr": "HKC1:X"})):
            status(r, 503, "keys")
            assert r.error()["code"] == "unavailable"
        status(world.cert("zhao", "POST", MINE, "me", body={"type": "residence_receipt"}), 503,
               "keys")
        status(world.cert("zhao", "GET", MINE, "me"), 200)
        # Signed before: still served as it was.
        status(world.cert("zhao", "GET", ONE, certs["receipt"]["id"]), 200)
        status(world.cert("zhao", "GET", QR, certs["receipt"]["id"]), 200)
        # A certificate recorded without a key (a residence declaration's receipt) cannot be
        # signed now.
        r = world.call("me", "POST", "/api/v1/persons/{id}/residence/declare", "me",
                       body={"division": "330402", "address": "南湖区 东栅街道 9 号",
                             "urban": True, "moved_in": "2024-05-20"})
        status(r, 200)
        fresh = [c for c in world.cert("me", "GET", MINE, "me").json()
                 if c["type"] == "residence_receipt"]
        assert fresh, "the declaration recorded no receipt"
        for route in (ONE, PDF, QR):
            status(world.cert("me", "GET", route, fresh[0]["id"]), 503)
    finally:
        world.extra = ["--keys", world.keys]
        world.at("2024-06-02")


def test_9_a_bad_keys_directory_stops_the_start(world, tmp_path):
    p = subprocess.run([BIN, "serve", "--db", world.db, "--listen", "127.0.0.1:0", "--keys",
                        str(tmp_path / "none")], capture_output=True, text=True, timeout=60)
    assert p.returncode != 0 and "--keys" in p.stderr, p.stderr


def test_10_reads_are_in_the_access_log(world, certs):
    world.at("2024-06-03")  # the stop wrote everything queued
    db = sqlite3.connect(world.db)
    endpoints = {e for (e,) in db.execute("SELECT endpoint FROM access_log")}
    db.close()
    assert {"GET /api/v1/persons/{id}/certificates",
            "GET /api/v1/certificates/{cid}"} <= endpoints, endpoints


def test_11_every_described_response_was_produced():
    missing = DESCRIBED - SEEN
    assert not missing, sorted(missing)
