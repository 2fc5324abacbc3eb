"""Fixtures for the API tests: the server tests/cli/api.sh started (HK_API_URL), the accounts
and department keys the tests sign in with (made with `hukou user add` and `hukou key add` on
the same database), and helpers to start more servers with other options (rate limits,
shutdown). Standard library only (urllib, http.client, socket)."""
import json
import os
import re
import signal
import socket
import subprocess
import time
import http.client
import urllib.parse

import pytest

BIN = os.environ.get("HK_BIN", "")
DB = os.environ.get("HK_DB", "")
SOURCE = os.environ.get("HK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def error(self):
        """The error object of an error answer, checked for the API's one error shape."""
        doc = self.json()
        # Beside the error only what it refers to: an ineligible application's 409 carries the
        # engine's answer (docs/http.md).
        assert set(doc) == {"error"} or (set(doc) == {"error", "answer"} and self.status == 409), doc
        e = doc["error"]
        assert set(e) == {"code", "message", "message_en", "field"}, e
        return e


class Client:
    def __init__(self, url, token=None, purpose=None):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.url = url
        self.token = token
        self.purpose = purpose

    def signed(self, token, purpose=None):
        """The same server, every request with Authorization: Bearer token (and X-Purpose)."""
        return Client(self.url, token, purpose)

    def request(self, method, path, body=None, headers=None, timeout=30):
        """A method of "RAW" sends body as raw bytes (see raw).
        One request on a fresh connection; never raises on a 4xx/5xx status. The path is
        sent exactly as given (no normalisation), so tests can send '..' and bad escapes."""
        if method == "RAW":
            return self.raw(body, timeout)
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        elif isinstance(body, str):
            body = body.encode()
        if self.token and not any(k.lower() == "authorization" for k in (headers or {})):
            headers = {"Authorization": "Bearer " + self.token, **(headers or {})}
        if self.purpose and not any(k.lower() == "x-purpose" for k in (headers or {})):
            headers = {"X-Purpose": self.purpose, **(headers or {})}
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def raw(self, data, timeout=30):
        """Send bytes as they are on a fresh connection and read one response; a connection the
        server closes without an answer gives status 0."""
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        try:
            sock.sendall(data)
            r = http.client.HTTPResponse(sock)
            try:
                r.begin()
            except (http.client.RemoteDisconnected, ConnectionResetError):
                return Response(0, {}, b"")
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            sock.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body, **kw):
        return self.request("POST", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, name, password):
        """Sign in; a client that sends the session's token."""
        r = self.post("/api/v1/sessions", {"name": name, "password": password})
        assert r.status == 201, r.body
        return self.signed(r.json()["token"])


@pytest.fixture(scope="session")
def api():
    url = os.environ.get("HK_API_URL")
    if not url:
        pytest.fail("HK_API_URL is not set: run the API tests through tests/cli/api.sh")
    return Client(url)


class Server:
    """A `hukou serve` of the test's own, on a free port, with its stderr kept in a file."""

    def __init__(self, tmp_path, *args, db=None):
        if not BIN:
            pytest.fail("HK_BIN is not set: run the API tests through tests/cli/api.sh")
        self.log_path = tmp_path / "serve.log"
        self.out_path = tmp_path / "serve.out"
        self.proc = subprocess.Popen(
            [BIN, "serve", "--db", db or DB, "--listen", "127.0.0.1:0", *args],
            stdout=open(self.out_path, "w"), stderr=open(self.log_path, "w"))
        deadline = time.time() + 30  # the sanitizer build starts slowly
        while time.time() < deadline:
            m = re.search(r"http://127\.0\.0\.1:(\d+)", self.out_path.read_text())
            if m:
                self.client = Client(m.group(0))
                return
            if self.proc.poll() is not None:
                pytest.fail("hukou serve exited %s: %s" % (self.proc.returncode, self.log()))
            time.sleep(0.05)
        self.proc.kill()
        pytest.fail("hukou serve did not print its address within 30 s")

    def log(self):
        return self.log_path.read_text()

    def stop(self, timeout=20):
        """SIGTERM and wait; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            pytest.fail("hukou serve did not stop within %d s of SIGTERM" % timeout)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def server(tmp_path):
    """server(*args) starts a server of the test's own; every one is stopped afterwards."""
    started = []

    def start(*args, db=None):
        sub = tmp_path / ("s%d" % len(started))
        sub.mkdir()
        s = Server(sub, *args, db=db)
        started.append(s)
        return s

    yield start
    for s in started:
        s.kill()


def sample_ids():
    """The ID numbers of the registry sample the test database was loaded from."""
    path = os.path.join(os.environ.get("HK_TEST_DATA", os.path.join(SOURCE, "tests", "data")),
                        "registry_sample.jsonl")
    return [json.loads(line)["id_number"] for line in open(path) if line.strip()]


def sample_people():
    """The sample registry's records, as loaded."""
    path = os.path.join(os.environ.get("HK_TEST_DATA", os.path.join(SOURCE, "tests", "data")),
                        "registry_sample.jsonl")
    return [json.loads(line) for line in open(path) if line.strip()]


def divisions_of(person):
    """The divisions that put a person in an officer's jurisdiction: the hukou's, and the active
    residence registration's (open-ended)."""
    out = []
    if person.get("hukou") and person["hukou"].get("division"):
        out.append(person["hukou"]["division"])
    out += [r["division"] for r in person.get("residence", []) if r.get("to") is None]
    return out


def visible_to(jurisdiction):
    """The sample's ID numbers an officer or supervisor of this division prefix may read."""
    prefix = jurisdiction.rstrip("0")
    if len(prefix) % 2:
        prefix += "0"
    return [p["id_number"] for p in sample_people()
            if any(d.startswith(prefix) for d in divisions_of(p))]


def hukou(*args, stdin=None):
    """Run the hukou binary; (exit status, stdout, stderr)."""
    r = subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout, r.stderr


PASSWORD = "test password 1"

# The accounts the tests sign in with: name -> (role, jurisdiction, whose ID number).
# The sample: ids[0] lives (active residence registration) in 330411 with an Anhui hukou;
# ids[3] and ids[4] have their hukou in 330106.
ACCOUNTS = {
    "root": ("admin", None, None),
    "resident": ("resident", None, 0),
    "officer_in": ("officer", "330411", None),    # ids[0]'s residence county
    "officer_out": ("officer", "330106", None),   # ids[3]'s hukou, not ids[0]
    "supervisor": ("supervisor", "330000", None),  # the province
    "analyst": ("analyst", None, None),
    "dept_account": ("department", None, None),   # a department's person, not its key
}


class Accounts:
    """Signed-in clients of the main server, keyed by account name, plus department keys."""

    def __init__(self, api):
        ids = sample_ids()
        for name, (role, jur, who) in ACCOUNTS.items():
            args = ["user", "add", name, "--role", role, "--db", DB, "--password-stdin"]
            if jur:
                args += ["--jurisdiction", jur]
            if who is not None:
                args += ["--id-number", ids[who]]
            code, out, err = hukou(*args, stdin=PASSWORD + "\n")
            assert code == 0, err
        self.clients = {name: api.login(name, PASSWORD) for name in ACCOUNTS}
        self.keys = {}
        for name, questions in (("permit_key", "permit-valid"),
                                ("both_keys", "permit-valid,hukou-registered")):
            code, out, err = hukou("key", "add", "--department", name, "--questions", questions,
                                   "--db", DB)
            assert code == 0, err
            d = json.loads(out)
            self.keys[name] = (d["id"], d["key"])
        self.permit_key = api.signed(self.keys["permit_key"][1], purpose="case 2024-17")
        self.both_keys = api.signed(self.keys["both_keys"][1], purpose="case 2024-18")
        self.resident_id = ids[0]

    def __getitem__(self, name):
        return self.clients[name]


@pytest.fixture(scope="session")
def accounts(api):
    return Accounts(api)


@pytest.fixture(scope="session")
def staff(accounts):
    """A province-wide supervisor: reads everyone with a hukou or residence in Zhejiang."""
    return accounts["supervisor"]
