#!/usr/bin/env python3
"""Turn hukou JSON lines (hukou gen --out) into one CSV per table, the shape a user would hand to
SQLite's .import, PostgreSQL's COPY or DuckDB's read_csv: the peers of bench/gen_load.sh load
exactly the persons and histories hukou loads. Not timed. Usage: jsonl_to_csv.py IN.jsonl DIR"""
import csv
import json
import os
import sys

TABLES = {
    "person": ["id_number", "name", "birth_date", "sex", "marital_status", "education",
               "hukou_division", "household_no", "household_kind", "head", "hukou_urban"],
    "residence": ["id_number", "seq", "division", "urban", "valid_from", "valid_to"],
    "housing": ["id_number", "seq", "division", "urban", "kind", "valid_from", "valid_to"],
    "employment": ["id_number", "seq", "division", "collective_household", "valid_from", "valid_to"],
    "schooling": ["id_number", "seq", "division", "valid_from", "valid_to"],
    "insurance": ["id_number", "seq", "city", "from_month", "to_month", "pension_transferred"],
    "permit": ["id_number", "seq", "division", "valid_from", "valid_to"],
    "talent": ["id_number", "seq", "category", "division", "recognised"],
    "kinship": ["id_number", "seq", "relation", "relative_id_number"],
}


def b(v):
    return "" if v is None else ("1" if v else "0")


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    files = {t: open(os.path.join(out, t + ".csv"), "w", newline="", encoding="utf-8") for t in TABLES}
    w = {t: csv.writer(f, lineterminator="\n") for t, f in files.items()}
    with open(src, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            i = d["id_number"]
            h = d.get("hukou", {})
            sex = "M" if int(i[16]) % 2 else "F"
            w["person"].writerow([i, d.get("name", ""), f"{i[6:10]}-{i[10:12]}-{i[12:14]}", sex,
                                  d.get("marital_status", ""), d.get("education", ""),
                                  h.get("division", ""), h.get("household_no", ""),
                                  h.get("household", ""), b(h.get("head")), b(h.get("urban"))])
            for n, r in enumerate(d.get("residence", [])):
                w["residence"].writerow([i, n, r["division"], b(r.get("urban")), r["from"], r.get("to") or ""])
            for n, r in enumerate(d.get("housing", [])):
                w["housing"].writerow([i, n, r["division"], b(r.get("urban")), r["kind"], r["from"], r.get("to") or ""])
            for n, r in enumerate(d.get("employment", [])):
                w["employment"].writerow([i, n, r["division"], b(r.get("collective_household")), r["from"], r.get("to") or ""])
            for n, r in enumerate(d.get("schooling", [])):
                w["schooling"].writerow([i, n, r["division"], r["from"], r.get("to") or ""])
            for n, r in enumerate(d.get("social_insurance", [])):
                w["insurance"].writerow([i, n, r["city"], r["from"], r.get("to") or "", b(r.get("pension_transferred"))])
            for n, r in enumerate(d.get("residence_permits", [])):
                w["permit"].writerow([i, n, r["division"], r["from"], r.get("to") or ""])
            for n, r in enumerate(d.get("talent", [])):
                w["talent"].writerow([i, n, r["category"], r["division"], r.get("recognised") or ""])
            for n, r in enumerate(d.get("relatives", [])):
                w["kinship"].writerow([i, n, r["relation"], r["id_number"]])
    for f in files.values():
        f.close()


if __name__ == "__main__":
    main()
