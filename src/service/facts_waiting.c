/* The officer's worklist of declarations (issue 10/11; facts.h): which declared facts in the
 * jurisdiction wait for verification, and one entry with what the officer needs to verify it.
 * The store pages the waiting entries from their own index (store_fact.h); this file bounds the
 * list by the caller's jurisdiction (九) and writes the answer with masked numbers. */
#include "service/facts.h"

#include <stdio.h>
#include <string.h>

#include "core/idnum.h"
#include "core/json.h"
#include "core/label.h"
#include "service/search.h"
#include "store/store_fact.h"

typedef struct page {
  json_t *items;
  hk_facts_seen seen;
  void *cls;
  int64_t last;
  uint32_t n;
} page;

static hk_status add_item(const hk_fact_item *it, void *cls, hk_error *err)
{
  (void)err;
  page *pg = cls;
  char masked[HK_IDNUM_LEN + 1];
  json_t *o = json_object(), *person = json_object();
  json_object_set_new(o, "entry", json_integer(it->row.id));
  json_object_set_new(o, "kind", json_string(hk_fact_kind_name((hk_fact_kind)it->row.kind)));
  json_t *fact = json_loads(it->row.doc, 0, NULL);
  json_object_set_new(o, "fact", fact ? fact : json_null());
  json_object_set_new(o, "declared_at", json_string(it->row.at));
  hk_json_set_date(o, "recorded_on", it->row.recorded_on);
  json_object_set_new(o, "materials", json_integer(it->materials));
  json_object_set_new(person, "id_masked", json_string(hk_idnum_mask(it->id_number, masked)));
  json_object_set_new(person, "name", json_string(it->name));
  json_object_set_new(o, "person", person);
  json_array_append_new(pg->items, o);
  pg->last = it->row.id;
  pg->n++;
  if (pg->seen)
    pg->seen(it->id_number, pg->cls);
  return HK_OK;
}

hk_status hk_facts_waiting(hk_store *st, const hk_actor *who, int32_t area, hk_fact_kind kind,
                           int64_t after, uint32_t limit, hk_facts_seen seen, void *cls,
                           json_t **out, hk_error *err)
{
  *out = NULL;
  hk_fact_waiting_query q = {.kind = kind,
                             .after = after > 0 ? after : 0,
                             .limit = limit ? limit : HK_FACTS_WAITING_DEFAULT};
  if (q.limit > HK_FACTS_WAITING_MAX)
    return hk_error_set_both(err, HK_EINVAL, "limit", "须为 1 至 %d 之间的数字",
                             "a number from 1 to %d", HK_FACTS_WAITING_MAX);
  /* The same jurisdiction as the other officers' lists (九): the system with area 0 gets 0, 0,
     everywhere. */
  hk_status rc = hk_search_area(who, area, &q.lo, &q.hi, err);
  if (rc != HK_OK)
    return rc;
  page pg = {.items = json_array(), .seen = seen, .cls = cls};
  rc = hk_store_fact_waiting(st, &q, add_item, &pg, err);
  if (rc != HK_OK) {
    json_decref(pg.items);
    return rc;
  }
  json_t *o = json_object();
  json_object_set_new(o, "entries", pg.items);
  json_object_set_new(o, "next", pg.n == q.limit && pg.n > 0 ? json_integer(pg.last) : json_null());
  *out = o;
  return HK_OK;
}

typedef struct found {
  char id_number[HK_IDNUM_LEN + 1];
  char name[HK_NAME_MAX + 1];
  char at[40];
  int64_t materials;
} found;

static hk_status keep(const hk_fact_item *it, void *cls, hk_error *err)
{
  (void)err;
  found *f = cls;
  snprintf(f->id_number, sizeof f->id_number, "%s", it->id_number);
  snprintf(f->name, sizeof f->name, "%s", it->name);
  snprintf(f->at, sizeof f->at, "%s", it->row.at);
  f->materials = it->materials;
  return HK_OK;
}

static hk_status no_entry(int64_t entry, hk_error *err)
{
  return hk_error_set_both(err, HK_ENOTFOUND, "entry", "您的辖区内没有记录 %lld",
                           "no entry %lld in your jurisdiction", (long long)entry);
}

hk_status hk_facts_entry(hk_store *st, const hk_actor *who, int64_t entry, json_t **out,
                         hk_error *err)
{
  *out = NULL;
  if (who->role != HK_ROLE_OFFICER && who->role != HK_ROLE_SUPERVISOR) {
    hk_error_set(err, HK_EFORBIDDEN, "role", "%s accounts verify no declarations",
                 hk_role_name(who->role));
    return hk_error_set_zh(err, "%s账户不核实申报",
                           hk_label_zh(HK_LBL_ROLE, hk_role_name(who->role)));
  }
  found f = {0};
  hk_status rc = hk_store_fact_get(st, entry, keep, &f, err);
  if (rc == HK_ENOTFOUND)
    return no_entry(entry, err);
  json_t *ledger = NULL;
  if (rc == HK_OK)
    rc = hk_facts_list(st, who, f.id_number, &ledger, err);
  /* Outside the jurisdiction reads as no such entry: the officer learns nothing of who is
     registered elsewhere (九). */
  if (rc == HK_ENOTFOUND || rc == HK_EFORBIDDEN)
    return no_entry(entry, err);
  if (rc != HK_OK)
    return rc;
  json_t *item = NULL, *e;
  size_t i;
  json_array_foreach(json_object_get(ledger, "entries"), i, e)
  {
    if (json_integer_value(json_object_get(e, "entry")) == entry)
      item = json_incref(e);
  }
  json_decref(ledger);
  if (item == NULL)
    return no_entry(entry, err);
  char masked[HK_IDNUM_LEN + 1];
  json_object_set_new(item, "declared_at", json_string(f.at));
  json_object_set_new(item, "materials", json_integer(f.materials));
  json_object_set_new(item, "person",
                      json_pack("{s:s, s:s, s:s}", "id_number", f.id_number, "id_masked",
                                hk_idnum_mask(f.id_number, masked), "name", f.name));
  *out = item;
  return HK_OK;
}
