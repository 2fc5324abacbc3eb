"""The officer's workbench routes (issue 10) through the real server: search of persons and
households and the residence list only inside the caller's jurisdiction, masked numbers (never
a full one in an answer), paging that continues where it stopped, each person shown logged as
read and each search logged with what was searched (ID numbers masked); the queue's counts."""
import json
import time

from conftest import DB, hukou, sample_ids

IDS = sample_ids()
ZHANG = IDS[0]   # 张三: hukou 341222, active residence registration in 330411
WANG = IDS[3]    # 王小妹: hukou 330106


def persons(client, body):
    r = client.post("/api/v1/persons/search", body)
    assert r.status == 200, r.body[:300]
    assert r.headers.get("cache-control") == "no-store"
    return r


def masked(doc):
    return [p["id_masked"] for p in doc["persons"]]


def mask(idn):
    return idn[:6] + "*" * 8 + idn[14:]


def test_search_stays_in_the_jurisdiction(accounts):
    r = persons(accounts["officer_in"], {"name": "张三"})
    assert masked(r.json()) == [mask(ZHANG)]
    assert r.json()["persons"][0]["residence"]["division"] == "330411"
    assert ZHANG.encode() not in r.body
    # 西湖区 does not see him, by name or by number: an empty answer, like no match.
    assert masked(persons(accounts["officer_out"], {"name": "张三"}).json()) == []
    assert masked(persons(accounts["officer_out"], {"id_number": ZHANG}).json()) == []
    # Its own, by number (in the body) and by a fragment of the name.
    assert masked(persons(accounts["officer_out"], {"id_number": WANG}).json()) == [mask(WANG)]
    assert masked(persons(accounts["officer_out"], {"name": "小妹"}).json()) == [mask(WANG)]
    # An area outside the jurisdiction is refused, naming it.
    r = accounts["officer_out"].post("/api/v1/persons/search", {"name": "张三", "area": "330411"})
    assert r.status == 403 and r.error()["field"] == "area"


def test_bad_searches_name_the_field(accounts):
    officer = accounts["officer_out"]
    for body, field in (({"name": "王"}, "name"), ({"address": "西湖"}, "address"),
                        ({"id_number": "12345"}, "id_number"), ({}, "body"),
                        ({"name": "王小妹", "limit": 500}, "limit"), ({"nme": "王小妹"}, "nme")):
        r = officer.post("/api/v1/persons/search", body)
        assert r.status == 400, (body, r.body)
        assert r.error()["field"] == field, (body, r.error())
        assert b"12345" not in r.body


def test_households_search(accounts):
    r = accounts["officer_out"].post("/api/v1/households/search", {"number": "330106-C"})
    assert r.status == 200, r.body
    hits = r.json()["households"]
    assert [(h["number"], h["division_name"], h["members"]) for h in hits] == \
        [("330106-C-0001", "西湖区", 2)]
    r = accounts["officer_in"].post("/api/v1/households/search", {"number": "330106-C"})
    assert r.json() == {"households": [], "next": None}


def test_residence_list_pages(accounts):
    officer = accounts["officer_in"]
    r = officer.get("/api/v1/residence?limit=1")
    assert r.status == 200, r.body
    first = r.json()
    assert len(first["registrations"]) == 1 and first["next"]
    seen = [first["registrations"][0]["id_masked"]]
    after = first["next"]
    while after:
        page = officer.get("/api/v1/residence?limit=1&after=" + after).json()
        seen += [g["id_masked"] for g in page["registrations"]]
        after = page["next"]
    whole = officer.get("/api/v1/residence").json()["registrations"]
    assert seen == [g["id_masked"] for g in whole]
    assert all(g["division"] == "330411" and "*" in g["id_masked"] for g in whole)
    active = officer.get("/api/v1/residence?active=true").json()["registrations"]
    assert active and all(g["active"] and g["to"] is None for g in active)
    assert officer.get("/api/v1/residence?after=x").error()["field"] == "after"


def test_queue_counts_and_page_shape(accounts):
    r = accounts["officer_in"].get("/api/v1/applications/counts")
    assert r.status == 200, r.body
    c = r.json()
    assert c["area"] == "330411" and c["scope"] == "decided"
    assert set(c["by_state"]) == {"submitted", "accepted", "material_requested", "approved",
                                  "rejected", "completed"}
    assert c["total"] == sum(c["by_state"].values())
    r = accounts["officer_in"].get("/api/v1/applications?state=open&kind=permit&limit=5")
    assert r.status == 200 and set(r.json()) == {"applications", "next"}
    r = accounts["officer_in"].get("/api/v1/applications?state=opened")
    assert r.status == 400 and r.error()["field"] == "state"


def access(*args, want=0, timeout=10):
    """hukou audit access ..., waiting for the log writer (every 0.1 s) to reach `want` rows."""
    deadline = time.time() + timeout
    while True:
        code, out, err = hukou("audit", "access", *args, "--db", DB)
        assert code == 0, err
        rows = [json.loads(line) for line in out.splitlines()]
        if len(rows) >= want or time.time() > deadline:
            return rows, out


def settled(*args):
    """The access log as it stands once the writer has written what earlier tests queued (it
    appends in batches every 0.1 s): two reads 0.3 s apart that agree."""
    rows, _ = access(*args)
    for _ in range(30):
        time.sleep(0.3)
        again, _ = access(*args)
        if again == rows:
            break
        rows = again
    return rows


def test_searches_and_the_persons_shown_are_logged(accounts):
    before_reads = settled("--person", WANG)
    before_searches = settled("--searches")
    officer = accounts["officer_out"]
    assert masked(persons(officer, {"id_number": WANG, "name": "王小"}).json()) == [mask(WANG)]
    reads, _ = access("--person", WANG, want=len(before_reads) + 1)
    new = reads[len(before_reads):]
    assert [(e["actor"], e["endpoint"]) for e in new] == \
        [("officer:officer_out", "POST /api/v1/persons/search")]
    searches, out = access("--searches", want=len(before_searches) + 1)
    last = searches[-1]
    assert last["actor"] == "officer:officer_out"
    assert last["endpoint"] == "POST /api/v1/persons/search"
    assert mask(WANG) in last["person"] and "name=王小" in last["person"]
    assert WANG not in out
    # A refused search reads nothing and logs nothing.
    assert accounts["analyst"].post("/api/v1/persons/search", {"id_number": WANG}).status == 403
    time.sleep(0.3)
    assert len(access("--person", WANG)[0]) == len(reads)
    code, out, err = hukou("audit", "verify", "--db", DB)
    assert code == 0 and json.loads(out)["valid"], out + err
