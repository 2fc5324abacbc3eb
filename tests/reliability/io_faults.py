#!/usr/bin/python3
"""Proof 2 of issue 16: a full disk and a read-only file give a clear error and lose nothing
acknowledged.

The disk fills up through tests/reliability/fault_shim.c (LD_PRELOAD; HK_FAULT_SHIM names it):
writes to the registry's files fail with ENOSPC (or EIO) once a byte budget is spent, or while a
switch file exists. Read-only is the real thing: chmod 0400 on the file, 0500 on its directory
(as root, with CAP_DAC_OVERRIDE dropped by setpriv, since root writes through modes).

1. CLI, disk full: `hukou import` of a few thousand persons under growing budgets (so the fault
   lands in the WAL header, mid-transaction, at commit), ENOSPC and EIO; `hukou user add` with
   no room at all. Each fails with exit 1 and an io_error naming the cause, or succeeds whole;
   afterwards (without the shim) the registry holds all of the import or none of it and
   `hukou audit verify` passes. `hukou audit checkpoint` cut short by a full disk leaves no torn
   line behind. Never a crash or a sanitizer report.
2. Server, disk full while it runs: births and accounts written through the API while the disk
   fills and empties three times. Every answer is 2xx or 500 io_error (never a lost connection,
   never another status); reads keep being answered; writes succeed again once there is room,
   without a restart; SIGTERM stops it cleanly. Afterwards every acknowledged write is there,
   no refused write landed, every read answered is in the access log (entries that could not
   be written were kept and retried), verify and SQLite's integrity check pass.
3. Read-only: `hukou user add` and `hukou import` on a read-only file and in a read-only
   directory exit 1 with "cannot write PATH"; `hukou serve` refuses to start the same way; a
   server whose file turns read-only under it keeps what it acknowledged.

Usage: io_faults.py PATH/TO/hukou     env HK_FAULT_SHIM, HK_TEST_DATA, HK_KEEP
"""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rel import PASSWORD, Lost, Server, Workspace, fail, request_for  # noqa: E402

HUKOU = sys.argv[1] if len(sys.argv) > 1 else fail("usage: io_faults.py PATH/TO/hukou")
DATA = os.environ.get("HK_TEST_DATA") or fail("HK_TEST_DATA is not set")
SHIM = os.environ.get("HK_FAULT_SHIM") or fail("HK_FAULT_SHIM is not set (ctest sets it)")
CRASH_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:", "Segmentation fault")


def shim_env(ws, report, **faults):
    env = dict(os.environ)
    asan = env.get("ASAN_OPTIONS", "")
    env.update(LD_PRELOAD=SHIM, HK_FAULT_PATH=ws.dir + "/", HK_FAULT_REPORT=report,
               ASAN_OPTIONS=(asan + ":" if asan else "") + "verify_asan_link_order=0",
               **{k: str(v) for k, v in faults.items()})
    return env


def faults_fired(report):
    return sum(1 for _ in open(report)) if os.path.exists(report) else 0


def no_crash(what, r):
    if r.returncode not in (0, 1) or any(m in r.stderr for m in CRASH_MARKS):
        fail(f"{what}: exit {r.returncode}, {r.stderr[-1500:]}")


def cli_disk_full():
    ws = Workspace(HUKOU, "hk-io-cli-")
    try:
        ws.make_registry(DATA)
        big = os.path.join(ws.dir, "big.jsonl")
        ws.run("gen", "--persons", "3000", "--seed", "5", "--out", big, "--quiet", db=False)
        with open(big) as f:
            file_ids = {json.loads(line)["id_number"] for line in f if line.strip()}
        before, accounts = ws.persons(), ws.accounts()
        report = os.path.join(ws.dir, "faults")

        # No room at all: a single write.
        r = ws.run("user", "add", "io.one", "--role", "admin", "--password-stdin", check=False,
                   stdin=PASSWORD + "\n", env=shim_env(ws, report, HK_FAULT_BUDGET=0))
        no_crash("user add on a full disk", r)
        if r.returncode != 1 or "读写文件失败" not in r.stderr or \
                "No space left on device" not in r.stderr:
            fail(f"user add on a full disk: exit {r.returncode}, {r.stderr.strip()}")
        if ws.accounts() != accounts or faults_fired(report) == 0:
            fail("user add on a full disk: the account is there, or no fault fired")
        ws.verify()

        # The import, with the disk filling at different points of it.
        refused, landed = [], None
        for errno_name, budget in (("ENOSPC", 4096), ("ENOSPC", 65536), ("EIO", 65536),
                                   ("ENOSPC", 1 << 20), ("ENOSPC", 4 << 20),
                                   ("ENOSPC", 64 << 20)):
            os.path.exists(report) and os.unlink(report)
            r = ws.run("import", big, check=False, env=shim_env(
                ws, report, HK_FAULT_BUDGET=budget, HK_FAULT_ERRNO=errno_name))
            no_crash(f"import with {budget} bytes of room ({errno_name})", r)
            now = ws.persons()
            if r.returncode == 0:
                if now != before | file_ids:
                    fail(f"import exited 0 with {budget} bytes of room but holds {len(now)}")
                landed = budget
                break
            if now != before:
                fail(f"import failed with {budget} bytes of room ({r.stderr.strip()}) but "
                     f"{len(now - before)} of its persons are there")
            causes = ("No space left on device", "disk is full", "disk full") \
                if errno_name == "ENOSPC" else ("Input/output error", "disk I/O error")
            if "读写文件失败" not in r.stderr or not any(c in r.stderr for c in causes):
                fail(f"import with {budget} bytes ({errno_name}): unclear error "
                     f"{r.stderr.strip()}")
            if faults_fired(report) == 0:
                fail(f"import failed with {budget} bytes of room but no fault fired")
            refused.append(f"{budget}:{errno_name}")
            ws.verify()
        if len(refused) < 3:
            fail(f"only {len(refused)} imports met a full disk: {refused}")
        if landed is None:
            ws.run("import", big)

        # A checkpoint on a full disk: the line is cut short, then refused. No torn line may
        # stay behind (every later verify would call it tampering), and the next one lands.
        cp = os.path.join(ws.dir, "checkpoints")
        ws.run("audit", "checkpoint", "--to", cp)
        os.path.exists(report) and os.unlink(report)
        env = shim_env(ws, report, HK_FAULT_BUDGET=100)
        env["HK_FAULT_PATH"] = cp
        r = ws.run("audit", "checkpoint", "--to", cp, check=False, env=env)
        no_crash("checkpoint on a full disk", r)
        if r.returncode != 1 or "No space left on device" not in r.stderr or \
                faults_fired(report) == 0:
            fail(f"checkpoint on a full disk: exit {r.returncode}, {r.stderr.strip()}")
        ws.verify(cp)
        ws.run("audit", "checkpoint", "--to", cp)
        if ws.verify(cp).get("checkpoints_checked") != 2:
            fail(f"after a refused checkpoint: {ws.verify(cp)}")
        if ws.persons() != before | file_ids:
            fail("after the disk had room again the import did not load everything")
        ws.verify()
        ws.integrity()
        return (f"CLI: {len(refused)} imports refused ({', '.join(refused)}), all or nothing; "
                f"a checkpoint cut short taken back")
    finally:
        ws.close()


class Client(threading.Thread):
    """Writes (or reads) until told to stop, whatever the answers; keeps every answer."""

    def __init__(self, server, kind, token, tag):
        super().__init__(daemon=True)
        self.server, self.kind, self.token, self.tag = server, kind, token, tag
        self.stop = threading.Event()
        self.answers = []  # (key, status, doc)
        self.lost = []

    def run(self):
        n = 0
        while not self.stop.is_set():
            n += 1
            path, key, body = request_for(self.kind, self.tag, n)
            try:
                status, doc = self.server.call("POST" if body else "GET", path, body,
                                               token=self.token)
            except Lost as e:
                self.lost.append(str(e))
                return
            self.answers.append((key, status, doc))


def server_disk_full():
    ws = Workspace(HUKOU, "hk-io-serve-")
    try:
        ws.make_registry(DATA)
        before = ws.persons()
        report = os.path.join(ws.dir, "faults")
        switch = os.path.join(ws.dir, "disk-full")
        s = Server(ws, "--access-flush", "0.05",
                   env=shim_env(ws, report, HK_FAULT_SWITCH=switch))
        admin = s.sign_in("rel.admin", PASSWORD)
        officer = s.sign_in("rel.officer", PASSWORD)
        clients = [Client(s, "birth", officer, "1"), Client(s, "account", admin, ""),
                   Client(s, "read", officer, "")]
        for c in clients:
            c.start()
        for _ in range(3):
            time.sleep(0.6)
            open(switch, "w").close()
            time.sleep(1.5)
            os.unlink(switch)
        time.sleep(0.6)
        for c in clients:
            c.stop.set()
            c.join(timeout=60)
        # Room again: a write succeeds without a restart.
        path, key, body = request_for("birth", "9", 1)
        status, final = s.call("POST", path, body, token=officer)
        if status != 201:
            fail(f"a birth once the disk had room again: {status} {final}")
        rc = s.stop()
        err = open(s.err).read()
        if rc != 0 or any(m in err for m in CRASH_MARKS):
            fail(f"hukou serve after the full disk: exit {rc}: {err[-1500:]}")

        lost = [x for c in clients for x in c.lost]
        if lost:
            fail(f"connections lost while the disk was full: {lost[:3]}")
        acked_births = {doc["id_number"] for c in clients if c.kind == "birth"
                        for _, st, doc in c.answers if st == 201} | {final["id_number"]}
        refused_births = {k for c in clients if c.kind == "birth"
                          for k, st, _ in c.answers if st != 201}
        acked_accounts = {k for c in clients if c.kind == "account"
                          for k, st, _ in c.answers if st == 201}
        refused_accounts = {k for c in clients if c.kind == "account"
                            for k, st, _ in c.answers if st != 201}
        odd = [(k, st, doc) for c in clients for k, st, doc in c.answers
               if not (200 <= st < 300) and not
               (st == 500 and isinstance(doc, dict) and doc["error"]["code"] == "io_error")]
        if odd:
            fail(f"answers other than 2xx and 500 io_error: {odd[:3]}")
        reads = [st for c in clients if c.kind == "read" for _, st, _ in c.answers]
        if not reads or any(st != 200 for st in reads):
            fail(f"reads while the disk was full: {len(reads)} made, "
                 f"{sum(st != 200 for st in reads)} not answered 200")
        if not refused_births or not refused_accounts or faults_fired(report) == 0:
            fail(f"the full disk refused {len(refused_births)} births and "
                 f"{len(refused_accounts)} accounts ({faults_fired(report)} faults)")
        messages = {doc["error"]["message_en"] for c in clients for _, st, doc in c.answers
                    if st == 500}

        persons, names = ws.persons(), ws.accounts()
        if acked_births - persons or acked_accounts - names:
            fail(f"acknowledged but missing: {sorted(acked_births - persons)[:3]} "
                 f"{sorted(acked_accounts - names)[:3]}")
        landed_refused = len(refused_accounts & names)
        # A refused birth would show as a person beyond those acknowledged.
        landed_refused += len(persons - before - acked_births)
        if landed_refused:
            fail(f"{landed_refused} writes answered 500 are in the registry anyway")
        ws.verify()
        ws.integrity()
        logged = sum(1 for line in ws.run("audit", "access", "--person", request_for(
            "read", "", 0)[0].rsplit("/", 1)[1]).stdout.splitlines()
            if '"GET /api/v1/persons/{id}"' in line)
        # Reads answered while the log could not be written were kept and written once there
        # was room: the trail has no gap (the stop writes whatever is still queued).
        if logged != len(reads):
            fail(f"{len(reads)} reads answered 200 but {logged} in the access log")
        return (f"server: {len(acked_births)} births and {len(acked_accounts)} accounts "
                f"acknowledged and present, {len(refused_births)} births and "
                f"{len(refused_accounts)} accounts refused with 500 io_error "
                f"({sorted(messages)}) and absent, {faults_fired(report)} faults injected; "
                f"{len(reads)} reads answered 200, {logged} in the access log")
    finally:
        ws.close()


def unprivileged():
    """A command prefix under which file modes bind (root has CAP_DAC_OVERRIDE)."""
    if os.geteuid() != 0:
        return []
    pre = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    probe = subprocess.run(pre + ["true"], capture_output=True, text=True)
    if probe.returncode != 0:
        fail(f"running as root and setpriv cannot drop CAP_DAC_OVERRIDE ({probe.stderr.strip()}):"
             " run the test as an ordinary user")
    return pre


def read_only():
    ws = Workspace(HUKOU, "hk-io-ro-")
    pre = unprivileged()
    try:
        ws.make_registry(DATA)
        big = os.path.join(ws.dir, "p.jsonl")
        with open(big, "w") as f:  # one more person for the import attempts
            f.write('{"id_number":"330402199001010019","hukou":{"division":"330402",'
                    '"household":"family","head":true}}\n')
        before, accounts = ws.persons(), ws.accounts()
        checked = []

        def refused(what, argv, stdin=None):
            r = subprocess.run(pre + [HUKOU, *argv, "--db", ws.db], input=stdin, text=True,
                               capture_output=True, timeout=120)
            no_crash(what, r)
            if r.returncode != 1 or not (f"cannot write {ws.db}" in r.stderr or
                                           f"cannot open {ws.db}" in r.stderr):
                fail(f"{what}: exit {r.returncode}, {r.stderr.strip()}")
            checked.append(what)
            return r.stderr.strip().splitlines()[-1]

        for mode_file, mode_dir, label in ((0o400, 0o700, "file 0400"),
                                           (0o600, 0o500, "directory 0500")):
            for leftover in ("-wal", "-shm"):  # a clean close removes them; be sure
                if os.path.exists(ws.db + leftover):
                    fail(f"{ws.db}{leftover} left after a clean close")
            os.chmod(ws.db, mode_file)
            os.chmod(ws.dir, mode_dir)
            try:
                said = refused(f"user add ({label})",
                               ["user", "add", "ro.user", "--role", "admin", "--password-stdin"],
                               PASSWORD + "\n")
                refused(f"import ({label})", ["import", big])
                refused(f"serve ({label})", ["serve", "--listen", "127.0.0.1:0"])
            finally:
                os.chmod(ws.dir, 0o700)
                os.chmod(ws.db, 0o600)
            if ws.persons() != before or ws.accounts() != accounts:
                fail(f"something was written to the read-only registry ({label})")
            ws.verify()

        # A server whose file turns read-only under it: it holds its descriptors, so it may go
        # on writing; whatever it acknowledged is there afterwards.
        s = Server(ws, prefix=pre)
        admin = s.sign_in("rel.admin", PASSWORD)
        c = Client(s, "account", admin, "ro")
        c.start()
        time.sleep(0.5)
        os.chmod(ws.db, 0o400)
        os.chmod(ws.dir, 0o500)
        time.sleep(1.0)
        c.stop.set()
        c.join(timeout=60)
        s.stop()
        os.chmod(ws.dir, 0o700)
        os.chmod(ws.db, 0o600)
        acked = {k for k, st, _ in c.answers if st == 201}
        if c.lost or acked - ws.accounts():
            fail(f"read-only under a running server: lost {c.lost[:2]}, missing "
                 f"{sorted(acked - ws.accounts())[:3]}")
        ws.verify()
        ws.integrity()
        return (f"read-only: {len(checked)} commands refused ({said!r}); a server whose file "
                f"turned read-only kept all {len(acked)} accounts it acknowledged")
    finally:
        os.chmod(ws.dir, 0o700)
        ws.close()


def main():
    for part in (cli_disk_full, server_disk_full, read_only):
        print(f"io_faults: {part()}", flush=True)


if __name__ == "__main__":
    main()
