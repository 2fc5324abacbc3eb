#include "service/move.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "core/json.h"
#include "service/certificate.h"
#include "service/permit.h"
#include "service/residence.h"

/* The engine's entry for the pathway in the answer kept at the decision. */
static const json_t *pathway_entry(const json_t *doc, const char *pathway)
{
  const json_t *list = json_object_get(
      json_object_get(json_object_get(doc, "answer_at_decision"), "settlement"), "pathways");
  size_t i;
  const json_t *e;
  json_array_foreach(list, i, e)
  {
    const char *name = json_string_value(json_object_get(e, "pathway"));
    if (name && pathway && strcmp(name, pathway) == 0)
      return e;
  }
  return NULL;
}

typedef enum want {
  WANT_HOST,   /* (五) host_household: a consenting relative's family household */
  WANT_CHILD,  /* (六) parent_joins_child */
  WANT_PARENT, /* (六) child_joins_parent */
  WANT_HEADED, /* (六) head_household */
} want;

static bool consents(const json_t *doc, const char *id)
{
  size_t i;
  const json_t *v;
  json_array_foreach(json_object_get(doc, "consenting"), i, v)
  {
    if (json_is_string(v) && strcmp(json_string_value(v), id) == 0)
      return true;
  }
  return false;
}

/* The household of the first relative that fits, locked; HK_ECONFLICT when none does now. */
static hk_status relative_household(hk_store *st, const hk_person *p, const json_t *doc, want w,
                                    int32_t division, hk_household_row *out, hk_error *err)
{
  for (uint32_t i = 0; i < p->relatives.n; i++) {
    const hk_relative_link *link = &p->relatives.items[i];
    hk_relation r = link->relation;
    bool fits = w == WANT_HOST    ? consents(doc, link->id_number)
                : w == WANT_CHILD ? r == HK_REL_CHILD
                : w == WANT_PARENT
                    ? r == HK_REL_PARENT
                    : hk_relation_is_direct(r) || r == HK_REL_SPOUSE || r == HK_REL_CHILD_IN_LAW;
    if (!fits)
      continue;
    int64_t row = 0;
    hk_hukou_row cur = {0};
    hk_status rc = hk_store_person_row(st, link->id_number, &row, err);
    if (rc == HK_OK)
      rc = hk_store_hukou_current(st, row, &cur, err);
    if (rc == HK_ENOTFOUND)
      continue;
    if (rc == HK_OK)
      rc = hk_store_household_get(st, cur.household_id, NULL, true, out, err);
    if (rc != HK_OK)
      return rc;
    if (out->division != division || out->dissolved_on != HK_DATE_NONE)
      continue;
    if (w == WANT_HOST && out->kind != HK_HOUSEHOLD_FAMILY)
      continue;
    if (w == WANT_HEADED && (out->kind != HK_HOUSEHOLD_FAMILY || out->head_person != row))
      continue;
    return HK_OK;
  }
  static const char *const what[] = {"a consenting host's family household", "a child's household",
                                     "a parent's household", "a household headed by the relative"};
  static const char *const what_zh[] = {"同意接收的亲属家庭户", "子女的户", "父母的户",
                                        "以该亲属为户主的户"};
  hk_error_set(err, HK_ECONFLICT, "destination",
               "%s in %06d is no longer there: the situation changed since the decision", what[w],
               (int)division);
  return hk_error_set_zh(err, "%06d 已没有%s：审批后情况发生了变化", (int)division, what_zh[w]);
}

/* Does the person own legal housing in the county on the day? */
static bool owns_housing(const hk_person *p, int32_t division, hk_date today)
{
  for (uint32_t i = 0; i < p->housing.n; i++) {
    const hk_housing *h = &p->housing.items[i];
    if (h->kind == HK_HOUSING_OWNED && h->legal && h->division == division &&
        hk_period_contains(h->period, today))
      return true;
  }
  return false;
}

/* The address of the active residence registration when it is in the county. */
static const char *residence_address(const hk_person *p, int32_t division)
{
  for (uint32_t i = p->residence.n; i-- > 0;) {
    const hk_residence *r = &p->residence.items[i];
    if (r->period.to == HK_DATE_OPEN && r->division == division && r->address)
      return hk_person_text(p, r->address);
  }
  return "";
}

/* Under 18 on the day: a minor never heads a household alone (issue 10). */
static bool is_minor(const hk_person *p, hk_date today)
{
  return p->birth_date != HK_DATE_NONE && hk_date_whole_years(p->birth_date, today) < 18;
}

/* (五) rank 1, a direct relative's legal stable residence: the family household in `division`
 * of a direct relative (parent, child, grandparent, grandchild) who owns legal housing in that
 * county on the day, locked; HK_ENOTFOUND when there is none. The person joins the household of
 * the kin who already live there rather than heading a new one at the same home. */
static hk_status kin_home(hk_store *st, const hk_person *p, int32_t division, hk_date today,
                          hk_household_row *out, hk_error *err)
{
  hk_person rel;
  hk_person_init(&rel);
  hk_status rc = HK_ENOTFOUND;
  for (uint32_t i = 0; i < p->relatives.n && rc == HK_ENOTFOUND; i++) {
    const hk_relative_link *link = &p->relatives.items[i];
    if (!hk_relation_is_direct(link->relation))
      continue;
    int64_t row = 0;
    hk_hukou_row cur = {0};
    hk_status r = hk_store_person_row(st, link->id_number, &row, err);
    if (r == HK_OK)
      r = hk_store_hukou_current(st, row, &cur, err);
    if (r == HK_ENOTFOUND || (r == HK_OK && cur.division != division))
      continue;
    if (r == HK_OK)
      r = hk_store_person_get(st, link->id_number, &rel, err);
    if (r == HK_OK && !owns_housing(&rel, division, today))
      continue;
    if (r == HK_OK)
      r = hk_store_household_get(st, cur.household_id, NULL, true, out, err);
    if (r == HK_OK && (out->kind != HK_HOUSEHOLD_FAMILY || out->dissolved_on != HK_DATE_NONE))
      continue;
    rc = r;
  }
  hk_person_clear(&rel);
  return rc;
}

/* The collective household of an owner in a county, found or created; a new one needs its
 * address (the community's, the agency's, the unit's), which the registry cannot know: the
 * officer gives it (HK_EINVAL, field "address", when missing). */
static hk_status collective(hk_store *st, const hk_actor *who, hk_hh_owner owner, int32_t division,
                            const char *code, const char *name, const hk_move_hint *hint,
                            hk_date today, hk_household_row *out, bool *created, hk_error *err)
{
  hk_status rc =
      hk_store_household_find_owner(st, owner, division, code ? code : "", true, out, err);
  bool unnamed_unit = owner == HK_HH_OWNER_UNIT && (name == NULL || name[0] == '\0');
  if (rc == HK_ENOTFOUND && hint->address[0] == '\0' && !unnamed_unit) {
    static const char *const owner_zh[HK_HH_OWNER_COUNT] = {[HK_HH_OWNER_NONE] = "家庭",
                                                            [HK_HH_OWNER_UNIT] = "单位",
                                                            [HK_HH_OWNER_COMMUNITY] = "社区",
                                                            [HK_HH_OWNER_TALENT_SERVICE] =
                                                                "人才服务机构"};
    hk_error_set(err, HK_EINVAL, "address",
                 "the %s collective household of %06d is created now: give its address",
                 hk_hh_owner_name(owner), (int)division);
    return hk_error_set_zh(err, "%06d 的%s集体户尚未设立，请填写其地址", (int)division,
                           owner_zh[owner]);
  }
  if (rc != HK_ENOTFOUND)
    return rc;
  rc = hk_household_collective_locked(st, who, owner, division, code, name, today, out, created,
                                      err);
  if (rc == HK_OK && *created) {
    snprintf(out->address, sizeof out->address, "%s", hint->address);
    rc = hk_store_household_update(st, out, err);
  }
  return rc;
}

static hk_status event(hk_store *st, const hk_actor *who, const char *action, const char *id,
                       json_t *payload, hk_error *err)
{
  char masked[HK_IDNUM_LEN + 1];
  char *text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(payload);
  if (text == NULL)
    return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  hk_status rc =
      hk_store_event_append(st, who->account, action, hk_idnum_mask(id, masked), text, err);
  free(text);
  return rc;
}

/* What settling ended (docs/services.md, "Settling ends the permit and the residence
 * registration"). */
typedef struct settled_effects {
  int32_t residence_division; /* the registration ended as settled; 0: none */
  bool permit_ended;
  int permit_periods_cut;
} settled_effects;

static void effects_json(json_t *o, const settled_effects *fx)
{
  if (fx->residence_division)
    hk_json_set_division(o, "residence_ended", fx->residence_division);
  if (fx->permit_ended)
    json_object_set_new(o, "permit_ended", json_true());
}

/* The hukou is now in `county` (the person's row locked, *p their record as read). The
 * residence registration exists for those living away from their hukou (一): an active one
 * where the new hukou needs none (the county itself, or another district of the same city's
 * urban districts) ends today as settled, with a "residence.end" event. The residence permit
 * exists for the same people (三): held in the new hukou's city, it ends today as settled
 * (hk_permit_end_locked, "permit.end"). A permit or registration in another city is left: the
 * person may still live there. */
static hk_status settle_effects(hk_store *st, const hk_actor *who, int64_t row, hk_person *p,
                                int32_t county, hk_date today, settled_effects *fx, hk_error *err)
{
  hk_status rc = HK_OK;
  for (uint32_t i = 0; i < p->residence.n; i++) {
    hk_residence *r = &p->residence.items[i];
    if (r->period.to != HK_DATE_OPEN || hk_residence_needed(county, r->division))
      continue;
    r->period.to = today > r->period.from ? today : r->period.from;
    r->ended = HK_RES_END_SETTLED;
    fx->residence_division = r->division;
    json_t *o = json_object();
    hk_json_set_division(o, "division", r->division);
    hk_json_set_date(o, "on", today);
    json_object_set_new(o, "ended", json_string("settled"));
    hk_json_set_division(o, "hukou_division", county);
    if ((rc = event(st, who, "residence.end", p->id_number, o, err)))
      return rc;
    /* Its receipt ends with it (issue 12). */
    rc = hk_certificate_set_status_locked(st, who, p->id_number, 1u << HK_CERT_RESIDENCE_RECEIPT,
                                          HK_CERT_STATUS_REVOKED, "ended", err);
    if (rc != HK_OK)
      return rc;
  }
  hk_permit_status ps;
  hk_permit_status_of(p, today, &ps);
  if (ps.state != HK_PERMIT_NONE && hk_division_city_of(ps.division) == hk_division_city_of(county))
    rc = hk_permit_end_locked(st, who, row, p, today, HK_PERMIT_END_SETTLED,
                              &fx->permit_periods_cut, &fx->permit_ended, err);
  if (rc == HK_OK && (fx->residence_division || fx->permit_periods_cut))
    rc = hk_store_person_update(st, row, p, err);
  return rc;
}

hk_status hk_move_settle_locked(hk_store *st, const hk_actor *who, int64_t app_id, json_t *doc,
                                int32_t target, const char *applicant, const hk_move_hint *hint,
                                hk_date today, hk_error *err)
{
  static const hk_move_hint none;
  if (hint == NULL)
    hint = &none;
  const char *pathway = json_string_value(json_object_get(doc, "pathway"));
  const json_t *entry = pathway_entry(doc, pathway);
  if (pathway == NULL || entry == NULL)
    return hk_error_set_both(err, HK_ECONFLICT, "answer_at_decision",
                             "该申请没有保存所选途径的审批时判定结果",
                             "the application keeps no engine answer for its pathway");
  int64_t row = 0;
  hk_person p;
  hk_person_init(&p);
  hk_status rc = hk_store_person_row(st, applicant, &row, err);
  if (rc == HK_OK)
    rc = hk_store_person_lock(st, row, err);
  if (rc == HK_OK)
    rc = hk_store_person_get(st, applicant, &p, err);
  if (rc == HK_OK && p.died_on)
    rc = hk_error_set_both(err, HK_ECONFLICT, "applicant", "申请人已登记死亡",
                           "the applicant is registered dead");

  /* Where to: an existing household (dest.id != 0) or a new family household in `division`. */
  const char *destination = NULL;
  int32_t division = target;
  hk_household_row dest = {0};
  bool created = false;
  if (rc == HK_OK && strcmp(pathway, "talent") == 0) {
    const json_t *addr = json_object_get(entry, "address");
    const char *kind = json_string_value(json_object_get(addr, "kind"));
    const char *code = json_string_value(json_object_get(addr, "division"));
    if (kind == NULL || code == NULL || !hk_division_parse(code, &division))
      rc = hk_error_set_both(err, HK_ECONFLICT, "answer_at_decision", "判定结果中没有落户地址",
                             "no settlement address");
    destination = kind;
    if (rc != HK_OK || kind == NULL) {
    } else if (strcmp(kind, "own_housing") == 0) {
      /* The person's own home: a new family household below, which they head. A direct
       * relative's home: the household of the kin registered there, when there is one. */
      if (!owns_housing(&p, division, today)) {
        rc = kin_home(st, &p, division, today, &dest, err);
        if (rc == HK_ENOTFOUND) {
          rc = HK_OK;
          memset(&dest, 0, sizeof dest);
        }
      }
    } else if (strcmp(kind, "host_household") == 0) {
      rc = relative_household(st, &p, doc, WANT_HOST, division, &dest, err);
    } else if (strcmp(kind, "employer_collective") == 0) {
      if (hint->unit_code[0] == '\0')
        rc = hk_error_set_both(
            err, HK_EINVAL, "unit", "请写明所加入集体户的用人单位（统一社会信用代码）",
            "name the employer (its unified social credit code) whose collective "
            "household the person joins");
      else if (!hk_uscc_valid(hint->unit_code))
        rc = hk_error_set_both(err, HK_EINVAL, "unit",
                               "不是统一社会信用代码（18 位，GB 32100-2015）",
                               "not a unified social credit code (18 characters, GB 32100-2015)");
      else
        rc = collective(st, who, HK_HH_OWNER_UNIT, division, hint->unit_code, hint->unit_name, hint,
                        today, &dest, &created, err);
    } else if (strcmp(kind, "talent_service_collective") == 0) {
      rc = collective(st, who, HK_HH_OWNER_TALENT_SERVICE, division, "", NULL, hint, today, &dest,
                      &created, err);
    } else {
      rc = hk_error_set_both(err, HK_ECONFLICT, "answer_at_decision", "未知的落户地址类型 %s",
                             "unknown address kind %s", kind);
    }
  } else if (rc == HK_OK && strcmp(pathway, "family") == 0) {
    const char *rule = json_string_value(json_object_get(entry, "rule"));
    destination = rule;
    want w = WANT_HEADED;
    if (rule && strcmp(rule, "parent_joins_child") == 0)
      w = WANT_CHILD;
    else if (rule && strcmp(rule, "child_joins_parent") == 0)
      w = WANT_PARENT;
    else if (rule == NULL || strcmp(rule, "head_household") != 0)
      rc = hk_error_set_both(err, HK_ECONFLICT, "answer_at_decision", "判定结果中没有投靠类别",
                             "no family rule");
    if (rc == HK_OK)
      rc = relative_household(st, &p, doc, w, target, &dest, err);
    /* A parent or child registered in a unit's (or another) collective household: joining
     * the family means a family household of one's own at the family's home, not the unit's;
     * but a minor never heads a household alone: a child joins the parent's household, whatever
     * its kind. */
    if (rc == HK_OK && w != WANT_HEADED && dest.kind == HK_HOUSEHOLD_COLLECTIVE &&
        !(w == WANT_PARENT && is_minor(&p, today)))
      memset(&dest, 0, sizeof dest);
  } else if (rc == HK_OK) {
    /* (二)(四): the engine names no address; ours follows clause (五)'s order and the kinship
     * of who already lives there: a minor joins a parent's household in the county; else the
     * person's own home (a family household they head); else a direct relative's home (their
     * household); else a consenting relative's or friend's family household; else the
     * employer's collective household, when the officer names the unit; else the community's
     * collective household (for these pathways the counterpart of the talent agency's). */
    bool minor = is_minor(&p, today);
    if (minor) {
      rc = relative_household(st, &p, doc, WANT_PARENT, target, &dest, err);
      destination = "parent_household";
    } else if (owns_housing(&p, target, today)) {
      destination = "own_housing";
    } else {
      rc = kin_home(st, &p, target, today, &dest, err);
      destination = "relative_home";
      if (rc == HK_ENOTFOUND && json_array_size(json_object_get(doc, "consenting"))) {
        rc = relative_household(st, &p, doc, WANT_HOST, target, &dest, err);
        destination = "host_household";
      }
      if ((rc == HK_ENOTFOUND || rc == HK_ECONFLICT) && hint->unit_code[0]) {
        memset(&dest, 0, sizeof dest);
        destination = "employer_collective";
        rc = hk_uscc_valid(hint->unit_code)
                 ? collective(st, who, HK_HH_OWNER_UNIT, target, hint->unit_code, hint->unit_name,
                              hint, today, &dest, &created, err)
                 : hk_error_set_both(
                       err, HK_EINVAL, "unit", "不是统一社会信用代码（18 位，GB 32100-2015）",
                       "not a unified social credit code (18 characters, GB 32100-2015)");
      }
    }
    if (rc == HK_ECONFLICT || rc == HK_ENOTFOUND) {
      memset(&dest, 0, sizeof dest);
      destination = "community_collective";
      rc = collective(st, who, HK_HH_OWNER_COMMUNITY, target, hint->community, hint->community,
                      hint, today, &dest, &created, err);
    }
  }
  hk_hukou_row cur = {0};
  hk_status has = rc == HK_OK ? hk_store_hukou_current(st, row, &cur, err) : rc;
  if (rc == HK_OK && has == HK_OK && dest.id && cur.household_id == dest.id)
    rc = hk_error_set_both(err, HK_ECONFLICT, "destination", "已是户 %s 的成员",
                           "already a member of household %s", dest.number);
  if (rc == HK_OK && has != HK_OK && has != HK_ENOTFOUND)
    rc = has;

  hk_leave_result lv = {0};
  if (rc == HK_OK)
    rc = hk_household_leave_locked(st, row, today, HK_HUKOU_END_MOVED, true, &lv, err);
  /* Settled elsewhere: a hukou proof states the household left (issue 12). */
  if (rc == HK_OK && lv.had_hukou)
    rc = hk_certificate_set_status_locked(st, who, applicant, 1u << HK_CERT_HUKOU_PROOF,
                                          HK_CERT_STATUS_REVOKED, "moved", err);
  hk_tri urban = HK_TRI_TRUE; /* every settlement pathway settles at an urban address */
  if (rc == HK_OK && dest.id == 0) {
    /* A new family household: the person heads it, so never a minor (issue 10); its address
     * is the officer's, else the residence registration's there; without either it is asked
     * for rather than left empty. */
    hk_household_spec spec = {.kind = HK_HOUSEHOLD_FAMILY, .division = division, .urban = urban};
    snprintf(spec.address, sizeof spec.address, "%s",
             hint->address[0] ? hint->address : residence_address(&p, division));
    if (is_minor(&p, today))
      rc = hk_error_set_both(err, HK_ECONFLICT, "destination",
                             "未成年人不单独立户：%06d 没有可以投靠的父母的户",
                             "a minor never heads a household alone: no parent's "
                             "household in %06d to join",
                             (int)division);
    else if (spec.address[0] == '\0')
      rc = hk_error_set_both(err, HK_EINVAL, "address",
                             "新立户须有地址：%06d 的新户没有地址，当地也没有可用的居住登记地址",
                             "the new household in %06d needs an address: no residence "
                             "registration there gives one",
                             (int)division);
    if (rc == HK_OK)
      rc = hk_household_insert_locked(st, who, &spec, row, today, &dest, err);
    created = rc == HK_OK;
  } else if (rc == HK_OK && dest.urban != HK_TRI_UNSET) {
    urban = dest.urban;
  }
  if (rc == HK_OK)
    rc = hk_store_hukou_open(st, row, dest.id, dest.division, urban, today, err);
  settled_effects fx = {0};
  if (rc == HK_OK)
    rc = settle_effects(st, who, row, &p, dest.division, today, &fx, err);

  char masked[HK_IDNUM_LEN + 1];
  bool within = lv.had_hukou && hk_division_province_of(lv.from.division) == 330000;
  if (rc == HK_OK && lv.had_hukou) {
    json_t *o = json_object();
    json_object_set_new(o, "application", json_integer(app_id));
    json_object_set_new(o, "from_household", json_string(lv.from.number));
    hk_json_set_division(o, "from_division", lv.from.division);
    hk_json_set_division(o, "to_division", dest.division);
    /* Within Zhejiang the move needs no migration certificate (准迁证); from another province
     * the old registration closes here and the other province's office is told. */
    json_object_set_new(o, "certificate", json_string(within ? "not_required" : "inter_province"));
    if (lv.new_head)
      json_object_set_new(o, "new_head_of_old", json_string(hk_idnum_mask(lv.new_head_id, masked)));
    if (lv.dissolved)
      json_object_set_new(o, "old_dissolved", json_true());
    rc = event(st, who, "hukou.move_out", applicant, o, err);
  }
  if (rc == HK_OK) {
    json_t *o = json_object();
    json_object_set_new(o, "application", json_integer(app_id));
    json_object_set_new(o, "household", json_string(dest.number));
    hk_json_set_division(o, "division", dest.division);
    json_object_set_new(o, "destination", json_string(destination));
    json_object_set_new(o, "created", json_boolean(created));
    hk_json_set_division(o, "from_division", lv.had_hukou ? lv.from.division : 0);
    effects_json(o, &fx);
    rc = event(st, who, "hukou.move_in", applicant, o, err);
  }
  if (rc == HK_OK) {
    json_t *m = json_object();
    json_object_set_new(m, "household", json_string(dest.number));
    hk_json_set_division(m, "division", dest.division);
    json_object_set_new(m, "destination", json_string(destination));
    json_object_set_new(m, "household_created", json_boolean(created));
    json_object_set_new(m, "head", json_boolean(dest.head_person == row));
    hk_json_set_date(m, "on", today);
    effects_json(m, &fx);
    if (lv.had_hukou) {
      json_object_set_new(m, "from_household", json_string(lv.from.number));
      hk_json_set_division(m, "from_division", lv.from.division);
      json_object_set_new(m, "migration_certificate",
                          json_string(within ? "not_required" : "inter_province"));
      if (lv.new_head)
        json_object_set_new(m, "new_head_of_old",
                            json_string(hk_idnum_mask(lv.new_head_id, masked)));
      if (lv.dissolved)
        json_object_set_new(m, "old_dissolved", json_true());
    }
    json_object_set_new(doc, "moved_to", m);
  }
  hk_person_clear(&p);
  return rc;
}
