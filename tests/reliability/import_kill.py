#!/usr/bin/python3
"""Proof 1b of issue 16: `hukou import` killed part-way leaves all of it or none of it.

A synthetic file (`hukou gen --persons HK_IMPORT_PERSONS`, default 8,000) is imported into two
registries, killed with SIGKILL at a random moment between 5 % and 80 % of the time a whole
import into a scratch registry made the same way took, HK_IMPORT_KILLS times each (default 5):
  - an empty registry (the bulk path: rollback journal, indexes dropped and rebuilt), and
  - a registry already holding the sample (the WAL path, through the indexes).
After each kill the registry holds exactly what it held before or everything (counted through
`hukou export`), and `hukou audit verify` passes. Finally the import runs to its end and the
registry holds every person of the file, verified again.

Usage: import_kill.py PATH/TO/hukou    env HK_IMPORT_PERSONS, HK_IMPORT_KILLS, HK_SEED, HK_KEEP
"""
import json
import os
import random
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rel import Workspace, fail  # noqa: E402

HUKOU = sys.argv[1] if len(sys.argv) > 1 else fail("usage: import_kill.py PATH/TO/hukou")
DATA = os.environ.get("HK_TEST_DATA") or fail("HK_TEST_DATA is not set")
PERSONS = int(os.environ.get("HK_IMPORT_PERSONS", "8000"))
KILLS = int(os.environ.get("HK_IMPORT_KILLS", "5"))
SEED = int(os.environ.get("HK_SEED", str(time.time_ns() % 2**31)))


def timed_import(ws, path):
    t0 = time.monotonic()
    ws.run("import", path)
    return time.monotonic() - t0


def killed_import(ws, path, after):
    """Starts an import and SIGKILLs it `after` seconds in; True if it had already finished."""
    proc = subprocess.Popen([HUKOU, "import", "--db", ws.db, path],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=after)
        return proc.returncode == 0
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return False


def phase(name, ws, big, file_ids, rng, whole):
    before = ws.persons()
    everything = before | file_ids
    finished = 0
    for k in range(KILLS):
        after = rng.uniform(0.05, 0.8) * whole
        done = killed_import(ws, big, after)
        now = ws.persons()
        if now != before and now != everything:
            fail(f"{name}, kill {k} at {after:.2f} s: {len(now)} persons, neither the "
                 f"{len(before)} before nor all {len(everything)}")
        ws.verify()
        if now == everything:
            finished += 1
            break  # it ran to its end before the kill: nothing more to interrupt
        if done:
            fail(f"{name}: the import exited 0 but its persons are not there")
    if ws.persons() != everything:
        ws.run("import", big)
    if ws.persons() != everything:
        fail(f"{name}: after a whole import {len(ws.persons())} persons, expected "
             f"{len(everything)}")
    ws.verify()
    return k + 1, finished


def main():
    print(f"import_kill: seed {SEED}, {PERSONS} persons, {KILLS} kills per registry",
          file=sys.stderr, flush=True)
    rng = random.Random(SEED)
    ws = Workspace(HUKOU, "hk-import-kill-")
    try:
        big = os.path.join(ws.dir, "big.jsonl")
        ws.run("gen", "--persons", str(PERSONS), "--seed", "16", "--out", big, "--quiet",
               db=False)
        with open(big) as f:
            file_ids = {json.loads(line)["id_number"] for line in f if line.strip()}
        if len(file_ids) < PERSONS * 0.9:
            fail(f"gen wrote {len(file_ids)} persons, expected about {PERSONS}")

        # Each registry: first a whole import into a scratch registry made the same way, for
        # how long one takes here, then the killed imports.
        kills, whole = [], []
        for name, seed_file in (("empty registry", None),
                                ("registry with data", os.path.join(DATA, "registry_sample.jsonl"))):
            scratch = Workspace(HUKOU, "hk-import-ref-")
            target = Workspace(HUKOU, "hk-import-kill-")
            try:
                for w in (scratch, target):
                    w.run("init")
                    if seed_file:
                        w.run("import", seed_file)
                whole.append(timed_import(scratch, big))
                scratch.close()
                kills.append(phase(name, target, big, file_ids, rng, whole[-1]))
            finally:
                scratch.close()
                target.close()
        print(f"import_kill: {len(file_ids)} persons; empty registry: a whole import "
              f"{whole[0]:.1f} s, {kills[0][0]} kills ({kills[0][1]} after the end); registry "
              f"with data: {whole[1]:.1f} s, {kills[1][0]} kills ({kills[1][1]} after the end); "
              f"every time all or nothing, audit verify passing")
    finally:
        ws.close()


if __name__ == "__main__":
    main()
