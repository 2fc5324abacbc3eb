#!/usr/bin/env python3
# Generates tests/policy/cases/*.json, the golden eligibility cases (run by unit.policy_cases).
# Edit the cases here and rerun; the JSON files are committed so the tests need no Python.
import json, copy, os
W=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]
def idn(addr, birth, seq):
    s=f"{addr}{birth}{seq:03d}"; return s+"10X98765432"[sum(int(c)*w for c,w in zip(s,W))%11]
ADULT=idn("341222","19900101",11)   # M, 34 on 2024-06-01
MINOR=idn("341222","20100315",22)   # F, 14
OLD=idn("412723","19600402",33)
CHILD_ADULT=idn("330402","19950505",41)
CHILD_MINOR=idn("330402","20120505",42)
PARENT=idn("330402","19650808",51)
SPOUSE=idn("330402","19910202",62)
def base(target="330402", res_div=None, frm="2021-03-01"):
    rd = res_div or target
    return {"as_of":"2024-06-01","target":target,"person":{"id_number":ADULT,"marital_status":"unmarried","education":"bachelor",
      "hukou":{"division":"341222","household":"family","head":False},
      "residence":[{"division":rd,"from":frm,"to":None,"urban":True}],
      "housing":[{"division":rd,"from":frm,"to":None,"urban":True,"kind":"rented"}],
      "employment":[],"schooling":[],"social_insurance":[],"residence_permits":[],"talent":[]},
      "parameters":{"330400":{"residence.min_years":2,"residence.min_insurance_years":0,"residence.yrd_recognition":False,"permit.min_months":6,"permit.talent_waives_half_year":False}}}
cases=[]
def case(name, sit, checks, exit=0):
    cases.append((name,{"name":name,"situation":sit,"expect":{"exit":exit,"checks":checks}}))
R="settlement.pathways[residence]"; P="residence_permit"; HZ="settlement.pathways[hangzhou_points]"
C="settlement.pathways[permit_conversion]"; T="settlement.pathways[talent]"; F="settlement.pathways[family]"
# --- (二) residence: anniversary boundaries
s=base(frm="2022-06-01"); case("residence-anniversary-day-met", s, {R+".eligible":True, R+".eligible_from":"2024-06-01", R+".conditions[residence_years].met":True, "facts.residence_months":24})
s=base(frm="2022-06-01"); s["as_of"]="2024-05-31"; case("residence-day-before-anniversary-unmet", s, {R+".eligible":False, R+".eligible_from":"2024-06-01", R+".conditions[residence_years].met":False, "facts.residence_months":23})
s=base(frm="2024-02-29"); s["parameters"]["330400"]["residence.min_years"]=1; s["as_of"]="2025-02-28"
case("residence-leap-day-anniversary-clamps", s, {R+".eligible_from":"2025-02-28", R+".eligible":True})
s=base(); s["person"]["residence"]=[{"division":"330402","from":"2020-01-01","to":"2021-12-31","urban":True},{"division":"330402","from":"2022-01-01","to":None,"urban":True}]
case("residence-one-day-gap-breaks-run", s, {"facts.residence_since":"2022-01-01", R+".eligible":True, R+".eligible_from":"2024-01-01"})
s=base(); s["person"]["residence"]=[{"division":"330402","from":"2020-01-01","to":"2022-01-01","urban":True},{"division":"330402","from":"2022-01-01","to":None,"urban":True}]
case("residence-touching-periods-join", s, {"facts.residence_since":"2020-01-01"})
s=base(); s["person"]["residence"]=[{"division":"330106","from":"2019-01-01","to":"2022-01-01","urban":True},{"division":"330402","from":"2022-01-01","to":None,"urban":True}]
case("residence-other-city-does-not-count", s, {"facts.residence_since":"2022-01-01","facts.residence_months":29})
s=base(); s["person"]["residence"]=[{"division":"320505","from":"2019-01-01","to":"2022-01-01","urban":True},{"division":"330402","from":"2022-01-01","to":None,"urban":True}]; s["parameters"]["330400"]["residence.yrd_recognition"]=True
case("residence-yrd-recognition-joins-suzhou", s, {"facts.residence_since":"2019-01-01", R+".eligible":True})
s=base(); s["person"]["residence"]=[{"division":"330402","from":"2024-07-01","to":None,"urban":True}]
case("residence-period-after-as-of-ignored", s, {"facts.residence_since":None, R+".conditions[living_in_target_urban].met":False, R+".eligible_from":None, P+".eligible":False})
s=base(); s["person"]["residence"]=[{"division":"330411","from":"2021-03-01","to":None,"urban":True}]
case("residence-living-elsewhere-in-city", s, {"facts.residence_since":"2021-03-01", R+".conditions[living_in_target_urban].met":False, R+".eligible_from":None})
s=base(); s["person"]["residence"][0]["urban"]=False
case("residence-not-urban-address", s, {R+".conditions[living_in_target_urban].met":False, R+".eligible":False, P+".eligible":True})
s=base(); s["person"]["housing"][0]["kind"]="relative"
case("residence-housing-with-relatives-not-legal-stable", s, {R+".conditions[legal_stable_housing].met":False, R+".eligible_from":None})
s=base(); s["person"]["housing"][0]["legal"]=False
case("residence-housing-not-legal", s, {R+".conditions[legal_stable_housing].met":False})
s=base(); s["person"]["housing"][0]["kind"]="owned"
case("residence-owned-housing-met", s, {R+".conditions[legal_stable_housing].met":True, R+".eligible":True})
s=base(); s["person"]["housing"][0]["urban"]=False
case("residence-housing-not-urban", s, {R+".conditions[legal_stable_housing].met":False})
s=base(); s["person"]["hukou"]={"division":"330402","household":"family","head":False}
case("residence-already-registered", s, {R+".applicable":False, R+".reason":"already_registered", P+".applicable":False, T+".applicable":False})
# --- (七) insurance
def ins(s, spans, years):
    s["person"]["social_insurance"]=spans; s["parameters"]["330400"]["residence.min_insurance_years"]=years; s["parameters"]["330400"]["residence.min_years"]=0
s=base(); ins(s,[{"city":"330400","from":"2023-07","to":None}],1)
case("insurance-last-needed-month-is-as-of-month", s, {"facts.insurance_months":12, R+".conditions[insurance_months].met":True, R+".eligible_from":"2024-06-01"})
s=base(); ins(s,[{"city":"330400","from":"2023-08","to":None}],1)
case("insurance-one-month-short", s, {"facts.insurance_months":11, R+".eligible":False, R+".eligible_from":"2024-07-01"})
s=base(); ins(s,[{"city":"330400","from":"2023-07","to":"2023-12"}],1)
case("insurance-stopped-waiting-will-not-do", s, {"facts.insurance_months":6, R+".eligible_from":None})
s=base(); ins(s,[{"city":"330400","from":"2022-01","to":"2022-12"},{"city":"330400","from":"2022-07","to":"2023-06"}],1)
case("insurance-month-paid-twice-counts-once", s, {"facts.insurance_months":18, R+".conditions[insurance_months].met":True, R+".eligible_from":"2022-12-01"})
s=base(); ins(s,[{"city":"320500","from":"2015-01","to":"2018-12","pension_transferred":False}],1)
case("insurance-yrd-not-transferred-does-not-count", s, {"facts.insurance_months":0})
s=base(); ins(s,[{"city":"420100","from":"2015-01","to":"2018-12","pension_transferred":True}],1)
case("insurance-outside-yrd-does-not-count", s, {"facts.insurance_months":0})
s=base(); ins(s,[{"city":"330400","from":"2024-03","to":"2025-12"}],1)
case("insurance-months-after-as-of-ignored", s, {"facts.insurance_months":4, R+".eligible_from":"2025-02-01"})
# --- (三) permit
s=base(frm="2023-12-02"); case("permit-half-year-one-day-short", s, {P+".eligible":False, P+".eligible_from":"2024-06-02"})
s=base(frm="2023-12-01"); case("permit-half-year-on-the-day", s, {P+".eligible":True, P+".eligible_from":"2024-06-01"})
s=base(frm="2024-03-01"); s["person"]["talent"]=[{"category":"master","division":"330400"}]; s["parameters"]["330400"]["permit.talent_waives_half_year"]=True
case("permit-talent-waives-half-year", s, {P+".eligible":True, P+".conditions[residence_half_year].met":True})
s=base(); s["person"]["housing"]=[]
case("permit-no-basis", s, {P+".eligible":False, P+".eligible_from":None, P+".conditions[permit_basis].met":False})
s=base(); s["person"]["housing"]=[]; s["person"]["employment"]=[{"division":"330421","from":"2021-05-01","to":None}]
case("permit-basis-employment-in-city", s, {P+".eligible":True, P+".conditions[permit_basis].value":"employment", P+".eligible_from":"2021-09-01"})
s=base(); s["person"]["housing"]=[]; s["person"]["schooling"]=[{"division":"330402","from":"2022-09-01","to":None}]
case("permit-basis-schooling", s, {P+".eligible":True, P+".eligible_from":"2022-09-01"})
# --- (四) permit conversion
def conv(s, permits, years=3):
    s["person"]["residence_permits"]=permits; s["parameters"]["330400"]["permit_conversion.min_years"]=years
s=base(frm="2019-01-01"); conv(s,[{"division":"330402","from":"2019-07-01","to":"2020-07-01"},{"division":"330402","from":"2020-08-01","to":"2021-08-01"},{"division":"330402","from":"2021-08-01","to":"2024-08-01"}])
case("conversion-lapsed-endorsement-restarts-run", s, {"facts.permit_since":"2020-08-01", C+".eligible":True, C+".eligible_from":"2023-08-01"})
s=base(frm="2019-01-01"); conv(s,[{"division":"330402","from":"2019-07-01","to":"2024-05-01"}])
case("conversion-permit-expired", s, {C+".conditions[permit_valid].met":False, C+".eligible_from":None})
s=base(frm="2019-01-01"); conv(s,[{"division":"330402","from":"2021-06-01","to":"2025-06-01"}])
case("conversion-anniversary-day", s, {C+".eligible":True, C+".eligible_from":"2024-06-01"})
s=base(frm="2019-01-01"); conv(s,[{"division":"330402","from":"2021-06-02","to":"2025-06-01"}])
case("conversion-day-before-anniversary", s, {C+".eligible":False, C+".eligible_from":"2024-06-02"})
# --- (二) Hangzhou points
PTS={"points.threshold":100,"points.items":[{"id":"insurance","basis":"insurance_months","per":1,"points":1,"cap":120},{"id":"residence","basis":"residence_months","per":12,"points":5,"cap":50},{"id":"education","basis":"education","table":{"bachelor":30}}]}
def hz(s):
    s["target"]="330106"; s["person"]["residence"][0]["division"]="330106"; s["person"]["housing"][0]["division"]="330106"
    s["person"]["residence_permits"]=[{"division":"330106","from":"2021-09-01","to":"2025-09-01"}]
    s["parameters"]={"330100":dict(PTS)}
s=base(frm="2019-06-01"); hz(s); s["person"]["social_insurance"]=[{"city":"330100","from":"2019-07","to":None}]
case("points-enough", s, {"target.hangzhou_urban":True, R+".applicable":False, R+".reason":"hangzhou_urban_area", HZ+".eligible":True, HZ+".points.total":115, HZ+".eligible_from":"2023-08-01"})
s=base(frm="2021-06-01"); hz(s); s["person"]["social_insurance"]=[{"city":"330100","from":"2022-07","to":None}]
# 24 ins + 15 res + 30 edu = 69 -> needs 31 more; each month +1, residence +5 at 2024-06-01 anniversaries
case("points-not-yet-projected-date", s, {HZ+".eligible":False, HZ+".points.total":69, HZ+".eligible_from":"2026-06-01"})
s=base(frm="2019-06-01"); hz(s); s["person"]["social_insurance"]=[{"city":"330100","from":"2019-07","to":None}]; s["person"]["residence_permits"]=[]
case("points-no-hangzhou-permit", s, {HZ+".conditions[hangzhou_permit].met":False, HZ+".eligible":False, HZ+".eligible_from":None})
s=base(frm="2019-06-01"); hz(s); s["person"]["id_number"]=MINOR; s["person"]["social_insurance"]=[{"city":"330100","from":"2019-07","to":None}]
case("points-minor-not-adult", s, {HZ+".conditions[adult].met":False, HZ+".eligible_from":"2028-03-15"})
s=base(); s["target"]="330122"; s["person"]["residence"][0]["division"]="330122"; s["person"]["housing"][0]["division"]="330122"; s["parameters"]={"330100":{"residence.min_years":1}}
case("hangzhou-county-outside-urban-area", s, {"target.hangzhou_urban":False, HZ+".applicable":False, HZ+".reason":"outside_hangzhou_urban_area", R+".eligible":True})
# --- (五) talent
def tal(s, cat="bachelor"):
    s["person"]["talent"]=[{"category":cat,"division":"330400"}]; s["parameters"]["330400"]["talent.categories"]=["bachelor","master","doctor"]
s=base(); tal(s); case("talent-own-housing-rank-1", s, {T+".eligible":True, T+".address.rank":1, T+".address.kind":"own_housing"})
s=base(); tal(s,"associate"); case("talent-category-not-recognised", s, {T+".eligible":False, T+".conditions[talent_category].met":False, T+".eligible_from":None})
s=base(); tal(s); s["person"]["housing"]=[]; s["relatives"]=[{"relation":"friend","id_number":SPOUSE,"hukou":{"division":"330411","household":"family","head":True,"urban":True},"consents":True}]
case("talent-host-household-rank-2", s, {T+".address.rank":2, T+".address.kind":"host_household", T+".address.division":"330411"})
s=base(); tal(s); s["person"]["housing"]=[]; s["relatives"]=[{"relation":"friend","id_number":SPOUSE,"hukou":{"division":"330411","household":"family","head":True,"urban":True},"consents":False}]; s["person"]["employment"]=[{"division":"330402","from":"2021-04-01","to":None,"collective_household":True}]
case("talent-employer-collective-rank-3", s, {T+".address.rank":3, T+".address.kind":"employer_collective"})
s=base(); tal(s); s["person"]["housing"]=[]
case("talent-service-collective-rank-4", s, {T+".address.rank":4, T+".address.kind":"talent_service_collective", T+".address.division":"330402"})
s=base(); tal(s); s["person"]["housing"]=[]; s["relatives"]=[{"relation":"parent","id_number":PARENT,"housing":[{"division":"330411","from":"2010-01-01","to":None,"urban":True,"kind":"owned"}]}]
case("talent-direct-relative-housing-rank-1", s, {T+".address.rank":1, T+".address.division":"330411"})
s=base(); tal(s); s["person"]["residence"]=[]; s["person"]["housing"]=[]
case("talent-not-living-or-working", s, {T+".conditions[living_or_working_in_city].met":False, T+".eligible":False})
# --- (六) family
def fam(s, rels, target="330402"):
    s["person"]["residence"]=[]; s["person"]["housing"]=[]; s["relatives"]=rels; s["parameters"]["330400"]["family.unmarried_children"]=True
child=lambda idn=CHILD_ADULT, div="330402": {"relation":"child","id_number":idn,"marital_status":"married","hukou":{"division":div,"household":"family","head":True,"urban":True},"housing":[{"division":"330402","from":"2018-01-01","to":None,"urban":True,"kind":"owned"}]}
s=base(); s["person"]["id_number"]=OLD; fam(s,[child()])
case("family-parent-joins-adult-child", s, {F+".eligible":True, F+".rule":"parent_joins_child", F+".eligible_from":"2018-01-01"})
s=base(); s["person"]["id_number"]=OLD; fam(s,[child(CHILD_MINOR)])
case("family-child-not-adult", s, {F+".conditions[child_adult].met":False, F+".eligible":False, F+".eligible_from":"2030-05-05"})
s=base(); s["person"]["id_number"]=OLD; fam(s,[child(div="330411")])
case("family-child-hukou-elsewhere", s, {F+".conditions[child_hukou_in_target].met":False, F+".eligible":False})
s=base(); s["person"]["id_number"]=ADULT; fam(s,[child()]); s["parameters"]["330400"]["family.parent_min_age"]=60
case("family-parent-age-limit-what-if", s, {F+".conditions[parent_age].met":False, F+".eligible_from":"2050-01-01"})
par=lambda: {"relation":"parent","id_number":PARENT,"hukou":{"division":"330402","household":"family","head":True,"urban":True},"housing":[{"division":"330402","from":"2000-01-01","to":None,"urban":True,"kind":"owned"}]}
s=base(); fam(s,[par()]); s["person"]["id_number"]=CHILD_ADULT; s["relatives"][0]["id_number"]=PARENT
case("family-unmarried-adult-child-joins-parent", s, {F+".eligible":True, F+".rule":"child_joins_parent"})
s=base(); fam(s,[par()]); s["person"]["marital_status"]="married"
case("family-married-adult-child-cannot-join-parent", s, {F+".eligible":False, F+".conditions[minor_or_unmarried].met":False})
s=base(); fam(s,[par()]); s["parameters"]["330400"]["family.unmarried_children"]=False
case("family-unmarried-children-off", s, {F+".conditions[minor_or_unmarried].met":False})
s=base(); fam(s,[par()]); s["person"]["id_number"]=MINOR; s["person"]["marital_status"]="unmarried"
case("family-minor-joins-parent", s, {F+".eligible":True, F+".rule":"child_joins_parent"})
sp=lambda: {"relation":"spouse","id_number":SPOUSE,"hukou":{"division":"330402","household":"family","head":True,"urban":True}}
s=base(); fam(s,[sp()]); s["person"]["hukou"]={"division":"330402","household":"family","head":False}
case("family-head-household-same-county-already-registered", s, {F+".applicable":True, F+".eligible":True, F+".rule":"head_household", R+".applicable":False})
s=base(); fam(s,[sp()]); s["person"]["hukou"]={"division":"330411","household":"family","head":False}
case("family-head-household-urban-districts-same-city", s, {F+".eligible":True, F+".rule":"head_household"})
s=base(); fam(s,[sp()]); s["person"]["hukou"]={"division":"330421","household":"family","head":False}
case("family-head-household-county-to-district-unmet", s, {F+".eligible":False, F+".conditions[same_county_or_urban_districts].met":False})
s=base(); fam(s,[dict(sp(),relation="sibling")]); s["person"]["hukou"]={"division":"330402","household":"family","head":False}
case("family-head-household-sibling-not-eligible", s, {F+".eligible":False})
# --- bad input: exit 2
def bad(name, mut):
    s=base(); mut(s); case(name, s, {}, exit=2)
bad("bad-target-outside-zhejiang", lambda s: s.update(target="320505"))
bad("bad-target-city-code", lambda s: s.update(target="330400"))
bad("bad-unknown-parameter", lambda s: s["parameters"]["330400"].update({"residence.max_years":1}))
bad("bad-parameter-type", lambda s: s["parameters"]["330400"].update({"residence.min_years":"2"}))
bad("bad-period-ends-before-start", lambda s: s["person"]["residence"][0].update(to="2020-01-01"))
bad("bad-impossible-date", lambda s: s["person"]["residence"][0].update({"from":"2023-02-30"}))
bad("bad-unknown-enum", lambda s: s["person"]["housing"][0].update(kind="castle"))
bad("bad-unknown-field", lambda s: s["person"].update(favourite_colour="red"))
bad("bad-id-checksum", lambda s: s["person"].update(id_number=ADULT[:-1]+("0" if ADULT[-1]!="0" else "1")))
bad("bad-insurance-month", lambda s: s["person"].update(social_insurance=[{"city":"330400","from":"2023-13","to":None}]))
bad("bad-override-division", lambda s: s["parameters"].update({"999999":{"residence.min_years":1}}))
# --- issue 10: published rules the parameters could not express, and what to do when waiting
# alone will not do it. These use the published Hangzhou files (no what-if for the rule tested).
WOMAN57=idn("412723","19670402",34)  # F, 57 on 2024-06-01
MAN57=idn("412723","19670402",35)    # M, 57
hzchild=lambda: {"relation":"child","id_number":CHILD_ADULT,"marital_status":"married","hukou":{"division":"330106","household":"family","head":True,"urban":True},"housing":[{"division":"330106","from":"2018-01-01","to":None,"urban":True,"kind":"owned"}]}
def hzfam(s, idn_):
    s["target"]="330106"; s["person"]["id_number"]=idn_; s["person"]["residence"]=[]; s["person"]["housing"]=[]; s["relatives"]=[hzchild()]; s["parameters"]={}
s=base(); hzfam(s, WOMAN57)
case("family-hangzhou-mother-55-joins-child", s, {F+".eligible":True, F+".rule":"parent_joins_child", F+".conditions[parent_age].met":True, F+".conditions[parent_age].required":55})
s=base(); hzfam(s, MAN57)
case("family-hangzhou-father-57-not-yet-60", s, {F+".conditions[parent_age].met":False, F+".conditions[parent_age].required":60, F+".eligible_from":"2027-04-02"})
def hztal(s, cat, as_of="2024-06-01"):
    s["target"]="330106"; s["person"]["residence"][0]["division"]="330106"; s["person"]["housing"][0]["division"]="330106"
    s["person"]["talent"]=[{"category":cat,"division":"330100"}]; s["parameters"]={}; s["as_of"]=as_of
s=base(); hztal(s, "associate")
case("talent-hangzhou-associate-under-35", s, {T+".eligible":True, T+".conditions[talent_age].met":True, T+".conditions[talent_age].required":35, T+".conditions[talent_age].holds_until":"2025-01-01", T+".conditions[talent_category].value_label":"大专"})
s=base(); hztal(s, "associate", "2025-01-01")
case("talent-hangzhou-associate-35-too-old", s, {T+".eligible":False, T+".eligible_from":None, T+".conditions[talent_age].met":False})
s=base(); hztal(s, "associate", "2025-01-01"); s["person"]["talent"].append({"category":"master","division":"330100"})
case("talent-hangzhou-master-under-50-kept", s, {T+".eligible":True, T+".conditions[talent_category].value":"master", T+".conditions[talent_age].required":50})
s=base(); hztal(s, "title_senior", "2024-06-01"); s["person"]["id_number"]=OLD
case("talent-hangzhou-senior-title-no-published-limit", s, {T+".eligible":True, "settlement.pathways[talent].conditions[talent_category].met":True})
s=base(); s["target"]="330122"; s["person"]["residence"][0]["division"]="330122"; s["person"]["housing"][0]["division"]="330122"; s["person"]["talent"]=[{"category":"associate","division":"330100"}]; s["parameters"]={}; s["as_of"]="2026-06-01"
case("talent-hangzhou-county-no-age-limit", s, {T+".eligible":True})
s=base(); tal(s); s["parameters"]["330400"]["talent.age_limits"]={"bachelor":30}
case("talent-age-limit-what-if", s, {T+".eligible":False, T+".conditions[talent_age].met":False, T+".conditions[talent_age].holds_until":"2020-01-01"})
s=base(); s["person"]["id_number"]=OLD; fam(s,[child()]); s["parameters"]["330400"]["family.parent_min_age"]={"male":70,"female":55}
case("family-parent-age-by-sex-what-if", s, {F+".conditions[parent_age].met":False, F+".conditions[parent_age].required":70})
s=base(frm="2019-06-01"); hz(s); s["person"]["social_insurance"]=[{"city":"330100","from":"2019-07","to":None}]; s["person"]["residence_permits"]=[]
case("points-enough-apply-for-permit-now", s, {HZ+".eligible":False, HZ+".eligible_from":None, HZ+".conditions[hangzhou_permit].action":"apply_residence_permit", HZ+".conditions[hangzhou_permit].action_from":"2024-06-01", HZ+".conditions[points].met":True, HZ+".after_action.eligible_from":"2024-06-01"})
s=base(frm="2021-06-01"); hz(s); s["person"]["social_insurance"]=[{"city":"330100","from":"2022-07","to":None}]; s["person"]["residence_permits"]=[]
case("points-no-permit-points-date-still-given", s, {HZ+".eligible_from":None, HZ+".conditions[points].holds_from":"2026-06-01", HZ+".after_action.eligible_from":"2026-06-01"})
s=base(frm="2024-03-01"); hz(s); s["person"]["social_insurance"]=[{"city":"330100","from":"2024-03","to":None}]; s["person"]["residence_permits"]=[]
case("points-permit-available-later", s, {HZ+".conditions[hangzhou_permit].action_from":"2024-09-01", P+".eligible_from":"2024-09-01"})
s=base(frm="2021-06-01"); s["parameters"]["330400"]["residence.min_years"]=0
case("residence-no-years-required-said-plainly", s, {R+".conditions[residence_years].met":True, R+".conditions[residence_years].label":"居住年限"})
bad("bad-talent-age-limits-category", lambda s: s["parameters"]["330400"].update({"talent.age_limits":{"castle":30}}))
bad("bad-parent-min-age-sex", lambda s: s["parameters"]["330400"].update({"family.parent_min_age":{"male":60}}))
d=os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")
for f in os.listdir(d): os.unlink(os.path.join(d,f))
for i,(n,c) in enumerate(cases):
    json.dump(c, open(f"{d}/{i:03d}-{n}.json","w"), ensure_ascii=False, indent=1)
print(len(cases))
