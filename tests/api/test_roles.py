"""Who may do what (九): every route of the router with every kind of caller, asserting the exact
status, so nothing leaks. Table-driven: a route added to src/http/router.c needs a row in
MATRIX (test_every_route_has_a_row fails until it has one). Also sign-in and sign-out, and the
tokens that must be refused on every route."""
import os
import re

import pytest

from conftest import PASSWORD, SOURCE, sample_ids, visible_to

IDS = sample_ids()
ME = IDS[0]     # the resident account's own; active residence registration in 330411
OTHER = IDS[3]  # hukou in 330106: officer_out's, not officer_in's
assert ME in visible_to("330411") and ME not in visible_to("330106")
assert OTHER in visible_to("330106") and OTHER not in visible_to("330411")



def with_check(first17):
    """GB 11643's ISO 7064 MOD 11-2 check character appended."""
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * k for c, k in zip(first17, w)) % 11]


UNREGISTERED = with_check("11010119900307777")
assert UNREGISTERED not in IDS

# Every caller the matrix tries, in order (admin last: its row actions change state).
CALLERS = ["anonymous", "resident", "officer_in", "officer_out", "supervisor", "analyst",
           "dept_key", "dept_account", "admin"]


def expect(default, **by_caller):
    """Expected status per caller: `default` for everyone not named."""
    return {c: by_caller.get(c, default) for c in CALLERS}


EVERYONE_200 = expect(200)
PERSON_READERS = dict(anonymous=401, analyst=403, dept_key=403, dept_account=403, admin=403)
SITUATION_BODY = {"$file": "000-residence-anniversary-day-met.json"}

# (method, path, body, marker) -> expected status per caller. marker: None, or "fresh" (the
# caller signs in anew for this row, since it ends the session), or "victim" (the row acts on
# an account made for it).
MATRIX = [
    (("GET", "/healthz", None, None), EVERYONE_200),
    (("GET", "/metrics", None, None), EVERYONE_200),
    (("GET", "/api/v1/openapi.json", None, None), EVERYONE_200),
    (("POST", "/api/v1/eligibility", SITUATION_BODY, None), EVERYONE_200),
    (("GET", "/api/v1/divisions/330106", None, None), EVERYONE_200),
    (("GET", "/api/v1/policies/330100?as_of=2024-06-01", None, None), EVERYONE_200),
    # Statistics: aggregates for analysts anywhere, officers and supervisors inside their own
    # jurisdiction (by default: it), nobody else.
    (("GET", "/api/v1/statistics", None, None),
     expect(200, anonymous=401, resident=403, dept_key=403, dept_account=403, admin=403)),
    (("GET", "/api/v1/statistics?area=330400", None, None),
     expect(200, anonymous=401, resident=403, officer_in=403, officer_out=403, dept_key=403,
            dept_account=403, admin=403)),
    (("GET", "/api/v1/statistics?area=330411", None, None),
     expect(200, anonymous=401, resident=403, officer_out=403, dept_key=403, dept_account=403,
            admin=403)),
    # Persons: a resident their own; officers inside their jurisdiction; the province all. An
    # officer outside gets the 404 an unregistered number gets: nothing says who is registered
    # elsewhere (the UNREGISTERED row).
    (("GET", f"/api/v1/persons/{ME}", None, None),
     expect(200, officer_out=404, **PERSON_READERS)),
    (("GET", f"/api/v1/persons/{OTHER}", None, None),
     expect(200, resident=403, officer_in=404, **PERSON_READERS)),
    (("GET", f"/api/v1/persons/{ME}/eligibility?target=330411&as_of=2024-06-01", None, None),
     expect(200, officer_out=404, **PERSON_READERS)),
    (("GET", f"/api/v1/persons/{OTHER}/eligibility?target=330106&as_of=2024-06-01", None, None),
     expect(200, resident=403, officer_in=404, **PERSON_READERS)),
    (("GET", f"/api/v1/persons/{UNREGISTERED}", None, None),
     expect(404, resident=403, **PERSON_READERS)),
    # Accounts.
    (("POST", "/api/v1/sessions", {"name": "analyst", "password": PASSWORD}, None), expect(201)),
    (("GET", "/api/v1/users", None, None), expect(403, anonymous=401, admin=200)),
    (("POST", "/api/v1/users", {"name": "made_by_matrix", "role": "analyst",
                                "password": PASSWORD}, None),
     expect(403, anonymous=401, admin=201)),
    (("POST", "/api/v1/users/matrix_victim/disable", None, "victim"),
     expect(403, anonymous=401, admin=200)),
    # Issue 16: an account's life after creation and department keys, admins only; one's own
    # password for every session (a wrong current one here: 400).
    (("POST", "/api/v1/users/analyst/enable", None, None), expect(403, anonymous=401, admin=200)),
    (("PATCH", "/api/v1/users/analyst", {"role": "analyst"}, None),
     expect(403, anonymous=401, admin=200)),
    (("POST", "/api/v1/users/nobody_here/password", {"password": PASSWORD}, None),
     expect(403, anonymous=401, admin=404)),
    (("POST", "/api/v1/sessions/current/password",
      {"current_password": "not the password", "password": PASSWORD + " new"}, None),
     expect(400, anonymous=401, dept_key=403)),
    # Activation codes (issue 16): officers in the person's jurisdiction (ME has an account
    # already: 409); outside it the 404 of an unregistered number. The redemption is open to
    # anyone: a wrong code is 400 whoever asks.
    (("POST", f"/api/v1/persons/{ME}/activation-code", None, None),
     expect(409, officer_out=404, resident=403, **dict(PERSON_READERS))),
    (("POST", "/api/v1/activations",
      {"id_number": ME, "code": "AAAA-AAAA-AAAA", "name": "matrix_activation",
       "password": PASSWORD}, None), expect(400)),
    (("GET", "/api/v1/keys", None, None), expect(403, anonymous=401, admin=200)),
    (("POST", "/api/v1/keys", {"department": "matrix", "questions": ["permit-valid"]}, None),
     expect(403, anonymous=401, admin=201)),
    (("POST", "/api/v1/keys/99999/revoke", None, None), expect(403, anonymous=401, admin=404)),
    # Department questions: only a key, only its questions.
    (("GET", f"/api/v1/questions/permit-valid?id_number={ME}&city=330400&date=2024-06-01",
      None, None), expect(403, anonymous=401, dept_key=200)),
    (("GET", f"/api/v1/questions/hukou-registered?id_number={ME}&division=341222", None, None),
     expect(403, anonymous=401)),
    # Who is signed in (the portal asks on load): every session; a key is not one.
    (("GET", "/api/v1/sessions/current", None, None), expect(200, anonymous=401, dept_key=403)),
    # "me": a resident's own number; anyone else who reads persons gets 400 naming id.
    (("GET", "/api/v1/persons/me", None, None), expect(400, resident=200, **PERSON_READERS)),
    (("GET", "/api/v1/persons/me/eligibility?target=330411&as_of=2024-06-01", None, None),
     expect(400, resident=200, **PERSON_READERS)),
    (("DELETE", "/api/v1/sessions/current", None, "fresh"),
     expect(204, anonymous=401, dept_key=403)),
]


# The services (issue 4; h_residence.c, h_applications.c, h_permits.c, h_households.c), with
# requests that change nothing: each allowed caller meets a refusal of the state or the input,
# each other caller a refusal of who they are. The walk that does change the registry, with
# dates fixed by --today, is test_services.py's.
NEWBORN = with_check("33010620240101001")  # born 2024-01-01 in 西湖区
LATER = {"division": "330411", "address": "秀洲区 新城街道 9 号", "urban": True,
         "moved_in": "2099-01-01"}  # moved in on a day not yet come: bad input
SERVICE_USERS = dict(anonymous=401, analyst=403, dept_key=403, dept_account=403, admin=403)
POLICE = dict(SERVICE_USERS, resident=403)
MATRIX += [
    # Residence: the resident for themself; officers where the registration is (330411).
    (("POST", f"/api/v1/persons/{ME}/residence/declare", LATER, None),
     expect(400, officer_out=403, **SERVICE_USERS)),
    (("POST", f"/api/v1/persons/{ME}/residence/change", LATER, None),
     expect(400, officer_out=403, **SERVICE_USERS)),
    (("POST", f"/api/v1/persons/{ME}/residence/cancel", {"left_on": "2099-01-01"}, None),
     expect(400, officer_out=403, **SERVICE_USERS)),
    (("POST", f"/api/v1/persons/{OTHER}/residence/declare", LATER, None),
     expect(400, resident=403, officer_out=403, **SERVICE_USERS)),
    # Applications: a resident for themself only; any service point for anyone (八); a
    # province supervisor must name the service point's county.
    (("POST", "/api/v1/applications", {"id_number": OTHER, "kind": "permit",
                                       "target": "330106"}, None),
     expect(409, resident=403, supervisor=400, **SERVICE_USERS)),
    (("GET", "/api/v1/applications", None, None), expect(200, **SERVICE_USERS)),
    (("GET", "/api/v1/applications/999999", None, None), expect(404, **SERVICE_USERS)),
    (("POST", "/api/v1/applications/999999/actions", {"action": "accept"}, None),
     expect(404, **SERVICE_USERS)),
    # Materials (issue 10): the raw body is a PDF; no application 999999 to attach it to.
    (("POST", "/api/v1/applications/999999/materials", b"%PDF-1.4\n", None),
     expect(404, **SERVICE_USERS)),
    (("GET", "/api/v1/applications/999999/materials", None, None), expect(404, **SERVICE_USERS)),
    (("GET", "/api/v1/applications/999999/materials/1", None, None),
     expect(404, **SERVICE_USERS)),
    # Permits: imported histories have no permit record to show, endorse or recognise.
    (("GET", f"/api/v1/persons/{ME}/permit", None, None), expect(404, **SERVICE_USERS)),
    (("GET", f"/api/v1/persons/{OTHER}/permit", None, None),
     expect(404, resident=403, **SERVICE_USERS)),
    (("POST", f"/api/v1/persons/{ME}/permit/endorse", None, None), expect(404, **SERVICE_USERS)),
    (("POST", f"/api/v1/persons/{ME}/permit/recognise", None, None),
     expect(404, **SERVICE_USERS)),
    # Households, births, deaths: the police, inside their jurisdiction (330106's household).
    (("GET", "/api/v1/households/330106-C-0001", None, None),
     expect(200, officer_in=403, **POLICE)),
    (("POST", "/api/v1/households", {"kind": "family", "division": "330106",
                                     "head": UNREGISTERED}, None),
     expect(404, officer_in=403, **POLICE)),
    (("POST", "/api/v1/households/330106-C-0001/add", {"id_number": UNREGISTERED}, None),
     expect(404, officer_in=403, **POLICE)),
    (("POST", "/api/v1/households/330106-C-0001/remove", {"id_number": ME}, None),
     expect(409, officer_in=403, **POLICE)),
    (("POST", "/api/v1/households/330106-C-0001/head", {"id_number": OTHER}, None),
     expect(409, officer_in=403, **POLICE)),
    (("POST", "/api/v1/households/330106-C-0001/split", {"members": [OTHER], "head": OTHER},
      None), expect(409, officer_in=403, **POLICE)),
    # A man named as the mother: bad input, whoever registers it.
    (("POST", "/api/v1/births", {"id_number": NEWBORN, "born": "2024-01-01", "mother": ME,
                                 "birth_certificate": "Q330100001",
                                 "birthplace_division": "330106"}, None),
     expect(400, **POLICE)),
    (("POST", f"/api/v1/persons/{OTHER}/death", {"died_on": "1990-01-01"}, None),
     expect(400, officer_in=403, **POLICE)),
    # The workbench (issue 10): counts, search and the residence list for the police only,
    # inside their jurisdiction (330106 is officer_out's, not officer_in's).
    (("GET", "/api/v1/applications/counts", None, None), expect(200, **POLICE)),
    (("GET", "/api/v1/applications/counts?area=330106", None, None),
     expect(200, officer_in=403, **POLICE)),
    (("POST", "/api/v1/persons/search", {"name": "张三"}, None), expect(200, **POLICE)),
    (("POST", "/api/v1/persons/search", {"id_number": OTHER, "area": "330106"}, None),
     expect(200, officer_in=403, **POLICE)),
    (("POST", "/api/v1/households/search", {"number": "330106"}, None), expect(200, **POLICE)),
    (("POST", "/api/v1/households/search", {"head": "张建国", "area": "330106"}, None),
     expect(200, officer_in=403, **POLICE)),
    (("GET", "/api/v1/residence", None, None), expect(200, **POLICE)),
    (("GET", "/api/v1/residence?area=330411&active=true", None, None),
     expect(200, officer_out=403, **POLICE)),
]


# Facts with provenance (issue 10; h_facts.c), with requests that change nothing: a fact that
# ends before it starts (400) for those who may record one, an entry that does not exist (404)
# for those who may verify or correct; an officer outside meets the 404 of person reads.
BAD_FACT = {"kind": "housing", "fact": {"division": "330411", "kind": "rented",
                                        "from": "2021-03-01", "to": "2020-01-01"}}
MATRIX += [
    (("POST", f"/api/v1/persons/{ME}/facts", BAD_FACT, None),
     expect(400, officer_out=404, **SERVICE_USERS)),
    (("POST", f"/api/v1/persons/{OTHER}/facts", BAD_FACT, None),
     expect(400, resident=403, officer_in=404, **SERVICE_USERS)),
    (("GET", f"/api/v1/persons/{ME}/facts", None, None),
     expect(200, officer_out=404, **PERSON_READERS)),
    (("POST", f"/api/v1/persons/{ME}/facts/999999/verify", None, None),
     expect(404, resident=403, **SERVICE_USERS)),
    (("POST", f"/api/v1/persons/{ME}/facts/999999/correct",
      {"fact": {"education": "master"}, "reason": "x"}, None),
     expect(404, **SERVICE_USERS)),
    # Only department keys send facts, and only the kinds their key names (this one none).
    (("POST", "/api/v1/facts", {"id_number": ME, "kind": "housing", "fact": {}}, None),
     expect(403, anonymous=401)),
    # Files behind a fact entry (issue 10): a PDF, but no entry 999999 to attach it to.
    (("POST", f"/api/v1/persons/{ME}/facts/999999/materials", b"%PDF-1.4\n", None),
     expect(404, **SERVICE_USERS)),
    (("POST", f"/api/v1/persons/{OTHER}/facts/999999/materials", b"%PDF-1.4\n", None),
     expect(404, resident=403, **SERVICE_USERS)),
    (("GET", f"/api/v1/persons/{ME}/facts/999999/materials", None, None),
     expect(404, **SERVICE_USERS)),
    (("GET", f"/api/v1/persons/{ME}/facts/999999/materials/1", None, None),
     expect(404, **SERVICE_USERS)),
    # The officer's worklist of declarations (issue 10/11): the police only, inside their
    # jurisdiction; an entry that does not exist is the 404 of one outside it.
    (("GET", "/api/v1/facts", None, None), expect(200, **POLICE)),
    (("GET", "/api/v1/facts?state=declared&area=330411", None, None),
     expect(200, officer_out=403, **POLICE)),
    (("GET", "/api/v1/facts/999999", None, None), expect(404, **POLICE)),
]


# Electronic certificates (issue 12; h_certificates.c), with requests that change nothing: the
# key set, the status list and verification are everyone's (api.sh starts the server with
# --keys); ME has no hukou in Zhejiang to prove (409); an officer outside meets the 404 of
# person reads, and an unknown certificate is the 404 of one not theirs.
NO_CERT = "0133040220240000000X"
MATRIX += [
    (("GET", "/.well-known/hukou-keys.json", None, None), EVERYONE_200),
    (("GET", "/api/v1/certificates/status", None, None), EVERYONE_200),
    (("POST", "/api/v1/certificates/verify", {"qr": "HKC1:NOT A CERTIFICATE"}, None),
     EVERYONE_200),
    (("GET", f"/api/v1/persons/{ME}/certificates", None, None),
     expect(200, officer_out=404, **PERSON_READERS)),
    (("GET", f"/api/v1/persons/{OTHER}/certificates", None, None),
     expect(200, resident=403, officer_in=404, **PERSON_READERS)),
    (("POST", f"/api/v1/persons/{ME}/certificates", {"type": "hukou_proof"}, None),
     expect(409, officer_out=404, **PERSON_READERS)),
    (("GET", f"/api/v1/certificates/{NO_CERT}", None, None), expect(404, **PERSON_READERS)),
    (("GET", f"/api/v1/certificates/{NO_CERT}/pdf", None, None), expect(404, **PERSON_READERS)),
    (("GET", f"/api/v1/certificates/{NO_CERT}/qr.svg", None, None),
     expect(404, **PERSON_READERS)),
    (("POST", f"/api/v1/certificates/{NO_CERT}/status", {"status": "revoked", "reason": "x"},
      None), expect(404, resident=403, **PERSON_READERS)),
]


def router_routes():
    text = open(os.path.join(SOURCE, "src", "http", "router.c")).read()
    return set(re.findall(r'\{"([A-Z]+)", "(/[^"]*)", hk_h_', text))


def route_of(method, path):
    """The router pattern a concrete path matches ({x} matches one segment)."""
    path = path.split("?")[0]
    # A literal segment wins over a {param} (the router lists /applications/counts first).
    for m, pattern in sorted(router_routes(), key=lambda r: r[1].count("{")):
        rx = "^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(pattern)) + "$"
        if m == method and re.match(rx, path):
            return (m, pattern)
    return None


def test_every_route_has_a_row():
    covered = {route_of(m, p) for (m, p, _, _), _ in MATRIX}
    assert None not in covered, "a row whose path matches no route"
    assert router_routes() <= covered, sorted(router_routes() - covered)


def body_of(body):
    if isinstance(body, dict) and "$file" in body:
        import json
        return json.load(open(os.path.join(SOURCE, "tests", "policy", "cases",
                                           body["$file"])))["situation"]
    return body


def caller(api, accounts, name, fresh=False):
    if name == "anonymous":
        return api
    if name == "dept_key":
        return accounts.permit_key
    if fresh:
        return api.login(name if name != "admin" else "root", PASSWORD)
    return accounts[name if name != "admin" else "root"]


@pytest.mark.parametrize("row", MATRIX, ids=["%s %s" % (r[0][0], r[0][1][:60]) for r in MATRIX])
def test_matrix(api, accounts, row):
    (method, path, body, marker), want = row
    got = {}
    for name in CALLERS:
        if marker == "victim" and name == "admin":
            made = accounts["root"].post("/api/v1/users", {"name": "matrix_victim",
                                                           "role": "analyst",
                                                           "password": PASSWORD})
            assert made.status == 201, made.body
        c = caller(api, accounts, name, fresh=marker == "fresh")
        r = c.request(method, path, body=body_of(body))
        got[name] = r.status
        if r.status >= 400:
            r.error()  # the one error shape
        if r.status == 401:
            assert r.headers["www-authenticate"].startswith("Bearer")
        if r.status == 403 and path.startswith("/api/v1/persons/"):
            # A refusal says nothing about the person.
            assert b"name" not in r.body and b"hukou\"" not in r.body
    assert got == want


def test_other_key_asks_both_questions(accounts):
    k = accounts.both_keys
    r = k.get(f"/api/v1/questions/hukou-registered?id_number={ME}&division=341222")
    assert r.status == 200 and r.json() == {"answer": True}
    r = k.get(f"/api/v1/questions/hukou-registered?id_number={ME}&division=330000")
    assert r.json() == {"answer": False}
    r = k.get(f"/api/v1/questions/permit-valid?id_number={OTHER}&city=330400&date=2024-06-01")
    assert r.status == 200 and r.json() == {"answer": False}


def test_questions_need_a_purpose_and_good_arguments(api, accounts):
    key = accounts.keys["permit_key"][1]
    bare = api.signed(key)
    q = f"/api/v1/questions/permit-valid?id_number={ME}&city=330400&date=2024-06-01"
    r = bare.get(q)
    assert r.status == 400 and r.error()["field"] == "X-Purpose"
    r = bare.get(q, headers={"X-Purpose": "   "})
    assert r.status == 400 and r.error()["field"] == "X-Purpose"
    k = accounts.permit_key
    for query, field in (("id_number=123&city=330400&date=2024-06-01", "id_number"),
                         (f"id_number={ME}&city=33040&date=2024-06-01", "city"),
                         (f"id_number={ME}&city=330400&date=2024-13-01", "date"),
                         (f"id_number={ME}&city=330400", "date"),
                         (f"id_number={ME}&city=330400&date=2024-06-01&name=1", "query.name")):
        r = k.get("/api/v1/questions/permit-valid?" + query)
        assert r.status == 400 and r.error()["field"] == field, (query, r.body)
    # An unregistered number is answered like one that does not qualify.
    r = k.get(f"/api/v1/questions/permit-valid?id_number={UNREGISTERED}&city=330400"
              "&date=2024-06-01")
    assert r.status == 200 and r.json() == {"answer": False}


def test_sign_in_does_not_tell_whether_the_name_exists(api):
    a = api.post("/api/v1/sessions", {"name": "analyst", "password": "not the password"})
    b = api.post("/api/v1/sessions", {"name": "no_such_user", "password": "not the password"})
    assert a.status == b.status == 401
    assert a.body == b.body
    for body, field in (({"name": "analyst"}, "password"), ({"password": "x"}, "name"),
                        ({"name": 1, "password": "x"}, "name"),
                        ({"name": "a", "password": "b", "admin": True}, "admin")):
        r = api.post("/api/v1/sessions", body)
        assert r.status == 400 and r.error()["field"] == field, r.body
    r = api.post("/api/v1/sessions", "[1]", headers={"Content-Type": "application/json"})
    assert r.status == 400 and r.error()["field"] == "body"


def test_signed_out_and_disabled_tokens_are_refused_everywhere(api, accounts):
    s = api.login("officer_in", PASSWORD)
    assert s.get(f"/api/v1/persons/{ME}").status == 200
    assert s.delete("/api/v1/sessions/current").status == 204
    for path in (f"/api/v1/persons/{ME}", "/healthz", "/api/v1/divisions/330106"):
        r = s.get(path)
        assert r.status == 401 and r.headers["www-authenticate"].startswith("Bearer"), path
    # Disabled by an admin over the API: its live session ends at once.
    admin = accounts["root"]
    assert admin.post("/api/v1/users", {"name": "soon_gone", "role": "officer",
                                        "jurisdiction": "330411",
                                        "password": PASSWORD}).status == 201
    t = api.login("soon_gone", PASSWORD)
    assert t.get(f"/api/v1/persons/{ME}").status == 200
    assert admin.post("/api/v1/users/soon_gone/disable", None).status == 200
    assert t.get(f"/api/v1/persons/{ME}").status == 401
    assert api.post("/api/v1/sessions", {"name": "soon_gone", "password": PASSWORD}).status == 401
    # Malformed or unknown tokens, on open routes too.
    for header in ("Bearer", "Bearer hks_nothing", "Basic YTpi", "Bearer " + "x" * 300,
                   "Bearer hkk_" + "A" * 43):
        r = api.get("/healthz", headers={"Authorization": header})
        assert r.status == 401, header
        r.error()


def test_users_list_hides_secrets(accounts):
    r = accounts["root"].get("/api/v1/users")
    assert r.status == 200
    users = {u["name"]: u for u in r.json()["users"]}
    assert users["resident"]["role"] == "resident"
    assert users["officer_in"]["jurisdiction"] == "330411"
    assert "argon2" not in r.body.decode() and ME not in r.body.decode()
    assert users["resident"]["id_number"].endswith(ME[-4:]) and "*" in users["resident"]["id_number"]


def test_admin_makes_accounts_that_sign_in(api, accounts):
    admin = accounts["root"]
    r = admin.post("/api/v1/users", {"name": "new_resident", "role": "resident",
                                     "id_number": OTHER, "password": PASSWORD})
    assert r.status == 201, r.body
    me = api.login("new_resident", PASSWORD)
    assert me.get(f"/api/v1/persons/{OTHER}").status == 200
    assert me.get(f"/api/v1/persons/{ME}").status == 403
    for body, field in (({"name": "x", "role": "king", "password": PASSWORD}, "role"),
                        ({"name": "x", "role": "officer", "password": PASSWORD}, "jurisdiction"),
                        ({"name": "x", "role": "resident", "password": PASSWORD}, "id_number"),
                        ({"name": "x y", "role": "analyst", "password": PASSWORD}, "name"),
                        ({"name": "x", "role": "analyst", "password": "short"}, "password"),
                        ({"name": "x", "role": "analyst", "password": PASSWORD, "o": 1}, "o")):
        r = admin.post("/api/v1/users", body)
        assert r.status == 400 and r.error()["field"] == field, (body, r.body)
