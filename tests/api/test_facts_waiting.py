"""The officer's worklist of declarations over HTTP (issue 10/11), on a registry and server of
this file's own: GET /api/v1/facts lists the declared entries in force of the jurisdiction
(or an area inside it), by kind, oldest first, paged; GET /api/v1/facts/{entry} gives one entry
with the person's full ID number to an officer of that person only; a verified entry leaves
the list; bad parameters are 400 naming the field; reads are in the access log and no full ID
number is in a URL. Every response is checked against docs/openapi.json, and every response
the document describes for these routes (other than 401, test_openapi.py's) must have been
produced here."""
import json
import subprocess
import urllib.parse

import pytest

import schema
from conftest import BIN, Server
from test_facts import DOC

ROUTES = [("get", "/api/v1/facts"), ("get", "/api/v1/facts/{entry}")]
PATHS = ["/api/v1/facts/{entry}"]  # GET /api/v1/facts shares its path with test_facts.py's POST
DESCRIBED = {(m, p, s) for m, p in ROUTES for s in DOC["paths"][p][m]["responses"]}
SEEN = set()

ME = "341222199202020229"      # hukou in Anhui, living in 秀洲区
NANHU = "330402199001010019"   # registered in 南湖区
XIHU = "330106198804040047"    # registered in 西湖区
PEOPLE = [
    {"id_number": ME, "name": "李四",
     "hukou": {"division": "341222", "household": "family", "head": True},
     "residence": [{"division": "330411", "urban": True, "from": "2021-03-01"}]},
    {"id_number": NANHU, "name": "王小红",
     "hukou": {"division": "330402", "household": "family", "head": True}},
    {"id_number": XIHU, "name": "张小明",
     "hukou": {"division": "330106", "household": "family", "head": True}},
]
LEASE = {"division": "330411", "urban": True, "kind": "rented", "from": "2021-03-01"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "correct horse battery staple"
ACCOUNTS = {"me": ("resident", None, ME), "nanhu_resident": ("resident", None, NANHU),
            "xihu_resident": ("resident", None, XIHU),
            "xiuzhou": ("officer", "330411", None), "jiaxing": ("supervisor", "330400", None),
            "xihu": ("officer", "330106", None), "analyst": ("analyst", None, None)}
LIST = "/api/v1/facts"
ENTRY = "/api/v1/facts/{entry}"


def run(cmd, stdin=None):
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    assert r.returncode == 0, (cmd, r.stderr)
    return r.stdout


def with_check(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * k for c, k in zip(first17, w)) % 11]


class World:
    def __init__(self, tmp):
        for p in PEOPLE:
            p["id_number"] = with_check(p["id_number"][:17])
        self.db = str(tmp / "r.db")
        run([BIN, "init", "--db", self.db])
        people = tmp / "people.jsonl"
        people.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in PEOPLE))
        run([BIN, "import", "--db", self.db, str(people)])
        for name, (role, juris, idn) in ACCOUNTS.items():
            cmd = [BIN, "user", "add", "--db", self.db, name, "--role", role, "--password-stdin"]
            if juris:
                cmd += ["--jurisdiction", juris]
            if idn:
                cmd += ["--id-number", with_check(idn[:17])]
            run(cmd, PASSWORD + "\n")
        (tmp / "srv").mkdir()
        self.server = Server(tmp / "srv", "--rate", "0", db=self.db)
        self.tokens = {}

    def call(self, who, method, path, body=None, headers=None):
        if who and who not in self.tokens:
            r = self.server.client.post("/api/v1/sessions", {"name": who, "password": PASSWORD})
            assert r.status == 201, r.body[:300]
            self.tokens[who] = r.json()["token"]
        h = {"Authorization": "Bearer " + self.tokens[who]} if who else {}
        r = self.server.client.request(method, path, body=body, headers={**h, **(headers or {})})
        route = path.split("?")[0]
        if route.startswith("/api/v1/facts/"):
            route = ENTRY
        key = (method.lower(), route, str(r.status))
        if (key[0], key[1]) in ROUTES:
            assert key in DESCRIBED, f"{key} is not described: {r.body[:300]}"
            media = DOC["paths"][route][key[0]]["responses"][key[2]]["content"]
            problems = schema.check(DOC, media["application/json"]["schema"], r.json())
            assert not problems, problems[:10]
            if r.status < 300:
                assert r.headers.get("cache-control") == "no-store"
            SEEN.add(key)
        return r


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = World(tmp_path_factory.mktemp("facts_waiting"))
    yield w
    w.server.stop()


def me():
    return PEOPLE[0]["id_number"]


def entries(r):
    assert r.status == 200, r.body[:300]
    return [e["entry"] for e in r.json()["entries"]]


def field(r):
    return r.json()["error"]["field"]


def test_1_declarations_wait_in_their_jurisdiction(world):
    declare = "/api/v1/persons/me/facts"
    assert world.call("me", "POST", declare, {"kind": "housing", "fact": LEASE}).status == 201
    up = world.call("me", "POST", "/api/v1/persons/me/facts/1/materials", PDF,
                    {"Content-Type": "application/pdf",
                     "X-Filename": urllib.parse.quote("租赁合同.pdf", safe="")})
    assert up.status == 201, up.body[:300]
    edu = {"kind": "education", "fact": {"education": "bachelor"}}
    assert world.call("nanhu_resident", "POST", declare, edu).status == 201
    assert world.call("xihu_resident", "POST", declare, edu).status == 201

    r = world.call("xiuzhou", "GET", LIST)
    assert entries(r) == [1] and r.json()["next"] is None
    (e,) = r.json()["entries"]
    assert e["kind"] == "housing" and e["fact"]["kind"] == "rented" and e["materials"] == 1
    assert e["person"] == {"id_masked": me()[:6] + "********" + me()[14:], "name": "李四"}
    assert me() not in r.body.decode()
    assert entries(world.call("jiaxing", "GET", LIST + "?state=declared")) == [1, 2]
    assert entries(world.call("jiaxing", "GET", LIST + "?area=330402")) == [2]
    assert entries(world.call("jiaxing", "GET", LIST + "?kind=education")) == [2]
    assert entries(world.call("xihu", "GET", LIST)) == [3]
    page = world.call("jiaxing", "GET", LIST + "?limit=1")
    assert entries(page) == [1] and page.json()["next"] == 1
    page = world.call("jiaxing", "GET", LIST + "?limit=1&after=1")
    assert entries(page) == [2] and page.json()["next"] == 2
    page = world.call("jiaxing", "GET", LIST + "?limit=1&after=2")
    assert entries(page) == [] and page.json()["next"] is None


@pytest.mark.parametrize("query,name", [
    ("state=verified", "state"), ("area=33040", "area"), ("area=339999", "area"),
    ("kind=salary", "kind"), ("limit=0", "limit"), ("limit=101", "limit"), ("limit=x", "limit"),
    ("after=0", "after"), ("after=-1", "after"), ("after=1x", "after"), ("page=2", "query.page"),
])
def test_2_bad_parameters_are_named(world, query, name):
    r = world.call("jiaxing", "GET", LIST + "?" + query)
    assert r.status == 400 and field(r) == name, r.body[:300]


def test_3_refusals(world):
    r = world.call("jiaxing", "GET", LIST + "?area=330106")
    assert r.status == 403 and field(r) == "area"
    assert world.call("me", "GET", LIST).status == 403
    assert world.call("analyst", "GET", LIST).status == 403
    assert world.call("me", "GET", "/api/v1/facts/1").status == 403
    assert world.call(None, "GET", LIST).status == 401


def test_4_one_entry_for_its_officer(world):
    r = world.call("xiuzhou", "GET", "/api/v1/facts/1")
    assert r.status == 200, r.body[:300]
    e = r.json()
    assert e["person"]["id_number"] == me() and e["person"]["name"] == "李四"
    assert (e["entry"], e["source"], e["in_force"], e["materials"]) == (1, "declared", True, 1)
    assert e["fact"] == LEASE
    # Another county's officer, or no such entry: the same 404.
    for who, path in (("xihu", "/api/v1/facts/1"), ("xiuzhou", "/api/v1/facts/3"),
                      ("xiuzhou", "/api/v1/facts/999")):
        r = world.call(who, "GET", path)
        assert r.status == 404 and field(r) == "entry", r.body[:300]
    for path in ("/api/v1/facts/x", "/api/v1/facts/0", "/api/v1/facts/1?full=1"):
        assert world.call("xiuzhou", "GET", path).status == 400


def test_5_verified_entries_leave_the_list(world):
    r = world.call("xiuzhou", "POST", f"/api/v1/persons/{me()}/facts/1/verify")
    assert r.status == 201 and r.json()["supersedes"] == 1
    assert entries(world.call("xiuzhou", "GET", LIST)) == []
    assert entries(world.call("jiaxing", "GET", LIST)) == [2]
    e = world.call("xiuzhou", "GET", "/api/v1/facts/1").json()
    assert e["in_force"] is False and e["superseded_by"] == 4


def test_6_every_described_response_was_produced(world):
    missing = sorted(k for k in DESCRIBED - SEEN if k[2] != "401")
    assert not missing, "\n".join(map(str, missing))


def test_7_reads_are_logged(world):
    world.server.stop()
    out = run([BIN, "audit", "access", "--person", me(), "--db", world.db])
    reads = [json.loads(line) for line in out.splitlines() if line.strip()]
    by = {(r["actor"], r["endpoint"]) for r in reads}
    assert ("officer:xiuzhou", "GET /api/v1/facts") in by  # the list shows the person, masked
    assert ("officer:xiuzhou", "GET /api/v1/facts/{entry}") in by
    assert me() not in out
