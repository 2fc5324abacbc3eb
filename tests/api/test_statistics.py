"""GET /api/v1/statistics: an area's registered, resident and floating population by part,
the same report as `hukou stats summary --json` on the same registry."""
import json
import subprocess

from conftest import BIN, DB


def cli_report(area):
    out = subprocess.run([BIN, "stats", "summary", "--db", DB, "--area", area, "--json"],
                         check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    doc.pop("seconds")
    doc.pop("from_cache")
    return doc


def test_province_by_city_matches_the_cli(accounts):
    r = accounts["analyst"].get("/api/v1/statistics")
    assert r.status == 200, r.body
    doc = r.json()
    assert doc["area"] == {"code": "330000", "name": "浙江省", "type": "province"}
    assert doc["registry"]["persons"] > 0
    assert all(p["code"].startswith("33") and p["code"].endswith("00") for p in doc["parts"])
    assert sum(p["resident"] for p in doc["parts"]) == doc["totals"]["resident"]
    assert "resident_outside_province" in doc
    doc.pop("from_cache")
    assert doc == cli_report("330000")


def test_city_by_county(accounts):
    doc = accounts["analyst"].get("/api/v1/statistics?area=330100").json()
    assert doc["area"]["code"] == "330100" and doc["area"]["type"] == "city"
    assert all(p["code"].startswith("3301") for p in doc["parts"])
    assert "resident_outside_province" not in doc
    assert sum(p["registered"] for p in doc["parts"]) == doc["totals"]["registered"]


def test_no_personal_data_in_the_answer(accounts):
    body = accounts["analyst"].get("/api/v1/statistics").body.decode()
    assert "id_number" not in body and "id_masked" not in body


def test_officers_default_to_their_jurisdiction(accounts):
    doc = accounts["officer_in"].get("/api/v1/statistics").json()
    assert doc["area"]["code"] == "330411" and doc["parts"] == []
    r = accounts["officer_in"].get("/api/v1/statistics?area=330000")
    assert r.status == 403 and r.error()["field"] == "area"


def test_bad_areas_are_refused_naming_the_field(accounts):
    analyst = accounts["analyst"]
    for q in ("area=110000", "area=33", "area=abcdef", "area=999999"):
        r = analyst.get("/api/v1/statistics?" + q)
        assert r.status == 400, (q, r.body)
        assert r.error()["field"] == "area"
    r = analyst.get("/api/v1/statistics?city=330100")
    assert r.status == 400 and r.error()["field"] == "query.city"
