/* The facts in force beside a person read (issue 10, facts.h hk_facts_in_force): what the
 * resident declared is shown to them and to the officer next to the registry's rows, with its
 * source, so nobody has to wonder whether a declaration arrived. */
#include "service/facts.h"

#include <stdio.h>
#include <string.h>

#include "service/material.h"

hk_status hk_facts_in_force(hk_store *st, const char *id_number, json_t **out, hk_error *err)
{
  *out = NULL;
  /* The caller decided the reader may read the person: read as the system. */
  hk_actor sys = {.role = HK_ROLE_SYSTEM};
  snprintf(sys.account, sizeof sys.account, "system");
  json_t *doc = NULL, *files = NULL;
  hk_status rc = hk_facts_list(st, &sys, id_number, &doc, err);
  if (rc == HK_OK)
    rc = hk_material_fact_list(st, &sys, id_number, 0, &files, err);
  if (rc != HK_OK) {
    json_decref(doc);
    return rc;
  }
  json_t *o = json_object(), *list = json_array(), *rows = json_array(), *e;
  size_t i;
  json_array_foreach(json_object_get(doc, "entries"), i, e)
  {
    if (!json_is_true(json_object_get(e, "in_force")))
      continue;
    json_int_t entry = json_integer_value(json_object_get(e, "entry"));
    const char *kind = json_string_value(json_object_get(e, "kind"));
    char key[64];
    snprintf(key, sizeof key, "%s/%lld", kind ? kind : "", (long long)entry);
    json_int_t n = 0;
    size_t j;
    json_t *m;
    json_array_foreach(files, j, m)
    {
      const char *f = json_string_value(json_object_get(m, "fact"));
      n += f && strcmp(f, key) == 0;
    }
    json_t *item = json_object();
    static const char *const copy[] = {"entry",      "kind",   "source",     "recorded_on", "at",
                                       "department", "reason", "supersedes", "fact",        NULL};
    for (size_t k = 0; copy[k]; k++) {
      json_t *v = json_object_get(e, copy[k]);
      if (v)
        json_object_set(item, copy[k], v);
    }
    json_object_set_new(item, "materials", json_integer(n));
    json_array_append_new(list, item);
  }
  json_array_foreach(json_object_get(doc, "imported"), i, e)
  {
    if (!json_is_true(json_object_get(e, "in_force")))
      json_array_append(rows, json_object_get(e, "ref"));
  }
  json_decref(doc);
  json_decref(files);
  json_object_set_new(o, "in_force", list);
  json_object_set_new(o, "superseded_rows", rows);
  *out = o;
  return HK_OK;
}
