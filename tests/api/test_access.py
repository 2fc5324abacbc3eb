"""The access log (九): every read of a person's data through the API is recorded (who, role,
which person, endpoint, when, a department's stated purpose), written in batches by the server's
log writer, hash-chained; `hukou audit access --person ID` lists it and `hukou audit verify`
checks its chain. Neither holds a full ID number."""
import json
import time

from conftest import DB, PASSWORD, hukou, sample_ids

IDS = sample_ids()


def entries(pid, want, timeout=10):
    """hukou audit access --person pid, waiting (the writer flushes every 0.1 s) until at least
    `want` entries are there."""
    deadline = time.time() + timeout
    while True:
        code, out, err = hukou("audit", "access", "--person", pid, "--db", DB)
        assert code == 0, err
        rows = [json.loads(l) for l in out.splitlines()]
        if len(rows) >= want or time.time() > deadline:
            return rows, out
        time.sleep(0.1)


def test_reads_are_logged_with_who_what_and_why(api, accounts):
    pid = IDS[4]  # hukou in 330106
    before, _ = entries(pid, 0)
    officer = accounts["officer_out"]
    assert officer.get(f"/api/v1/persons/{pid}").status == 200
    assert officer.get(f"/api/v1/persons/{pid}/eligibility?target=330106&as_of=2024-06-01"
                       ).status == 200
    # Refused and failed reads read nothing, and log nothing.
    assert accounts["officer_in"].get(f"/api/v1/persons/{pid}").status == 404
    assert accounts["analyst"].get(f"/api/v1/persons/{pid}").status == 403
    r = accounts.both_keys.get(f"/api/v1/questions/hukou-registered?id_number={pid}"
                               "&division=330106")
    assert r.json() == {"answer": True}
    rows, out = entries(pid, len(before) + 3)
    new = rows[len(before):]
    assert [(e["actor"], e["role"], e["endpoint"]) for e in new] == [
        ("officer:officer_out", "officer", "GET /api/v1/persons/{id}"),
        ("officer:officer_out", "officer", "GET /api/v1/persons/{id}/eligibility"),
        ("department:both_keys", "department", "GET /api/v1/questions/hukou-registered"),
    ]
    assert new[2]["purpose"] == "case 2024-18" and "purpose" not in new[0]
    assert all(e["person"].endswith(pid[-4:]) and "*" in e["person"] for e in new)
    assert all(e["at"].endswith("Z") for e in new)
    assert pid not in out
    # Someone else's log is someone else's.
    other, _ = entries(IDS[3], 0)
    assert all(e["seq"] not in {n["seq"] for n in new} for e in other)


def test_chain_verifies_and_grows(api, accounts):
    resident = accounts["resident"]
    code, out, err = hukou("audit", "verify", "--db", DB)
    assert code == 0, err
    first = json.loads(out)["access_checked"]
    for _ in range(20):
        assert resident.get(f"/api/v1/persons/{IDS[0]}").status == 200
    deadline = time.time() + 10
    while True:
        code, out, err = hukou("audit", "verify", "--db", DB)
        d = json.loads(out)
        if d["access_checked"] >= first + 20 or time.time() > deadline:
            break
        time.sleep(0.1)
    assert code == 0 and d["valid"], out
    assert d["access_checked"] >= first + 20


def test_sigterm_writes_what_is_queued(server, tmp_path):
    # A server whose log writer waits long: only the stop can have written the entries.
    import sqlite3
    db = tmp_path / "own.db"
    src, dst = sqlite3.connect(DB), sqlite3.connect(db)
    src.backup(dst)  # consistent, WAL and all
    src.close()
    dst.close()
    srv = server("--rate", "0", "--access-flush", "60", db=str(db))
    c = srv.client.login("officer_in", PASSWORD)
    for _ in range(5):
        assert c.get(f"/api/v1/persons/{IDS[0]}").status == 200
    code, out, err = hukou("audit", "access", "--person", IDS[0], "--db", str(db))
    before = len(out.splitlines())
    assert srv.stop() == 0
    code, out, err = hukou("audit", "access", "--person", IDS[0], "--db", str(db))
    assert code == 0, err
    assert len(out.splitlines()) == before + 5
    code, out, err = hukou("audit", "verify", "--db", str(db))
    assert code == 0 and json.loads(out)["valid"], out


def test_relatives_read_for_an_answer_are_logged_as_theirs(accounts):
    pid, relative = IDS[0], IDS[1]
    before, _ = entries(relative, 0)
    r = accounts["officer_in"].get(f"/api/v1/persons/{pid}/eligibility?target=330411"
                                   f"&as_of=2024-06-01&consent={relative}")
    assert r.status == 200, r.body
    rows, out = entries(relative, len(before) + 1)
    new = rows[len(before):]
    assert [(e["actor"], e["endpoint"]) for e in new] == [
        ("officer:officer_in", "GET /api/v1/persons/{id}/eligibility (as a relative)")]
    assert relative not in out


def test_checkpoint_sees_the_last_entries_removed(accounts, tmp_path):
    # Issue 16: the chain alone cannot show its last entries deleted; a checkpoint kept outside
    # the database does.
    import sqlite3
    resident = accounts["resident"]
    before, _ = entries(IDS[0], 0)
    for _ in range(3):
        assert resident.get(f"/api/v1/persons/{IDS[0]}").status == 200
    entries(IDS[0], len(before) + 3)
    db, cps = tmp_path / "copy.db", tmp_path / "checkpoints"
    src, dst = sqlite3.connect(DB), sqlite3.connect(db)
    src.backup(dst)
    src.close()
    code, out, err = hukou("audit", "checkpoint", "--db", str(db), "--to", str(cps))
    assert code == 0, err
    saw = json.loads(out)["access_seq"]
    assert saw >= 3
    dst.execute("DELETE FROM access_log WHERE seq = (SELECT max(seq) FROM access_log)")
    dst.commit()
    dst.close()
    code, out, err = hukou("audit", "verify", "--db", str(db))
    assert code == 0, out  # the chain alone still holds together
    code, out, err = hukou("audit", "verify", "--db", str(db), "--checkpoint", str(cps))
    assert code == 1, out
    assert ("access log checkpoint of" in json.loads(out)["reason"]
            and f"saw entry {saw} " in out and f"now ends at {saw - 1}" in out), out
    assert "访问日志" in err


def test_writes_beside_reads(accounts):
    # Issue 16: `--writes` puts the events naming the person beside the reads, in time order.
    resident = accounts["resident"]
    before, _ = entries(IDS[0], 0)
    assert resident.get(f"/api/v1/persons/{IDS[0]}").status == 200
    entries(IDS[0], len(before) + 1)
    code, out, err = hukou("audit", "access", "--person", IDS[0], "--writes", "--db", DB)
    assert code == 0, err
    rows = [json.loads(l) for l in out.splitlines()]
    reads = [r for r in rows if r["kind"] == "read"]
    assert len(reads) >= len(before) + 1
    assert all(r["kind"] in ("read", "write") for r in rows)
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)
    assert IDS[0] not in out
