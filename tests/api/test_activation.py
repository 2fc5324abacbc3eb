"""Residents make their own accounts with an activation code an officer hands them (issue 16,
docs/http.md "Activation codes"), on a registry and server of this test's own: who may issue
one, the code working once, one answer for every refusal of a code, five wrong codes voiding
it, and the resident then signing in to their own record."""
import json
import re

import pytest

from conftest import BIN, PASSWORD, SOURCE, Server, hukou, sample_ids

IDS = sample_ids()
IN_330411 = IDS[1]    # active residence registration in 330411, no account
IN_330106 = IDS[4]    # hukou in 330106, no account

def with_check(first17):
    """GB 11643's ISO 7064 MOD 11-2 check character appended."""
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * k for c, k in zip(first17, w)) % 11]


UNREGISTERED = with_check("11010119900307777")
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("activation")
    db = str(tmp / "r.db")
    for args in (["init", "--db", db],
                 ["import", "--db", db, f"{SOURCE}/tests/data/registry_sample.jsonl"]):
        code, out, err = hukou(*args)
        assert code == 0, err
    for name, jur in (("wang", "330411"), ("zhao", "330106")):
        code, out, err = hukou("user", "add", name, "--role", "officer", "--jurisdiction", jur,
                               "--db", db, "--password-stdin", stdin=PASSWORD + "\n")
        assert code == 0, err
    code, out, err = hukou("user", "add", "ana", "--role", "analyst", "--db", db,
                           "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    (tmp / "srv").mkdir()
    srv = Server(tmp / "srv", "--rate", "0", db=db)
    c = srv.client
    yield {"db": db, "api": c, "wang": c.login("wang", PASSWORD), "zhao": c.login("zhao", PASSWORD),
           "ana": c.login("ana", PASSWORD), "server": srv}
    srv.stop()


def issue(officer, who):
    r = officer.post(f"/api/v1/persons/{who}/activation-code", None)
    assert r.status == 201, r.body
    body = r.json()
    assert CODE.match(body["code"]) and "*" in body["id_number"]
    assert r.headers.get("cache-control", "").startswith("no-store")
    return body["code"]


def activate(api, who, code, name, password=PASSWORD):
    return api.post("/api/v1/activations", {"id_number": who, "code": code, "name": name,
                                            "password": password})


def refused(r, status, field):
    assert r.status == status, r.body
    e = r.error()
    assert e["field"] == field, e
    return e


def test_officer_issues_and_resident_activates_and_signs_in(site):
    api = site["api"]
    # Who may issue: an officer of the person's county; elsewhere the 404 of an unknown number.
    outside = site["zhao"].post(f"/api/v1/persons/{IN_330411}/activation-code", None)
    unknown = site["zhao"].post(f"/api/v1/persons/{UNREGISTERED}/activation-code", None)
    assert outside.status == unknown.status == 404
    assert outside.json() == unknown.json() or outside.error()["message"] == unknown.error()["message"]
    assert site["ana"].post(f"/api/v1/persons/{IN_330411}/activation-code", None).status == 403
    assert api.post(f"/api/v1/persons/{IN_330411}/activation-code", None).status == 401

    code = issue(site["wang"], IN_330411)
    # Typed as a person would: lower case, spaces.
    r = activate(api, IN_330411, code.lower().replace("-", " "), "li.mei")
    assert r.status == 201, r.body
    assert r.json() == {"name": "li.mei", "role": "resident"}
    me = api.login("li.mei", PASSWORD)
    r = me.get("/api/v1/persons/me")
    assert r.status == 200 and r.json()["id_number"] == IN_330411
    assert me.get(f"/api/v1/persons/{IN_330106}").status == 403
    # Once only; and a person with an account gets no new code.
    refused(activate(api, IN_330411, code, "li.mei.2"), 400, "code")
    refused(site["wang"].post(f"/api/v1/persons/{IN_330411}/activation-code", None), 409,
            "id_number")


def test_every_refusal_of_a_code_is_one_answer_and_five_void_it(site):
    api = site["api"]
    code = issue(site["zhao"], IN_330106)
    wrong = "AAAA-AAAA-AAAA" if code != "AAAA-AAAA-AAAA" else "BBBB-BBBB-BBBB"
    no_code = activate(api, IDS[2], wrong, "someone")          # registered, no code
    unknown = activate(api, UNREGISTERED, wrong, "someone")  # not registered
    answers = [refused(activate(api, IN_330106, wrong, "zhang.san"), 400, "code")
               for _ in range(5)]
    assert refused(no_code, 400, "code") == refused(unknown, 400, "code") == answers[0]
    # The fifth wrong one voided the code: the right one is refused now.
    assert refused(activate(api, IN_330106, code, "zhang.san"), 400, "code") == answers[0]
    # Input refused before any try, naming its field.
    fresh = issue(site["zhao"], IN_330106)
    refused(activate(api, IN_330106, "ABC", "zhang.san"), 400, "code")
    refused(activate(api, IN_330106, fresh, IN_330106), 400, "name")
    refused(activate(api, IN_330106, fresh, "zhang.san", "short"), 400, "password")
    refused(api.post("/api/v1/activations", {"id_number": IN_330106, "code": fresh}), 400, "name")
    refused(api.post("/api/v1/activations", {"id_number": IN_330106, "code": fresh, "name": "x",
                                             "password": PASSWORD, "role": "admin"}), 400, "role")
    assert activate(api, IN_330106, fresh, "zhang.san").status == 201


def test_events_and_logs_hold_no_number_or_code(site):
    code, out, err = hukou("audit", "events", "--db", site["db"], "--json", "--person", IN_330411)
    assert code == 0, err
    kinds = [json.loads(line)["action"] for line in out.splitlines()]
    assert "account.activation_code" in kinds and "account.activate" in kinds
    assert IN_330411 not in out and IN_330106 not in out
    log = site["server"].log()
    assert IN_330411 not in log and IN_330106 not in log


def test_activation_is_rate_limited(tmp_path):
    srv = Server(tmp_path, "--rate", "1", "--burst", "1")
    try:
        got = [activate(srv.client, IN_330106, "AAAA-AAAA-AAAA", "x").status for _ in range(4)]
        assert 429 in got, got
    finally:
        srv.stop()
