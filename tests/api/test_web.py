"""The portal's server side (issue 11), through the real server: the portal's files (types,
gzip, ETags and 304, HEAD, traversal and symlinks refused, unknown paths, a missing web
directory), the security headers of every response, browser sessions (the cookie's attributes,
cookie-authenticated reads, the CSRF token and Origin checks, login CSRF, sign-out, stale
cookies), bearer tokens unchanged, GET /api/v1/sessions/current for every kind of caller, and
`me` in place of a resident's own ID number, with no full number in the request log."""
import gzip
import hashlib
import os
import re
import sqlite3
import time

import json

import pytest

import schema
from conftest import DB, PASSWORD, SOURCE, Server, hukou, sample_ids

DOC = json.load(open(os.path.join(SOURCE, "docs", "openapi.json")))

IDS = sample_ids()
ME = IDS[0]  # the resident account's own number; active residence registration in 330411

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "cross-origin-opener-policy": "same-origin",
}

INDEX = "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>户籍</title>" \
        "<script type=\"module\" src=\"/assets/js/app.js\"></script></head><body></body></html>\n"
APP_JS = "".join("export const message%d = '第%d条 / message %d';\n" % (i, i, i)
                 for i in range(400))
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(2000)  # random: gzip cannot shrink it
# path -> (bytes, Content-Type)
FILES = {
    "index.html": (INDEX.encode(), "text/html; charset=utf-8"),
    "assets/js/app.js": (APP_JS.encode(), "text/javascript; charset=utf-8"),
    "assets/js/pages/start.mjs": (b"export default 1;\n", "text/javascript; charset=utf-8"),
    "assets/js/app.js.map": (b'{"version":3,"sources":[],"mappings":""}',
                             "application/json; charset=utf-8"),
    "assets/css/app.css": (("body { font-family: sans-serif; }\n" * 50).encode(),
                           "text/css; charset=utf-8"),
    "assets/vendor/preact/preact.module.js": (b"export function h(){}\n" * 20,
                                              "text/javascript; charset=utf-8"),
    "assets/map/zhejiang.json": (('{"type":"FeatureCollection","features":[' + ",".join(
        '{"type":"Feature","properties":{"adcode":%d}}' % (330100 + i) for i in range(40)) +
        "]}").encode(), "application/json; charset=utf-8"),
    "assets/img/logo.svg": (b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n',
                            "image/svg+xml; charset=utf-8"),
    "assets/img/badge.png": (PNG, "image/png"),
    "assets/fonts/ui.woff2": (b"wOF2" + bytes(100), "font/woff2"),
    "assets/favicon.ico": (b"\x00\x00\x01\x00" + bytes(300), "image/x-icon"),
}
SECRET = b"secret outside the portal\n"


def build_web(root):
    for name, (data, _) in FILES.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    (root / "secret.txt").write_bytes(SECRET)          # in the directory, not under assets/
    (root.parent / "outside.js").write_bytes(SECRET)   # outside the directory
    os.symlink(root.parent / "outside.js", root / "assets" / "escape.js")
    os.symlink("../css/app.css", root / "assets" / "js" / "same.css")  # inside: served
    (root / "assets" / ".hidden.js").write_bytes(SECRET)
    with open(root / "assets" / "big.js", "wb") as f:  # over the 16 MiB limit (sparse)
        f.truncate(17 << 20)


@pytest.fixture(scope="module")
def portal(tmp_path_factory, accounts):
    """A server of this module's own on the suite's registry, serving a portal made here."""
    tmp = tmp_path_factory.mktemp("web")
    web = tmp / "site" / "web"
    web.mkdir(parents=True)
    build_web(web)
    run = tmp / "run"
    run.mkdir()
    s = Server(run, "--rate", "0", "--web", str(web))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def web(portal):
    return portal.client


def origin_of(client):
    return "http://%s:%d" % (client.host, client.port)


class Browser:
    """A browser signed in with the session cookie: sends it, and the CSRF token and its own
    Origin on changes, as the portal's pages do."""

    def __init__(self, client, name, password=PASSWORD):
        self.client = client
        self.origin = origin_of(client)
        r = client.post("/api/v1/sessions", {"name": name, "password": password, "cookie": True},
                        headers={"Origin": self.origin})
        assert r.status == 201, r.body
        self.signin = r
        self.cookie = cookie_value(r.headers["set-cookie"])
        self.csrf = r.json()["csrf_token"]

    def request(self, method, path, body=None, headers=None, csrf=True, origin=True):
        h = {"Cookie": "hk_session=" + self.cookie}
        if csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        if origin and method not in ("GET", "HEAD"):
            h["Origin"] = self.origin
        h.update(headers or {})
        return self.client.request(method, path, body=body, headers=h)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body, **kw):
        return self.request("POST", path, body=body, **kw)


def cookie_value(set_cookie):
    m = re.match(r"hk_session=([^;]*)", set_cookie)
    assert m, set_cookie
    return m.group(1)


def cookie_attributes(set_cookie):
    parts = [p.strip() for p in set_cookie.split(";")]
    out = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        out[k.lower()] = v
    return out


# ---- the portal's files ----

def test_every_file_is_served_with_its_type(web):
    for name, (data, ctype) in FILES.items():
        path = "/" if name == "index.html" else "/" + name
        r = web.get(path)
        assert r.status == 200, (name, r.body[:200])
        assert r.headers["content-type"] == ctype, name
        assert r.body == data, name
        assert "content-encoding" not in r.headers  # the client did not ask for gzip
        assert r.headers["cache-control"] == "no-cache"
        etag = r.headers["etag"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag), etag
    # A symlink that stays inside the directory is served as its target.
    r = web.get("/assets/js/same.css")
    assert r.status == 200 and r.body == FILES["assets/css/app.css"][0]
    assert r.headers["content-type"] == "text/css; charset=utf-8"


def test_etag_is_a_hash_of_the_bytes(web):
    a = web.get("/assets/css/app.css").headers["etag"]
    b = web.get("/assets/js/same.css").headers["etag"]  # the same bytes under another name
    c = web.get("/assets/js/app.js").headers["etag"]
    assert a == b and a != c


def test_gzip_when_accepted_and_smaller(web):
    for name in ("index.html", "assets/js/app.js", "assets/css/app.css",
                 "assets/map/zhejiang.json"):
        path = "/" if name == "index.html" else "/" + name
        plain = web.get(path)
        r = web.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert r.status == 200
        assert r.headers["content-encoding"] == "gzip", name
        assert r.headers["vary"] == "Accept-Encoding"
        assert plain.headers["vary"] == "Accept-Encoding"  # either way: caches must know
        assert gzip.decompress(r.body) == FILES[name][0]
        assert len(r.body) < len(FILES[name][0])
        assert int(r.headers["content-length"]) == len(r.body)
        # Another representation, another strong tag.
        assert r.headers["etag"] != plain.headers["etag"]
    # Already compressed types, and text gzip cannot shrink, are sent as they are.
    for name in ("assets/img/badge.png", "assets/fonts/ui.woff2", "assets/img/logo.svg"):
        r = web.get("/" + name, headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in r.headers and "vary" not in r.headers, name
        assert r.body == FILES[name][0]


@pytest.mark.parametrize("accept,gz", [("gzip", True), ("GZIP;q=0.5", True), ("*", True),
                                       ("x-gzip", True), ("gzip;q=0", False),
                                       ("gzip;q=0.000, br", False), ("*;q=0", False),
                                       ("br, deflate", False), ("identity", False),
                                       ("*, gzip;q=0", False), ("", False)])
def test_accept_encoding(web, accept, gz):
    r = web.get("/assets/js/app.js", headers={"Accept-Encoding": accept})
    assert r.status == 200
    assert (r.headers.get("content-encoding") == "gzip") == gz
    body = gzip.decompress(r.body) if gz else r.body
    assert body == FILES["assets/js/app.js"][0]


def test_if_none_match_gives_304(web):
    for path in ("/", "/assets/js/app.js", "/assets/img/badge.png"):
        first = web.get(path)
        etag = first.headers["etag"]
        for inm in (etag, "W/" + etag, '"other", ' + etag, "*"):
            r = web.get(path, headers={"If-None-Match": inm})
            assert r.status == 304, (path, inm)
            assert r.body == b""
            assert r.headers["etag"] == etag
            assert r.headers["cache-control"] == "no-cache"
        r = web.get(path, headers={"If-None-Match": '"0123456789abcdef0123456789abcdef"'})
        assert r.status == 200 and r.body == first.body
    # The gzip representation revalidates with its own tag, and a client that holds one kind
    # is told its copy is current even when it now accepts the other.
    z = web.get("/assets/js/app.js", headers={"Accept-Encoding": "gzip"})
    r = web.get("/assets/js/app.js", headers={"Accept-Encoding": "gzip",
                                              "If-None-Match": z.headers["etag"]})
    assert r.status == 304 and r.headers["etag"] == z.headers["etag"]
    plain = web.get("/assets/js/app.js").headers["etag"]
    r = web.get("/assets/js/app.js", headers={"Accept-Encoding": "gzip", "If-None-Match": plain})
    assert r.status == 304 and r.headers["etag"] == plain


def test_head(web):
    for path, name in (("/", "index.html"), ("/assets/js/app.js", "assets/js/app.js")):
        g = web.get(path)
        r = web.request("HEAD", path)
        assert r.status == 200 and r.body == b""
        assert int(r.headers["content-length"]) == len(FILES[name][0])
        assert r.headers["content-type"] == g.headers["content-type"]
        assert r.headers["etag"] == g.headers["etag"]


@pytest.mark.parametrize("path", ["/assets/../secret.txt", "/assets/%2e%2e/secret.txt",
                                  "/assets/%2E%2E%2Fsecret.txt", "/assets/..%2fsecret.txt",
                                  "/assets/js/../../secret.txt", "/assets/./js/app.js",
                                  "/assets/%00.js", "/assets//etc/passwd",
                                  "/assets/%2fetc%2fpasswd", "/secret.txt", "/assets/escape.js",
                                  "/assets/.hidden.js", "/assets/big.js", "/../secret.txt"])
def test_nothing_outside_is_reachable(web, path):
    r = web.get(path)
    assert r.status in (400, 404), (path, r.status)
    assert SECRET not in r.body and b"root:" not in r.body
    r.error()


def test_metrics_count_the_portal(web):
    def served():
        text = web.get("/metrics").body.decode()
        m = re.search(r'^hukou_http_requests_total\{method="GET",route="portal",status="200"\} '
                      r'(\d+)$', text, re.M)
        return int(m.group(1)) if m else 0

    before = served()
    web.get("/")
    web.get("/assets/js/app.js")
    # A request is counted when libmicrohttpd reports it complete, just after the client has
    # its answer: on a loaded machine the count can trail the answer by a moment.
    for _ in range(50):
        if served() >= before + 2:
            break
        time.sleep(0.1)
    assert served() == before + 2
    assert web.get("/assets/none.js").status == 404
    assert 'route="portal",status="404"' in web.get("/metrics").body.decode()


def test_refused_files_are_named_at_start(portal):
    log = portal.log()
    assert "assets/escape.js" in log and "outside the directory" in log
    assert "assets/big.js" in log and "16 MiB" in log
    assert ".hidden" not in log  # dot files are skipped silently


@pytest.mark.parametrize("path", ["/index.html", "/app.js", "/assets", "/assets/",
                                  "/assets/js/", "/assets/js/nothing.js", "/portal",
                                  "/api", "/api/v2/x", "/healthz/x", "/ASSETS/js/app.js"])
def test_unknown_paths_are_404(web, path):
    r = web.get(path)
    assert r.status == 404, path
    e = r.error()
    assert e["code"] == "not_found" and e["field"] == "path"
    assert r.headers["content-type"] == "application/json; charset=utf-8"


def test_only_get_and_head(web):
    for method in ("POST", "PUT", "DELETE"):
        for path in ("/", "/assets/js/app.js"):
            r = web.request(method, path, body=b"x")
            assert r.status == 405, (method, path)
            assert r.headers["allow"] == "GET, HEAD"
            assert r.error()["field"] == "method"


def test_missing_web_directory_is_not_fatal(server, tmp_path):
    s = server("--rate", "0", "--web", str(tmp_path / "no-such-dir"))
    c = s.client
    assert c.get("/healthz").status == 200
    assert c.get("/api/v1/divisions/330106").status == 200
    for path in ("/", "/assets/js/app.js"):
        r = c.get(path)
        assert r.status == 404
        e = r.error()
        assert e["field"] == "path" and "not installed" in e["message_en"]
        assert "门户未安装" in e["message"]
        assert str(tmp_path) not in r.body.decode()  # the server's paths are its own business
    c.get("/")
    log = s.log()
    assert log.count("no portal directory at") == 1, log
    assert str(tmp_path / "no-such-dir") in log


def test_web_directory_from_the_environment(server, tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    for d, text in ((a, b"from HUKOU_WEB"), (b, b"from --web")):
        d.mkdir()
        (d / "index.html").write_bytes(text)
    monkeypatch.setenv("HUKOU_WEB", str(a))
    assert server("--rate", "0").client.get("/").body == b"from HUKOU_WEB"
    assert server("--rate", "0", "--web", str(b)).client.get("/").body == b"from --web"


def test_directory_without_index(server, tmp_path):
    d = tmp_path / "w"
    (d / "assets").mkdir(parents=True)
    (d / "assets" / "a.css").write_bytes(b"a{}")
    s = server("--rate", "0", "--web", str(d))
    assert s.client.get("/").status == 404
    assert s.client.get("/assets/a.css").body == b"a{}"
    assert "no index.html" in s.log()


# ---- security headers ----

def test_security_headers_on_every_response(web, accounts):
    resident = accounts["resident"]
    responses = [web.get("/"), web.get("/assets/js/app.js"),
                 web.get("/", headers={"If-None-Match": "*"}), web.get("/nothing"),
                 web.get("/healthz"), web.get("/metrics"), web.get("/api/v1/openapi.json"),
                 web.get("/api/v1/divisions/330106"), web.get("/api/v1/persons/" + ME),
                 web.request("POST", "/"), web.get("/api/v1/%zz"),
                 web.signed(resident.token).get("/api/v1/persons/me")]
    for r in responses:
        for k, v in SECURITY.items():
            assert r.headers.get(k) == v, (r.status, k, r.headers)


# ---- browser sessions ----

def test_cookie_sign_in(web):
    b = Browser(web, "resident")
    r = b.signin
    attrs = cookie_attributes(r.headers["set-cookie"])
    assert re.fullmatch(r"hks_[A-Za-z0-9_-]{43}", b.cookie)
    assert attrs == {"path": "/", "max-age": "28800", "httponly": "", "samesite": "Strict"}
    doc = r.json()
    assert set(doc) == {"token_type", "expires_at", "role", "name", "jurisdiction", "csrf_token"}
    assert doc["token_type"] == "cookie" and doc["role"] == "resident"
    assert doc["name"] == "resident" and doc["jurisdiction"] is None
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", doc["csrf_token"])
    assert b.cookie.encode() not in r.body  # never in the body
    assert r.headers["cache-control"] == "no-store"
    described = DOC["paths"]["/api/v1/sessions"]["post"]["responses"]["201"]
    assert not schema.check(DOC, described["content"]["application/json"]["schema"], doc)
    # Two sessions, two CSRF tokens.
    assert Browser(web, "resident").csrf != b.csrf


def test_cookie_is_secure_behind_tls(web, server):
    r = web.post("/api/v1/sessions", {"name": "analyst", "password": PASSWORD, "cookie": True},
                 headers={"X-Forwarded-Proto": "https"})
    assert r.status == 201 and "secure" in cookie_attributes(r.headers["set-cookie"])
    s = server("--rate", "0", "--secure-cookies")
    r = s.client.post("/api/v1/sessions", {"name": "analyst", "password": PASSWORD,
                                           "cookie": True})
    assert r.status == 201 and "secure" in cookie_attributes(r.headers["set-cookie"])


def test_sign_in_cookie_flag_is_checked(web):
    for value in ("yes", 1, [True]):
        r = web.post("/api/v1/sessions", {"name": "analyst", "password": PASSWORD,
                                          "cookie": value})
        assert r.status == 400 and r.error()["field"] == "cookie", r.body
    # false is an ordinary bearer sign-in.
    r = web.post("/api/v1/sessions", {"name": "analyst", "password": PASSWORD, "cookie": False})
    assert r.status == 201 and r.json()["token_type"] == "Bearer"
    assert "set-cookie" not in r.headers


def test_cookie_authenticates_reads(web, accounts):
    b = Browser(web, "resident")
    r = b.get("/api/v1/persons/" + ME)
    assert r.status == 200 and r.json()["id_number"] == ME
    assert b.get("/api/v1/persons/" + IDS[3]).status == 403  # still a resident's rights
    r = b.get("/api/v1/sessions/current")
    assert r.status == 200 and r.json()["csrf_token"] == b.csrf
    # The cookie is not a bearer token's replacement on routes that take none: open routes
    # answer, and the header wins when both are sent.
    r = b.get("/api/v1/sessions/current",
              headers={"Authorization": "Bearer " + accounts["analyst"].token})
    assert r.json()["role"] == "analyst" and "csrf_token" not in r.json()


def test_changes_need_the_csrf_token(web):
    b = Browser(web, "resident")
    path = "/api/v1/persons/me/residence/cancel"
    r = b.post(path, {}, csrf=False)
    assert r.status == 403 and r.error()["field"] == "X-CSRF-Token"
    for wrong in ("x", b.csrf[:-1] + ("A" if b.csrf[-1] != "A" else "B"), b.csrf + "A",
                  Browser(web, "resident").csrf):
        r = b.post(path, {}, headers={"X-CSRF-Token": wrong})
        assert r.status == 403 and r.error()["field"] == "X-CSRF-Token", wrong
    # With the token (and the own origin, or none) the request reaches the handler: its own
    # answer, naming the missing field.
    for origin in (True, False):
        r = b.post(path, {}, origin=origin)
        assert r.status == 400 and r.error()["field"] == "left_on", r.body
    # Every method that changes something, open routes included.
    r = b.post("/api/v1/eligibility", {}, csrf=False)
    assert r.status == 403 and r.error()["field"] == "X-CSRF-Token"
    r = b.request("DELETE", "/api/v1/sessions/current", csrf=False)
    assert r.status == 403 and r.error()["field"] == "X-CSRF-Token"
    assert b.get("/api/v1/sessions/current").status == 200  # still signed in


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "https://evil.example:{port}",
                                    "http://127.0.0.1:1", "http://127.0.0.1:{port}.evil",
                                    "http://127.0.0.1:{port}/x", "file://", "ftp://127.0.0.1:{port}",
                                    "http://user@127.0.0.1:{port}", "http://localhost:{port}"])
def test_cross_site_origin_is_refused(web, origin):
    origin = origin.format(port=web.port)
    b = Browser(web, "resident")
    r = b.post("/api/v1/persons/me/residence/cancel", {}, headers={"Origin": origin})
    assert r.status == 403 and r.error()["field"] == "Origin", origin
    # Login CSRF: a sign-in into a cookie session from another site's page.
    r = web.post("/api/v1/sessions", {"name": "resident", "password": PASSWORD, "cookie": True},
                 headers={"Origin": origin})
    assert r.status == 403 and r.error()["field"] == "Origin"
    assert "set-cookie" not in r.headers


def test_same_origin_forms(web):
    port = web.port
    for origin in ("http://127.0.0.1:%d" % port, "HTTP://127.0.0.1:%d" % port,
                   "https://127.0.0.1:%d" % port):
        r = web.post("/api/v1/sessions", {"name": "resident", "password": PASSWORD,
                                          "cookie": True}, headers={"Origin": origin})
        assert r.status == 201, origin
    # A default port may be left out on either side.
    r = web.post("/api/v1/sessions", {"name": "resident", "password": PASSWORD, "cookie": True},
                 headers={"Origin": "http://portal.example", "Host": "portal.example:80"})
    assert r.status == 201
    r = web.post("/api/v1/sessions", {"name": "resident", "password": PASSWORD, "cookie": True},
                 headers={"Origin": "https://portal.example", "Host": "portal.example"})
    assert r.status == 201


def test_bearer_tokens_are_unaffected(web, accounts):
    c = web.signed(accounts["resident"].token)
    for headers in ({}, {"Origin": "http://evil.example"}):
        r = c.post("/api/v1/persons/me/residence/cancel", {}, headers=headers)
        assert r.status == 400 and r.error()["field"] == "left_on", r.body
    r = web.post("/api/v1/sessions", {"name": "resident", "password": PASSWORD})
    assert r.status == 201 and set(r.json()) == {"token", "token_type", "expires_at", "role",
                                                  "jurisdiction"}
    assert r.json()["token_type"] == "Bearer" and "set-cookie" not in r.headers
    # A bearer sign-in from any page: the token is only in the body, so Origin is not asked.
    r = web.post("/api/v1/sessions", {"name": "resident", "password": PASSWORD},
                 headers={"Origin": "http://evil.example"})
    assert r.status == 201


def test_sign_out_clears_the_cookie(web):
    b = Browser(web, "officer_in")
    r = b.request("DELETE", "/api/v1/sessions/current")
    assert r.status == 204
    attrs = cookie_attributes(r.headers["set-cookie"])
    assert cookie_value(r.headers["set-cookie"]) == ""
    assert attrs["max-age"] == "0" and "httponly" in attrs and attrs["samesite"] == "Strict"
    r = b.get("/api/v1/sessions/current")
    assert r.status == 401 and r.error()["field"] == "hk_session"
    assert cookie_attributes(r.headers["set-cookie"])["max-age"] == "0"


def stale(web, cookie, path="/api/v1/divisions/330106"):
    r = web.get(path, headers={"Cookie": "hk_session=" + cookie})
    return r


def test_unknown_and_expired_cookies_are_401_and_cleared(web):
    for cookie in ("hks_" + "A" * 43, "garbage", "x" * 200):
        r = stale(web, cookie)
        assert r.status == 401 and r.error()["field"] == "hk_session", cookie
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert cookie_value(r.headers["set-cookie"]) == ""
        assert cookie_attributes(r.headers["set-cookie"])["max-age"] == "0"
    # An expired session: its end moved into the past in the store.
    b = Browser(web, "analyst")
    h = hashlib.sha256(b.cookie.encode()).digest()
    db = sqlite3.connect(DB, timeout=30)
    with db:
        assert db.execute("UPDATE session SET expires = ? WHERE token_hash = ?",
                          (int(time.time()) - 1, h)).rowcount == 1
    db.close()
    time.sleep(2.1)  # past the worker's token cache (HK_HTTP_TOKEN_TTL)
    r = b.get("/api/v1/sessions/current")
    assert r.status == 401 and cookie_attributes(r.headers["set-cookie"])["max-age"] == "0"
    # The portal's files, the sign-in and the health routes do not look at the cookie.
    assert stale(web, "garbage", "/").status == 200
    assert stale(web, "garbage", "/assets/js/app.js").status == 200
    assert stale(web, "garbage", "/healthz").status == 200
    r = web.post("/api/v1/sessions", {"name": "analyst", "password": PASSWORD, "cookie": True},
                 headers={"Cookie": "hk_session=garbage"})
    assert r.status == 201


# ---- who is signed in ----

def test_sessions_current_for_every_caller(web, accounts):
    r = web.get("/api/v1/sessions/current")
    assert r.status == 401
    want = {
        "resident": ("resident", None, "", True),
        "officer_in": ("officer", "330411", "秀洲区", False),
        "supervisor": ("supervisor", "330000", "浙江省", False),
        "analyst": ("analyst", None, "", False),
        "dept_account": ("department", None, "", False),
        "root": ("admin", None, "", False),
    }
    for name, (role, jur, jur_name, resident) in want.items():
        r = web.signed(accounts[name].token).get("/api/v1/sessions/current")
        assert r.status == 200, (name, r.body)
        doc = r.json()
        assert doc["name"] == name and doc["role"] == role
        assert doc["jurisdiction"] == jur and doc["jurisdiction_name"] == jur_name
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc["expires_at"])
        assert "csrf_token" not in doc  # a bearer session has none
        if resident:
            assert doc["id_number_masked"] == ME[:6] + "*" * 8 + ME[-4:]
        else:
            assert "id_number_masked" not in doc
        assert ME.encode() not in r.body
        assert r.headers["cache-control"] == "no-store"
    r = web.signed(accounts.keys["permit_key"][1]).get("/api/v1/sessions/current")
    assert r.status == 403
    b = Browser(web, "officer_in")
    doc = b.get("/api/v1/sessions/current").json()
    assert doc["csrf_token"] == b.csrf and doc["jurisdiction_name"] == "秀洲区"
    assert not schema.check(DOC, {"$ref": "#/components/schemas/CurrentSession"}, doc)
    r = web.signed(accounts["resident"].token).get("/api/v1/sessions/current?x=1")
    assert r.status == 400 and r.error()["field"] == "query.x"


# ---- me ----

def test_me_is_the_residents_own_number(web, accounts):
    res = web.signed(accounts["resident"].token)
    for path in ("/api/v1/persons/{}", "/api/v1/persons/{}/eligibility?target=330411"
                 "&as_of=2024-06-01", "/api/v1/persons/{}/permit"):
        a = res.get(path.format("me"))
        b = res.get(path.format(ME))
        assert a.status == b.status and a.body == b.body, path
    assert res.get("/api/v1/persons/me").json()["id_number"] == ME
    # A browser session too.
    assert Browser(web, "resident").get("/api/v1/persons/me").json()["id_number"] == ME
    # Changes: the same answers as with the number.
    for path in ("/api/v1/persons/{}/residence/cancel", "/api/v1/persons/{}/residence/declare"):
        a = res.post(path.format("me"), {})
        b = res.post(path.format(ME), {})
        assert a.status == b.status == 400 and a.body == b.body
    a = res.post("/api/v1/persons/me/permit/endorse", None)
    b = res.post("/api/v1/persons/%s/permit/endorse" % ME, None)
    assert a.status == b.status and a.body == b.body


@pytest.mark.parametrize("who", ["officer_in", "supervisor"])
def test_me_is_refused_to_anyone_else(web, accounts, who):
    c = web.signed(accounts[who].token)
    for method, path, body in (("GET", "/api/v1/persons/me", None),
                               ("GET", "/api/v1/persons/me/eligibility?target=330411", None),
                               ("GET", "/api/v1/persons/me/permit", None),
                               ("POST", "/api/v1/persons/me/residence/cancel",
                                {"left_on": "2024-01-01"}),
                               ("POST", "/api/v1/persons/me/death", {"died_on": "2024-01-01"})):
        r = c.request(method, path, body=body)
        assert r.status == 400, (who, path, r.body)
        e = r.error()
        assert e["field"] == "id" and "me" in e["message_en"]
    # Roles that read no person are refused for their role first, as with a number.
    assert web.signed(accounts["analyst"].token).get("/api/v1/persons/me").status == 403
    assert web.get("/api/v1/persons/me").status == 401
    # Only "me" is special.
    r = web.signed(accounts["resident"].token).get("/api/v1/persons/ME")
    assert r.status == 400 and r.error()["field"] == "id"


def test_me_is_logged_as_the_real_person(web, accounts):
    def entries():
        code, out, err = hukou("audit", "access", "--person", ME, "--db", DB)
        assert code == 0, err
        return [line for line in out.splitlines() if line.strip()]

    time.sleep(0.5)  # earlier reads' entries are written (--access-flush 0.1)
    before = len(entries())
    r = web.signed(accounts["resident"].token).get("/api/v1/persons/me")
    assert r.status == 200
    deadline = time.time() + 10
    while len(entries()) == before and time.time() < deadline:
        time.sleep(0.1)
    new = [json.loads(line) for line in entries()[before:]]
    assert len(new) == 1, new
    assert new[0]["actor"] == "resident:resident"
    assert new[0]["endpoint"] == "GET /api/v1/persons/{id}"
    assert ME not in json.dumps(new)


def test_the_request_log_holds_no_full_id_number(portal, web, accounts):
    # Numbers in paths and queries, from every kind of caller, answered and refused.
    web.signed(accounts["supervisor"].token).get("/api/v1/persons/" + IDS[3])
    web.signed(accounts["resident"].token).get("/api/v1/persons/" + IDS[3])
    web.get("/assets/" + ME)
    web.get("/" + ME)
    time.sleep(0.2)
    log = portal.log()
    assert '"route":"/api/v1/persons/{id}"' in log and '"route":"/assets/{file}"' in log
    for number in IDS:
        assert number not in log
