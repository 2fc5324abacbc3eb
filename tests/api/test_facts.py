"""Facts with provenance over HTTP (issue 10), on a registry and server of this file's own: a
resident declares a lease, the eligibility answer lists what verification would open, an officer
verifies it and the answer changes; corrections with a reason; a department key scoped to its
kinds sends one fact and many (all or nothing, idempotent); refusals with their exact statuses;
reads of the ledger in the access log. Every response is checked against docs/openapi.json, and
every response the document describes for these routes (other than 401, test_openapi.py's) must
have been produced here."""
import json
import os
import subprocess

import pytest

import schema
from conftest import BIN, SOURCE, Server

DOC = json.load(open(os.path.join(SOURCE, "docs", "openapi.json")))
PATHS = ["/api/v1/persons/{id}/facts", "/api/v1/persons/{id}/facts/{entry}/verify",
         "/api/v1/persons/{id}/facts/{entry}/correct", "/api/v1/facts"]
# GET /api/v1/facts (the officer's worklist) is test_facts_waiting.py's.
DESCRIBED = {(m, p, s) for p in PATHS for m, op in DOC["paths"].get(p, {}).items()
             for s in op["responses"] if (m, p) != ("get", "/api/v1/facts")}
SEEN = set()

ME = "341222199202020229"       # renting in 秀洲区 without a registered lease
HUSBAND = "341222199001010112"
UNKNOWN = "110101199003077774"  # valid, registered nowhere
PEOPLE = [
    {"id_number": ME, "hukou": {"division": "341222", "household": "family", "head": True},
     "residence": [{"division": "330411", "urban": True, "from": "2021-03-01"}],
     "housing": [{"division": "330411", "urban": True, "kind": "rented", "legal": False,
                  "from": "2021-03-01"}]},
    {"id_number": HUSBAND, "hukou": {"division": "341222", "household": "family", "head": True}},
]
LEASE = {"division": "330411", "urban": True, "kind": "rented", "from": "2021-03-01"}
PASSWORD = "correct horse battery staple"
ACCOUNTS = {"me": ("resident", None, ME), "husband": ("resident", None, HUSBAND),
            "xiuzhou": ("officer", "330411", None), "xihu": ("officer", "330106", None),
            "analyst": ("analyst", None, None)}


def run(cmd, stdin=None):
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    assert r.returncode == 0, (cmd, r.stderr)
    return r.stdout


class World:
    def __init__(self, tmp):
        self.db = str(tmp / "r.db")
        run([BIN, "init", "--db", self.db])
        people = tmp / "people.jsonl"
        people.write_text("".join(json.dumps(p) + "\n" for p in PEOPLE))
        run([BIN, "import", "--db", self.db, str(people)])
        for name, (role, juris, idn) in ACCOUNTS.items():
            cmd = [BIN, "user", "add", "--db", self.db, name, "--role", role, "--password-stdin"]
            if juris:
                cmd += ["--jurisdiction", juris]
            if idn:
                cmd += ["--id-number", idn]
            run(cmd, PASSWORD + "\n")
        self.keys = {}
        for dept, facts in (("social_insurance", "social_insurance"), ("housing", "housing")):
            out = run([BIN, "key", "add", "--db", self.db, "--department", dept, "--facts", facts])
            self.keys[dept] = json.loads(out)["key"]
        (tmp / "srv").mkdir()
        self.server = Server(tmp / "srv", "--rate", "0", db=self.db)
        self.tokens = {}

    def token(self, who):
        if who in self.keys:
            return self.keys[who]
        if who not in self.tokens:
            r = self.server.client.post("/api/v1/sessions", {"name": who, "password": PASSWORD})
            assert r.status == 201, r.body[:300]
            self.tokens[who] = r.json()["token"]
        return self.tokens[who]

    def call(self, who, method, template, *params, body=None):
        path = template
        for p in params:
            path = path.replace(path[path.index("{"):path.index("}") + 1], str(p), 1)
        h = {"Authorization": "Bearer " + self.token(who)} if who else {}
        r = self.server.client.request(method, path, body=body, headers=h)
        route = template.split("?")[0]
        key = (method.lower(), route, str(r.status))
        if route in PATHS:
            assert key in DESCRIBED, f"{key} is not described: {r.body[:300]}"
            media = DOC["paths"][route][method.lower()]["responses"][str(r.status)]["content"]
            problems = schema.check(DOC, media["application/json"]["schema"], r.json())
            assert not problems, problems[:10]
            if r.status < 300:
                assert r.headers.get("cache-control") == "no-store"
            SEEN.add(key)
        return r


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = World(tmp_path_factory.mktemp("facts"))
    yield w
    w.server.stop()


FACTS = "/api/v1/persons/{id}/facts"
VERIFY = "/api/v1/persons/{id}/facts/{entry}/verify"
CORRECT = "/api/v1/persons/{id}/facts/{entry}/correct"
ELIG = f"/api/v1/persons/{ME}/eligibility?target=330411"


def test_1_declared_then_verified(world):
    r = world.call("me", "POST", FACTS, ME, body={"kind": "housing", "fact": LEASE})
    assert r.status == 201, r.body
    assert r.json() == {"entry": 1, "source": "declared", "supersedes": None, "already": False}
    a = world.call("me", "GET", ELIG).json()
    assert a["residence_permit"]["eligible"] is False  # declared facts are not decided on
    pending = {p["pathway"]: p for p in a["pending_verification"]}
    assert set(pending) == {"residence_permit", "residence"}
    assert pending["residence"]["facts"] == [{"entry": 1, "kind": "housing"}]
    assert pending["residence"]["message"].startswith("如果民警核实您申报的")
    assert "if the officer confirms" in pending["residence"]["message_en"]

    assert world.call("me", "POST", VERIFY, ME, 1).status == 403      # residents do not verify
    assert world.call("xihu", "POST", VERIFY, ME, 1).status == 404    # another county
    assert world.call("xiuzhou", "POST", VERIFY, ME, "x").status == 400
    assert world.call("xiuzhou", "POST", VERIFY, ME, 99).status == 404
    r = world.call("xiuzhou", "POST", VERIFY, ME, 1)
    assert r.status == 201 and r.json()["supersedes"] == 1 and r.json()["source"] == "verified"
    assert world.call("xiuzhou", "POST", VERIFY, ME, 1).status == 409  # superseded already
    a = world.call("me", "GET", ELIG).json()
    assert a["residence_permit"]["eligible"] is True and a["pending_verification"] == []


def test_2_refusals(world):
    assert world.call("husband", "POST", FACTS, ME, body={"kind": "housing", "fact": LEASE}).status == 403
    assert world.call("analyst", "POST", FACTS, ME, body={"kind": "housing", "fact": LEASE}).status == 403
    assert world.call("xihu", "POST", FACTS, ME, body={"kind": "housing", "fact": LEASE}).status == 404
    r = world.call("me", "POST", FACTS, ME, body={"kind": "housing", "fact": dict(LEASE, to="2020-01-01")})
    assert r.status == 400 and r.json()["error"]["field"] == "fact.to"
    assert world.call("me", "POST", FACTS, ME, body={"kind": "pets", "fact": {}}).status == 400
    assert world.call("xiuzhou", "POST", FACTS, "12345", body={"kind": "housing", "fact": LEASE}).status == 400
    assert world.call("xiuzhou", "POST", FACTS, UNKNOWN, body={"kind": "housing", "fact": LEASE}).status == 404
    assert world.call("husband", "GET", FACTS, ME).status == 403
    assert world.call("xihu", "GET", FACTS, ME).status == 404
    assert world.call("xiuzhou", "GET", FACTS, "12345").status == 400
    assert world.call(None, "GET", FACTS, ME).status == 401


def test_3_corrections(world):
    r = world.call("xiuzhou", "POST", CORRECT, ME, "housing.0", body={"fact": LEASE})
    assert r.status == 400 and r.json()["error"]["field"] == "reason"
    r = world.call("me", "POST", CORRECT, ME, "housing.0", body={"fact": LEASE, "reason": "mine"})
    assert r.status == 403  # a resident corrects only their own declarations
    r = world.call("xiuzhou", "POST", CORRECT, ME, "housing.0",
                   body={"fact": LEASE, "reason": "已备案 / registered"})
    assert r.status == 201 and r.json()["supersedes"] == "housing.0"
    r = world.call("xiuzhou", "POST", CORRECT, ME, "housing.0", body={"fact": LEASE, "reason": "again"})
    assert r.status == 409
    assert world.call("xiuzhou", "POST", CORRECT, ME, "housing.7", body={"fact": LEASE, "reason": "x"}).status == 404
    assert world.call("xiuzhou", "POST", CORRECT, ME, "nothing", body={"fact": LEASE, "reason": "x"}).status == 400
    r = world.call("xiuzhou", "GET", FACTS, ME)
    d = r.json()
    assert r.status == 200
    assert [(e["entry"], e["source"], e["in_force"]) for e in d["entries"]] == \
        [(1, "declared", False), (2, "verified", True), (3, "verified", True)]
    assert d["entries"][2]["reason"] == "已备案 / registered"
    assert (d["imported"][0]["ref"], d["imported"][0]["superseded_by"]) == ("housing.0", 3)
    assert world.call("me", "GET", FACTS, ME).status == 200


def test_4_departments(world):
    one = {"id_number": ME, "kind": "social_insurance", "delivery": "SI-1",
           "fact": {"city": "330400", "from": "2021-04", "to": None}}
    r = world.call("social_insurance", "POST", "/api/v1/facts", body=one)
    assert r.status == 201 and r.json()["source"] == "department"
    r = world.call("social_insurance", "POST", "/api/v1/facts", body=one)
    assert r.status == 200 and r.json()["already"] is True
    changed = dict(one, fact={"city": "330400", "from": "2021-05", "to": None})
    assert world.call("social_insurance", "POST", "/api/v1/facts", body=changed).status == 409
    assert world.call("housing", "POST", "/api/v1/facts", body=one).status == 403  # not its kind
    assert world.call("xiuzhou", "POST", "/api/v1/facts", body=one).status == 403  # not a key
    assert world.call("social_insurance", "POST", "/api/v1/facts",
                      body=dict(one, id_number=UNKNOWN, delivery="SI-9")).status == 404
    assert world.call("social_insurance", "POST", "/api/v1/facts", body={"kind": "x"}).status == 400
    many = {"facts": [
        {"delivery": "SI-2", "id_number": HUSBAND, "kind": "social_insurance",
         "fact": {"city": "320500", "from": "2015-01", "to": "2020-12", "pension_transferred": True}},
        {"delivery": "SI-3", "id_number": ME, "kind": "social_insurance",
         "fact": {"city": "330400", "from": "2022-01", "to": "2021-01"}}]}
    r = world.call("social_insurance", "POST", "/api/v1/facts", body=many)
    assert r.status == 400 and r.json()["error"]["field"] == "facts[1].fact.to", r.body
    many["facts"].pop()
    r = world.call("social_insurance", "POST", "/api/v1/facts", body=many)
    assert r.status == 201 and r.json() == {"received": 1, "added": 1, "already": 0}
    r = world.call("social_insurance", "POST", "/api/v1/facts", body=many)
    assert r.status == 201 and r.json() == {"received": 1, "added": 0, "already": 1}
    entries = world.call("xiuzhou", "GET", FACTS, ME).json()["entries"]
    assert entries[-1]["department"] == "social_insurance" and entries[-1]["delivery"] == "SI-1"


def test_4b_arrival_created_on_declaring(world):
    """An arrival from outside the registry: the officer declares residence with the name."""
    arrival = "110101199003070513"
    body = {"division": "330411", "address": "秀洲区 新城街道 8 号", "urban": True,
            "moved_in": "2024-06-01"}
    r = world.call("xiuzhou", "POST", "/api/v1/persons/{id}/residence/declare", arrival, body=body)
    assert r.status == 404, r.body
    r = world.call("xiuzhou", "POST", "/api/v1/persons/{id}/residence/declare", arrival,
                   body=dict(body, name="王五"))
    assert r.status == 200 and r.json()["person_created"] is True, r.body
    p = world.call("xiuzhou", "GET", "/api/v1/persons/{id}", arrival).json()
    assert (p["name"], p["hukou"]["division"], p["birth_date"]) == ("王五", "110101", "1990-03-07")


def test_5_every_described_response_was_produced(world):
    missing = sorted(k for k in DESCRIBED - SEEN if k[2] != "401")
    assert not missing, "\n".join(map(str, missing))


def test_6_reads_are_logged_and_chains_verify(world):
    world.server.stop()
    out = run([BIN, "audit", "access", "--person", ME, "--db", world.db])
    assert "GET /api/v1/persons/{id}/facts" in out
    assert ME not in out
    d = json.loads(run([BIN, "audit", "verify", "--db", world.db]))
    assert d["valid"] is True
