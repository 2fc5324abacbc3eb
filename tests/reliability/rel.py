"""Shared pieces of the reliability proofs (issue 16): a scratch registry, a `hukou serve` started
and killed by its own process id, one-request HTTP calls that tell an acknowledgement (a whole
2xx answer received) from a lost connection, and the checks made afterwards through the CLI.
Standard library only; run with Debian's /usr/bin/python3."""
import datetime
import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

# GB 11643 check digit, to make valid ID numbers for the test's own persons.
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(first17):
    return first17 + "10X98765432"[sum(int(a) * w for a, w in zip(first17, _WEIGHTS)) % 11]


PASSWORD = "reliability password"
# Women of 南湖区 (330402) born 1990-01-01, sequence codes 002, 004, 006, 008: births' mothers.
MOTHERS = [id_number(f"33040219900101{n:03d}") for n in (2, 4, 6, 8)]


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


class Lost(Exception):
    """The connection failed before a whole answer arrived: the write's fate is unknown."""


class Workspace:
    """A scratch directory with a registry in it, removed at exit unless HK_KEEP is set."""

    def __init__(self, hukou, prefix):
        self.hukou = hukou
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.db = os.path.join(self.dir, "r.db")

    def close(self):
        if os.environ.get("HK_KEEP"):
            print(f"kept {self.dir}", file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def run(self, *args, stdin=None, env=None, check=True, timeout=300, db=True):
        """Runs hukou ARGS --db DB (without --db when db is False or ARGS name one)."""
        argv = [self.hukou, *args]
        if db and "--db" not in args:
            argv += ["--db", self.db]
        r = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env,
                           timeout=timeout)
        if check and r.returncode != 0:
            fail(f"{' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
        return r

    def make_registry(self, data):
        """init, the sample of tests/data, the four mothers, rel.admin and rel.officer (南湖区)."""
        self.run("init")
        self.run("import", os.path.join(data, "registry_sample.jsonl"))
        mothers = os.path.join(self.dir, "mothers.jsonl")
        with open(mothers, "w") as f:
            for m in MOTHERS:
                f.write('{"id_number":"%s","name":"王母","hukou":{"division":"330402",'
                        '"household":"family","head":true,"urban":true}}\n' % m)
        self.run("import", mothers)
        self.run("user", "add", "rel.admin", "--role", "admin", "--password-stdin",
                 stdin=PASSWORD + "\n")
        self.run("user", "add", "rel.officer", "--role", "officer", "--jurisdiction", "330402",
                 "--password-stdin", stdin=PASSWORD + "\n")

    def integrity(self):
        """SQLite's own integrity check, on a read-only connection."""
        db = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()
        if result != "ok":
            fail(f"integrity_check: {result}")

    def verify(self, checkpoint=None):
        args = ["audit", "verify"] + (["--checkpoint", checkpoint] if checkpoint else [])
        r = self.run(*args, check=False)
        if r.returncode != 0:
            fail(f"audit verify: exit {r.returncode}: {r.stdout.strip()} {r.stderr.strip()}")
        return json.loads(r.stdout)

    def persons(self):
        """The ID numbers of every person, through hukou export."""
        r = self.run("export")
        return {json.loads(line)["id_number"] for line in r.stdout.splitlines() if line}

    def accounts(self):
        r = self.run("user", "list")
        return {json.loads(line)["name"] for line in r.stdout.splitlines() if line}


class Server:
    """`hukou serve` on 127.0.0.1:0 (after a command prefix such as setpriv); stopped only
    through its own pid."""

    def __init__(self, ws, *extra, env=None, tag="serve", prefix=()):
        self.out = os.path.join(ws.dir, tag + ".out")
        self.err = os.path.join(ws.dir, tag + ".err")
        with open(self.out, "w") as out, open(self.err, "a") as err:
            self.proc = subprocess.Popen(
                [*prefix, ws.hukou, "serve", "--db", ws.db, "--listen", "127.0.0.1:0", "--rate", "0",
                 *extra], stdout=out, stderr=err, env=env)
        deadline = time.monotonic() + 60  # the sanitizer build starts slowly on a busy machine
        self.port = None
        while time.monotonic() < deadline:
            text = open(self.out).read()
            if "listening on" in text:
                self.port = int(text.split("http://127.0.0.1:")[1].split()[0].strip("/"))
                return
            if self.proc.poll() is not None:
                fail(f"hukou serve exited {self.proc.returncode}: {open(self.err).read()[-2000:]}")
            time.sleep(0.02)
        self.kill()
        fail("hukou serve printed no address within 60 s")

    def kill(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        """SIGTERM and wait: the graceful stop (the access log queued so far is written)."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
            fail("hukou serve did not stop within 30 s of SIGTERM")

    def call(self, method, path, body=None, token=None, timeout=20):
        """(status, parsed body); raises Lost when no whole answer arrived."""
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            raw = r.read()
        except (OSError, http.client.HTTPException) as e:
            raise Lost(repr(e)) from e
        finally:
            conn.close()
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = raw.decode(errors="replace")
        return r.status, doc

    def sign_in(self, name, password):
        status, doc = self.call("POST", "/api/v1/sessions", {"name": name, "password": password})
        if status != 201:
            fail(f"sign-in of {name}: {status} {doc}")
        return doc["token"]


def request_for(kind, tag, n):
    """(path, key, body) of the n-th write of a kind: "birth" (POST /api/v1/births as the
    officer of 南湖区, key its birth certificate; the answer names the allocated ID number),
    "account" (POST /api/v1/users as the admin, key the name) or "read" (GET a mother, no body).
    tag keeps the keys of concurrent writers apart."""
    if kind == "birth":
        # Spread over 700 days so allocated sequence codes never run out for one day.
        born = datetime.date(2024, 1, 1) + datetime.timedelta(days=n % 700)
        cert = f"R{tag}{n:06d}"
        return "/api/v1/births", cert, {
            "born": born.isoformat(), "sex": "F" if n % 2 else "M",
            "mother": MOTHERS[n % len(MOTHERS)], "birth_certificate": cert,
            "birthplace_division": "330402"}
    if kind == "account":
        name = f"k{tag}{n:06d}"
        return "/api/v1/users", name, {"name": name, "role": "officer", "jurisdiction": "330402",
                                       "password": PASSWORD}
    return f"/api/v1/persons/{MOTHERS[0]}", None, None
