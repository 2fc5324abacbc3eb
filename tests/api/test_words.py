"""Issue 10: every refusal a resident or officer reads is a sentence in Chinese (`message`) and
in English (`message_en`), naming the field as before, with codes shown by their labels, never
internal names. A sample per area: the HTTP layer, residence, households and births, permits,
accounts, search, facts, applications."""
import re

import pytest

from conftest import sample_ids

CJK = re.compile(r"[\u4e00-\u9fff]")


def words(r, status, field, zh, en):
    """The refusal has the status and field of before, zh in the Chinese message (after the
    error table's text) and en in the English one, which holds no Chinese."""
    assert r.status == status, r.body[:300]
    e = r.error()
    assert e["field"] == field, e
    assert zh in e["message"], e
    assert en in e["message_en"], e
    assert not CJK.search(e["message_en"]), e
    # The Chinese message is Chinese after the field too, not the English detail again.
    assert en not in e["message"], e
    return e


# ---- the HTTP layer: path, sign-in, role, query, body ----

def test_http_layer_refusals(api, accounts):
    words(api.get("/api/v1/nothing-here"), 404, "path", "没有这个资源", "no such resource")
    words(api.get("/api/v1/persons/me"), 401, "Authorization", "请先登录", "sign in")
    words(accounts["analyst"].get("/api/v1/persons/" + sample_ids()[0]), 403, None,
          "统计分析员账户不能办理此事项", "not for the role analyst")
    words(accounts["officer_in"].get("/api/v1/residence?limit=0"), 400, "limit",
          "须为 1 至", "a number from 1 to")
    words(accounts["officer_in"].post("/api/v1/persons/search", "{x",
                                         headers={"Content-Type": "application/json"}), 400, "body",
          "不是 JSON", "not JSON")
    words(accounts["officer_in"].get("/api/v1/persons/12345"), 400, "id",
          "不是有效的身份证号码（位数不对", "not a valid ID number (length)")


# ---- residence registration ----

def test_residence_refusals(accounts):
    ids = sample_ids()
    words(accounts["resident"].post(f"/api/v1/persons/{ids[1]}/residence/declare",
                                    {"division": "330411", "address": "a", "urban": True, "moved_in": "2024-06-01"}),
          403, "id", "居民只能办理本人的事项", "residents reach their own records only")
    words(accounts["officer_in"].post(f"/api/v1/persons/{ids[0]}/residence/change",
                                      {"division": "330400", "address": "a", "urban": True,
                                       "moved_in": "2024-06-01"}),
          403, "division", "不在您的辖区 330411 内", "outside jurisdiction 330411")
    words(accounts["supervisor"].post(f"/api/v1/persons/{ids[0]}/residence/change",
                                      {"division": "330400", "address": "a", "urban": True,
                                       "moved_in": "2024-06-01"}),
          400, "division", "请填写县（市、区），不能只填地级市",
          "name the county or district, not a city")


# ---- households and births ----

def test_household_refusals(accounts):
    words(accounts["analyst"].post("/api/v1/households",
                                   {"kind": "family", "division": "330411"}),
          403, "role", "统计分析员账户不能办理立户、出生或死亡登记",
          "analyst accounts cannot register households, births or deaths")
    words(accounts["officer_in"].post("/api/v1/households",
                                      {"kind": "tent", "division": "330411"}),
          400, "kind", "family（家庭户）或 collective（集体户）", "family or collective")


# ---- permits ----

def test_permit_refusals(accounts):
    words(accounts["analyst"].post(f"/api/v1/persons/{sample_ids()[0]}/permit/endorse", {}),
          403, "role", "统计分析员账户无权查看个人记录", "analyst accounts have no access")


# ---- accounts ----

def test_account_refusals(api, accounts):
    words(accounts["root"].post("/api/v1/users", {"name": "x1", "role": "boss",
                                                  "password": "long enough 1"}),
          400, "role", "户籍民警", "one of resident, officer")
    words(api.post("/api/v1/sessions", {"name": "nobody", "password": "wrong password"}),
          401, "password", "账户名或密码错误", "wrong name or password")


# ---- search ----

def test_search_refusals(accounts):
    words(accounts["analyst"].post("/api/v1/persons/search", {"name": "王"}), 403, None,
          "统计分析员账户不能办理此事项", "not for the role analyst")
    words(accounts["officer_in"].post("/api/v1/persons/search", {}), 400, "body",
          "至少填写一项", "id_number, name or address: at least one")


# ---- facts ----

def test_fact_refusals(accounts):
    ids = sample_ids()
    words(accounts["officer_in"].post(f"/api/v1/persons/{ids[0]}/facts",
                                      {"kind": "weather", "fact": {}}),
          400, "kind", "housing（住房）", "one of housing")


# ---- applications ----

def test_application_refusals(accounts):
    words(accounts["officer_in"].get("/api/v1/applications/abc"), 400, "id",
          "不是申请编号", "not an application number")
    words(accounts["analyst"].get("/api/v1/applications"), 403, "role",
          "统计分析员账户无权办理申请", "analyst accounts have no access to applications")
    words(accounts["officer_in"].get("/api/v1/applications?state=opened"), 400, "state",
          "material_requested（待补充材料）", "one or more (comma-separated)")
