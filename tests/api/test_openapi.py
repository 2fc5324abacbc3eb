"""docs/openapi.json against the real server: the document served is the file; every route of
the router (src/http/router.c) is described and every described route exists; every described
response is produced by a request below and its body matches the response's schema."""
import concurrent.futures
import json
import os
import re
import shutil

import pytest

import schema
import test_materials
import test_facts
import test_facts_waiting
import test_fact_materials
import test_services
import test_certificates
from conftest import DB, PASSWORD, SOURCE, sample_ids

DOC = json.load(open(os.path.join(SOURCE, "docs", "openapi.json")))
EXAMPLE = json.load(open(os.path.join(SOURCE, "tests", "policy", "cases",
                                      "000-residence-anniversary-day-met.json")))["situation"]
PID = sample_ids()[0]
OTHER = sample_ids()[1]  # not the resident account's own


def with_check(first17):
    """GB 11643's ISO 7064 MOD 11-2 check character appended."""
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * k for c, k in zip(first17, w)) % 11]


UNKNOWN = with_check("11010119900307777")  # valid, not in the sample registry

# A declared body of 2 MB of which nothing is sent: the answer must come without it.
BIG = (b"POST /api/v1/eligibility HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
       b"Content-Length: 2000000\r\n\r\n")

# A request that produces each described response: (method, path template, status) ->
# (which server or caller, method, path, body, headers, times). "main" is the server api.sh
# started (no rate limit), asked anonymously; "staff", "admin", "resident", "analyst", "key"
# (a department key for permit-valid) and "fresh" (a session of its own, to end) ask it signed
# in; the others are servers started here.
RECIPES = {
    ("get", "/healthz", "200"): ("main", "GET", "/healthz", None, None, 1),
    ("get", "/healthz", "503"): ("broken", "GET", "/healthz", None, None, 1),
    ("get", "/metrics", "200"): ("main", "GET", "/metrics", None, None, 1),
    ("get", "/api/v1/openapi.json", "200"): ("main", "GET", "/api/v1/openapi.json", None, None, 1),
    ("post", "/api/v1/eligibility", "200"): ("main", "POST", "/api/v1/eligibility", EXAMPLE, None, 1),
    ("post", "/api/v1/eligibility", "400"): ("main", "POST", "/api/v1/eligibility", "{", {"Content-Type": "application/json"}, 1),
    ("post", "/api/v1/eligibility", "404"): ("main", "POST", "/api/v1/eligibility/x", EXAMPLE, None, 1),
    ("post", "/api/v1/eligibility", "405"): ("main", "GET", "/api/v1/eligibility", None, None, 1),
    ("post", "/api/v1/eligibility", "413"): ("main", "RAW", "", BIG, None, 1),
    ("post", "/api/v1/eligibility", "429"): ("limited", "POST", "/api/v1/eligibility", EXAMPLE, None, 3),
    ("get", "/api/v1/persons/{id}", "200"): ("staff", "GET", f"/api/v1/persons/{PID}", None, None, 1),
    ("get", "/api/v1/persons/{id}", "400"): ("staff", "GET", "/api/v1/persons/12345", None, None, 1),
    ("get", "/api/v1/persons/{id}", "403"): ("resident", "GET", f"/api/v1/persons/{OTHER}", None, None, 1),
    ("get", "/api/v1/persons/{id}", "401"): ("closed", "GET", f"/api/v1/persons/{PID}", None, None, 1),
    ("get", "/api/v1/persons/{id}", "404"): ("staff", "GET", f"/api/v1/persons/{UNKNOWN}", None, None, 1),
    ("get", "/api/v1/persons/{id}/eligibility", "200"): ("staff", "GET", f"/api/v1/persons/{PID}/eligibility?target=330411&as_of=2024-06-01", None, None, 1),
    ("get", "/api/v1/persons/{id}/eligibility", "400"): ("staff", "GET", f"/api/v1/persons/{PID}/eligibility?target=33041", None, None, 1),
    ("get", "/api/v1/persons/{id}/eligibility", "403"): ("analyst", "GET", f"/api/v1/persons/{PID}/eligibility?target=330411", None, None, 1),
    ("get", "/api/v1/persons/{id}/eligibility", "401"): ("closed", "GET", f"/api/v1/persons/{PID}/eligibility?target=330411", None, None, 1),
    ("get", "/api/v1/persons/{id}/eligibility", "404"): ("staff", "GET", f"/api/v1/persons/{UNKNOWN}/eligibility?target=330411", None, None, 1),
    ("get", "/api/v1/divisions/{code}", "200"): ("main", "GET", "/api/v1/divisions/330106", None, None, 1),
    ("get", "/api/v1/divisions/{code}", "400"): ("main", "GET", "/api/v1/divisions/33010", None, None, 1),
    ("get", "/api/v1/divisions/{code}", "404"): ("main", "GET", "/api/v1/divisions/339999", None, None, 1),
    ("get", "/api/v1/policies/{division}", "200"): ("main", "GET", "/api/v1/policies/330100?as_of=2024-06-01", None, None, 1),
    ("get", "/api/v1/policies/{division}", "400"): ("main", "GET", "/api/v1/policies/330100?as_of=2024-02-30", None, None, 1),
    ("get", "/api/v1/policies/{division}", "404"): ("main", "GET", "/api/v1/policies/320500", None, None, 1),
    ("get", "/api/v1/statistics", "200"): ("analyst", "GET", "/api/v1/statistics?area=330100", None, None, 1),
    ("get", "/api/v1/statistics", "400"): ("analyst", "GET", "/api/v1/statistics?area=110000", None, None, 1),
    ("get", "/api/v1/statistics", "401"): ("main", "GET", "/api/v1/statistics", None, None, 1),
    ("get", "/api/v1/statistics", "403"): ("resident", "GET", "/api/v1/statistics", None, None, 1),
    ("post", "/api/v1/sessions", "201"): ("main", "POST", "/api/v1/sessions", {"name": "analyst", "password": PASSWORD}, None, 1),
    ("post", "/api/v1/sessions", "400"): ("main", "POST", "/api/v1/sessions", {"name": "analyst"}, None, 1),
    ("post", "/api/v1/sessions", "401"): ("main", "POST", "/api/v1/sessions", {"name": "analyst", "password": "wrong password"}, None, 1),
    ("post", "/api/v1/sessions", "429"): ("limited", "POST", "/api/v1/sessions", {"name": "analyst", "password": "x"}, None, 3),
    ("post", "/api/v1/sessions", "403"): ("main", "POST", "/api/v1/sessions", {"name": "analyst", "password": PASSWORD, "cookie": True}, {"Origin": "http://evil.example"}, 1),
    ("get", "/api/v1/sessions/current", "200"): ("resident", "GET", "/api/v1/sessions/current", None, None, 1),
    ("get", "/api/v1/sessions/current", "401"): ("main", "GET", "/api/v1/sessions/current", None, None, 1),
    ("get", "/api/v1/sessions/current", "403"): ("key", "GET", "/api/v1/sessions/current", None, None, 1),
    ("delete", "/api/v1/sessions/current", "204"): ("fresh", "DELETE", "/api/v1/sessions/current", None, None, 1),
    ("delete", "/api/v1/sessions/current", "401"): ("main", "DELETE", "/api/v1/sessions/current", None, None, 1),
    ("delete", "/api/v1/sessions/current", "403"): ("key", "DELETE", "/api/v1/sessions/current", None, None, 1),
    ("get", "/api/v1/users", "200"): ("admin", "GET", "/api/v1/users", None, None, 1),
    ("get", "/api/v1/users", "401"): ("main", "GET", "/api/v1/users", None, None, 1),
    ("get", "/api/v1/users", "403"): ("staff", "GET", "/api/v1/users", None, None, 1),
    ("post", "/api/v1/users", "201"): ("admin", "POST", "/api/v1/users", {"name": "made_by_openapi", "role": "analyst", "password": PASSWORD}, None, 1),
    ("post", "/api/v1/users", "400"): ("admin", "POST", "/api/v1/users", {"name": "x", "role": "officer", "password": PASSWORD}, None, 1),
    ("post", "/api/v1/users", "401"): ("main", "POST", "/api/v1/users", {"name": "x", "role": "analyst", "password": PASSWORD}, None, 1),
    ("post", "/api/v1/users", "403"): ("staff", "POST", "/api/v1/users", {"name": "x", "role": "analyst", "password": PASSWORD}, None, 1),
    ("post", "/api/v1/users", "409"): ("admin", "POST", "/api/v1/users", {"name": "root", "role": "analyst", "password": PASSWORD}, None, 1),
    ("post", "/api/v1/users/{name}/disable", "200"): ("disposable", "POST", "/api/v1/users/disposable_openapi/disable", None, None, 1),
    ("post", "/api/v1/users/{name}/disable", "401"): ("main", "POST", "/api/v1/users/root/disable", None, None, 1),
    ("post", "/api/v1/users/{name}/disable", "403"): ("staff", "POST", "/api/v1/users/root/disable", None, None, 1),
    ("post", "/api/v1/users/{name}/disable", "404"): ("admin", "POST", "/api/v1/users/nobody_here/disable", None, None, 1),
    # Issue 16: an account's life after creation, and department keys.
    ("patch", "/api/v1/users/{name}", "200"): ("disposable", "PATCH", "/api/v1/users/disposable_openapi", {"role": "officer", "jurisdiction": "330411"}, None, 1),
    ("patch", "/api/v1/users/{name}", "400"): ("admin", "PATCH", "/api/v1/users/analyst", {"jurisdiction": "110101"}, None, 1),
    ("patch", "/api/v1/users/{name}", "401"): ("main", "PATCH", "/api/v1/users/analyst", {"role": "analyst"}, None, 1),
    ("patch", "/api/v1/users/{name}", "403"): ("staff", "PATCH", "/api/v1/users/analyst", {"role": "analyst"}, None, 1),
    ("patch", "/api/v1/users/{name}", "404"): ("admin", "PATCH", "/api/v1/users/nobody_here", {"role": "analyst"}, None, 1),
    ("post", "/api/v1/users/{name}/enable", "200"): ("disposable", "POST", "/api/v1/users/disposable_openapi/enable", None, None, 1),
    ("post", "/api/v1/users/{name}/enable", "401"): ("main", "POST", "/api/v1/users/root/enable", None, None, 1),
    ("post", "/api/v1/users/{name}/enable", "403"): ("staff", "POST", "/api/v1/users/root/enable", None, None, 1),
    ("post", "/api/v1/users/{name}/enable", "404"): ("admin", "POST", "/api/v1/users/nobody_here/enable", None, None, 1),
    ("post", "/api/v1/users/{name}/password", "200"): ("disposable", "POST", "/api/v1/users/disposable_openapi/password", {"password": PASSWORD}, None, 1),
    ("post", "/api/v1/users/{name}/password", "400"): ("admin", "POST", "/api/v1/users/analyst/password", {"password": "short"}, None, 1),
    ("post", "/api/v1/users/{name}/password", "401"): ("main", "POST", "/api/v1/users/analyst/password", {"password": PASSWORD}, None, 1),
    ("post", "/api/v1/users/{name}/password", "403"): ("staff", "POST", "/api/v1/users/analyst/password", {"password": PASSWORD}, None, 1),
    ("post", "/api/v1/users/{name}/password", "404"): ("admin", "POST", "/api/v1/users/nobody_here/password", {"password": PASSWORD}, None, 1),
    ("post", "/api/v1/sessions/current/password", "200"): ("self", "POST", "/api/v1/sessions/current/password", {"current_password": PASSWORD, "password": PASSWORD + " new"}, None, 1),
    ("post", "/api/v1/sessions/current/password", "400"): ("fresh", "POST", "/api/v1/sessions/current/password", {"current_password": "not the password", "password": PASSWORD + " new"}, None, 1),
    ("post", "/api/v1/sessions/current/password", "401"): ("main", "POST", "/api/v1/sessions/current/password", {"current_password": PASSWORD, "password": PASSWORD + " new"}, None, 1),
    ("post", "/api/v1/sessions/current/password", "403"): ("key", "POST", "/api/v1/sessions/current/password", {"current_password": PASSWORD, "password": PASSWORD + " new"}, None, 1),
    ("get", "/api/v1/keys", "200"): ("admin", "GET", "/api/v1/keys", None, None, 1),
    ("get", "/api/v1/keys", "401"): ("main", "GET", "/api/v1/keys", None, None, 1),
    ("get", "/api/v1/keys", "403"): ("staff", "GET", "/api/v1/keys", None, None, 1),
    ("post", "/api/v1/keys", "201"): ("admin", "POST", "/api/v1/keys", {"department": "housing", "questions": ["permit-valid"], "facts": ["housing"]}, None, 1),
    ("post", "/api/v1/keys", "400"): ("admin", "POST", "/api/v1/keys", {"department": "housing", "facts": ["talent"]}, None, 1),
    ("post", "/api/v1/keys", "401"): ("main", "POST", "/api/v1/keys", {"department": "housing", "facts": ["housing"]}, None, 1),
    ("post", "/api/v1/keys", "403"): ("staff", "POST", "/api/v1/keys", {"department": "housing", "facts": ["housing"]}, None, 1),
    ("post", "/api/v1/keys/{id}/revoke", "200"): ("newkey", "POST", "/api/v1/keys/{new}/revoke", None, None, 1),
    ("post", "/api/v1/keys/{id}/revoke", "400"): ("admin", "POST", "/api/v1/keys/one/revoke", None, None, 1),
    ("post", "/api/v1/keys/{id}/revoke", "401"): ("main", "POST", "/api/v1/keys/1/revoke", None, None, 1),
    ("post", "/api/v1/keys/{id}/revoke", "403"): ("staff", "POST", "/api/v1/keys/1/revoke", None, None, 1),
    ("post", "/api/v1/keys/{id}/revoke", "404"): ("admin", "POST", "/api/v1/keys/99999/revoke", None, None, 1),
    ("get", "/api/v1/questions/{question}", "200"): ("key", "GET", f"/api/v1/questions/permit-valid?id_number={PID}&city=330400&date=2024-06-01", None, None, 1),
    ("get", "/api/v1/questions/{question}", "400"): ("key", "GET", f"/api/v1/questions/permit-valid?id_number={PID}&city=330400", None, None, 1),
    ("get", "/api/v1/questions/{question}", "401"): ("main", "GET", f"/api/v1/questions/permit-valid?id_number={PID}&city=330400&date=2024-06-01", None, None, 1),
    ("get", "/api/v1/questions/{question}", "403"): ("key", "GET", f"/api/v1/questions/hukou-registered?id_number={PID}&division=341222", None, None, 1),
    ("get", "/api/v1/questions/{question}", "404"): ("key", "GET", f"/api/v1/questions/salary?id_number={PID}", None, None, 1),
    # The workbench (issue 10): the province supervisor ("staff") inside Zhejiang.
    ("get", "/api/v1/applications/counts", "200"): ("staff", "GET", "/api/v1/applications/counts?area=330400", None, None, 1),
    ("get", "/api/v1/applications/counts", "400"): ("staff", "GET", "/api/v1/applications/counts?scope=all", None, None, 1),
    ("get", "/api/v1/applications/counts", "401"): ("main", "GET", "/api/v1/applications/counts", None, None, 1),
    ("get", "/api/v1/applications/counts", "403"): ("resident", "GET", "/api/v1/applications/counts", None, None, 1),
    ("post", "/api/v1/persons/search", "200"): ("staff", "POST", "/api/v1/persons/search", {"name": "张三"}, None, 1),
    ("post", "/api/v1/persons/search", "400"): ("staff", "POST", "/api/v1/persons/search", {"name": "张"}, None, 1),
    ("post", "/api/v1/persons/search", "401"): ("main", "POST", "/api/v1/persons/search", {"name": "张三"}, None, 1),
    ("post", "/api/v1/persons/search", "403"): ("analyst", "POST", "/api/v1/persons/search", {"name": "张三"}, None, 1),
    ("post", "/api/v1/households/search", "200"): ("staff", "POST", "/api/v1/households/search", {"number": "330106"}, None, 1),
    ("post", "/api/v1/households/search", "400"): ("staff", "POST", "/api/v1/households/search", {"head": "张"}, None, 1),
    ("post", "/api/v1/households/search", "401"): ("main", "POST", "/api/v1/households/search", {"number": "330106"}, None, 1),
    ("post", "/api/v1/households/search", "403"): ("resident", "POST", "/api/v1/households/search", {"number": "330106"}, None, 1),
    ("get", "/api/v1/residence", "200"): ("staff", "GET", "/api/v1/residence?area=330400", None, None, 1),
    ("get", "/api/v1/residence", "400"): ("staff", "GET", "/api/v1/residence?active=yes", None, None, 1),
    ("get", "/api/v1/residence", "401"): ("main", "GET", "/api/v1/residence", None, None, 1),
    ("get", "/api/v1/residence", "403"): ("resident", "GET", "/api/v1/residence", None, None, 1),
    # The officer's worklist of declarations (issue 10/11); its entries and the entry route on a
    # registry with declarations: test_facts_waiting.py.
    ("get", "/api/v1/facts", "200"): ("staff", "GET", "/api/v1/facts?state=declared&area=330400", None, None, 1),
    ("get", "/api/v1/facts", "400"): ("staff", "GET", "/api/v1/facts?kind=salary", None, None, 1),
    ("get", "/api/v1/facts", "403"): ("resident", "GET", "/api/v1/facts", None, None, 1),
    # Activation codes (issue 16): PID has the resident account, so a code for it is 409; the
    # 201 and the redemptions are for persons no other test here makes an account for.
    ("post", "/api/v1/persons/{id}/activation-code", "201"): ("staff", "POST", f"/api/v1/persons/{OTHER}/activation-code", None, None, 1),
    ("post", "/api/v1/persons/{id}/activation-code", "400"): ("staff", "POST", "/api/v1/persons/12345/activation-code", None, None, 1),
    ("post", "/api/v1/persons/{id}/activation-code", "401"): ("closed", "POST", f"/api/v1/persons/{PID}/activation-code", None, None, 1),
    ("post", "/api/v1/persons/{id}/activation-code", "403"): ("analyst", "POST", f"/api/v1/persons/{PID}/activation-code", None, None, 1),
    ("post", "/api/v1/persons/{id}/activation-code", "404"): ("staff", "POST", f"/api/v1/persons/{UNKNOWN}/activation-code", None, None, 1),
    ("post", "/api/v1/persons/{id}/activation-code", "409"): ("staff", "POST", f"/api/v1/persons/{PID}/activation-code", None, None, 1),
    ("post", "/api/v1/activations", "201"): ("activate", "POST", "/api/v1/activations", None, None, 1),
    ("post", "/api/v1/activations", "400"): ("main", "POST", "/api/v1/activations", {"id_number": PID, "code": "AAAA-AAAA-AAAA", "name": "nobody_openapi", "password": PASSWORD}, None, 1),
    ("post", "/api/v1/activations", "409"): ("activate_again", "POST", "/api/v1/activations", None, None, 1),
    ("post", "/api/v1/activations", "429"): ("limited", "POST", "/api/v1/activations", {"id_number": PID, "code": "AAAA-AAAA-AAAA", "name": "nobody_openapi", "password": PASSWORD}, None, 3),
    # Certificates (issue 12): the open routes. api.sh starts the main server with --keys; the
    # "closed" server has none, so what signs or verifies answers 503 there.
    ("get", "/.well-known/hukou-keys.json", "200"): ("main", "GET", "/.well-known/hukou-keys.json", None, None, 1),
    ("get", "/.well-known/hukou-keys.json", "503"): ("closed", "GET", "/.well-known/hukou-keys.json", None, None, 1),
    ("get", "/api/v1/certificates/status", "200"): ("main", "GET", "/api/v1/certificates/status", None, None, 1),
    ("get", "/api/v1/certificates/status", "503"): ("closed", "GET", "/api/v1/certificates/status", None, None, 1),
    ("post", "/api/v1/certificates/verify", "200"): ("main", "POST", "/api/v1/certificates/verify", {"qr": "HKC1:NOT A CERTIFICATE"}, None, 1),
    ("post", "/api/v1/certificates/verify", "400"): ("main", "POST", "/api/v1/certificates/verify", {"qr": ""}, None, 1),
    ("post", "/api/v1/certificates/verify", "413"): ("main", "POST", "/api/v1/certificates/verify", {"qr": "x" * 9000}, None, 1),
    ("post", "/api/v1/certificates/verify", "429"): ("limited", "POST", "/api/v1/certificates/verify", {"qr": "HKC1:X"}, None, 3),
    ("post", "/api/v1/certificates/verify", "503"): ("closed", "POST", "/api/v1/certificates/verify", {"qr": "HKC1:X"}, None, 1),
}

# The services' routes need accounts: without a session they are 401 here; every other response
# they describe is produced and checked by test_services.py.
SERVICE_PATHS = (test_services.PATHS + test_materials.PATHS + test_facts.PATHS +
                 test_fact_materials.PATHS + test_facts_waiting.PATHS + test_certificates.PATHS)
for _path in SERVICE_PATHS:
    for _m in DOC["paths"].get(_path, {}):
        _url = _path.replace("{id}", "1" if "applications" in _path else PID)
        _url = _url.replace("{number}", "330402-000001").replace("{mid}", "1")
        _url = _url.replace("{entry}", "1").replace("{cid}", "HK-0")
        RECIPES[(_m, _path, "401")] = ("main", _m.upper(), _url, None, None, 1)
SERVICES = {(m, p, s) for p in SERVICE_PATHS
            for m, op in DOC["paths"].get(p, {}).items() for s in op["responses"] if s != "401"
            if (m, p) != ("get", "/api/v1/facts")}

DESCRIBED = [(m, p, s) for p, ops in DOC["paths"].items() for m, op in ops.items()
             for s in op["responses"] if (m, p, s) not in SERVICES]


def router_routes():
    text = open(os.path.join(SOURCE, "src", "http", "router.c")).read()
    return set(re.findall(r'\{"([A-Z]+)", "(/[^"]*)", hk_h_', text))


def test_every_router_route_is_described_and_nothing_more():
    described = {(m.upper(), p) for p, ops in DOC["paths"].items() for m in ops}
    assert router_routes() == described


def test_every_described_response_has_a_request_here():
    assert set(RECIPES) == set(DESCRIBED)


def test_served_document_is_the_file(api):
    r = api.get("/api/v1/openapi.json")
    assert r.status == 200 and r.json() == DOC


@pytest.fixture(scope="module")
def servers(api, tmp_path_factory):
    """The extra servers the recipes need, started once for the module."""
    from conftest import Server
    tmp = tmp_path_factory.mktemp("openapi")
    made = {"main": None}
    for name, args in (("closed", ["--rate", "0"]), ("limited", ["--rate", "1", "--burst", "1"])):
        d = tmp / name
        d.mkdir()
        made[name] = Server(d, *args)
    # A registry that disappears before a worker first opens it: /healthz must say 503.
    d = tmp / "broken"
    d.mkdir()
    shutil.copy(DB, d / "r.db")
    made["broken"] = Server(d, "--threads", "1", db=str(d / "r.db"))
    os.rename(d / "r.db", d / "gone.db")
    yield made
    for s in made.values():
        if s:
            s.stop()


@pytest.mark.parametrize("key", DESCRIBED, ids=["%s %s %s" % k for k in DESCRIBED])
def test_response_matches_schema(api, accounts, servers, key):
    method, path, status = key
    where, m, url, body, headers, times = RECIPES[key]
    callers = {"main": api, "staff": accounts["supervisor"], "admin": accounts["root"],
               "resident": accounts["resident"], "analyst": accounts["analyst"],
               "key": accounts.permit_key}
    if where == "fresh":
        client = api.login("analyst", PASSWORD)
    elif where == "disposable":
        client = accounts["root"]
        made = client.post("/api/v1/users", {"name": "disposable_openapi", "role": "analyst",
                                             "password": PASSWORD})
        assert made.status in (201, 409), made.body  # several recipes share it
    elif where == "self":
        # Its own password changed, then reset, so the recipe can run again.
        made = accounts["root"].post("/api/v1/users", {"name": "self_openapi", "role": "analyst",
                                                       "password": PASSWORD})
        assert made.status in (201, 409), made.body
        assert accounts["root"].post("/api/v1/users/self_openapi/password",
                                     {"password": PASSWORD}).status == 200
        client = api.login("self_openapi", PASSWORD)
    elif where in ("activate", "activate_again"):
        # A code issued now for a person without an account; "activate_again" then has an
        # admin make them one first, so the code meets an account (409).
        who = sample_ids()[1] if where == "activate" else sample_ids()[4]
        issued = accounts["supervisor"].post(f"/api/v1/persons/{who}/activation-code", None)
        assert issued.status == 201, issued.body
        if where == "activate_again":
            made = accounts["root"].post("/api/v1/users", {"name": "openapi_taken", "role": "resident",
                                                           "id_number": who, "password": PASSWORD})
            assert made.status == 201, made.body
        client = api
        body = {"id_number": who, "code": issued.json()["code"], "name": "openapi_" + where,
                "password": PASSWORD}
    elif where == "newkey":
        client = accounts["root"]
        made = client.post("/api/v1/keys", {"department": "revoked_by_openapi",
                                            "questions": ["permit-valid"]})
        assert made.status == 201, made.body
        url = url.replace("{new}", str(made.json()["id"]))
    else:
        client = callers[where] if where in callers else servers[where].client
    if where == "limited":
        # At once: a sign-in checks its password for longer than the limiter's second on a
        # loaded machine, so requests sent one after another could each find a new token.
        with concurrent.futures.ThreadPoolExecutor(times) as pool:
            got = list(pool.map(lambda _: client.request(m, url, body=body, headers=headers),
                                range(times)))
        r = next((x for x in got if str(x.status) == status), got[-1])
    else:
        for _ in range(times):
            r = client.request(m, url, body=body, headers=headers)
    assert str(r.status) == status, r.body[:300]
    described = DOC["paths"][path][method]["responses"][status]
    for h in described.get("headers", {}):
        assert h.lower() in r.headers, f"header {h} missing"
    if r.status == 401:
        assert r.headers["www-authenticate"].startswith("Bearer")
    if "content" not in described:
        assert r.body == b""
        return
    (ctype, media), = described["content"].items()
    assert r.headers["content-type"].split(";")[0] == ctype
    if ctype == "application/json" or ctype.endswith("+json"):
        value = r.json()
    elif ctype.startswith("text/") or ctype == "image/svg+xml":
        value = r.body.decode()
    else:  # bytes (a signed status list): there, and of the type described
        assert r.body
        return
    problems = schema.check(DOC, media["schema"], value)
    assert not problems, problems[:10]
    for h in described.get("headers", {}):
        assert h.lower() in r.headers, f"header {h} missing"
