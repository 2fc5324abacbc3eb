#include "service/app_eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/situation_db.h"

void hk_app_eval_init(hk_app_eval *e)
{
  hk_situation_init(&e->s);
  e->a = NULL;
}

void hk_app_eval_clear(hk_app_eval *e)
{
  hk_situation_clear(&e->s);
  free(e->a);
  e->a = NULL;
}

hk_status hk_app_eval_run(hk_app_eval *e, hk_store *st, const hk_policies *pol,
                          const char *id_number, int32_t target, hk_date today,
                          const char *const *consenting, size_t n_consenting, hk_error *err)
{
  if (pol == NULL)
    return hk_error_set(err, HK_EINTERNAL, "policies", "no policies loaded");
  if (e->a == NULL && (e->a = malloc(sizeof *e->a)) == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  hk_status rc = hk_situation_from_registry(st, id_number, target, today, consenting, n_consenting,
                                            &e->s, err);
  if (rc == HK_OK)
    rc = hk_policy_eval(pol, &e->s, e->a, err);
  return rc;
}

void hk_app_eval_unmet(const hk_result *r, char *out, size_t size)
{
  size_t len = 0;
  out[0] = '\0';
  if (size < 2)
    return;
  if (!r->applicable) {
    snprintf(out, size, "not applicable (%s)", r->reason ? r->reason : "?");
    return;
  }
  static const char *const units[] = {"", " months", " years", " points"};
  int shown = 0;
  for (uint32_t i = 0; i < r->n_cond; i++) {
    const hk_condition *c = &r->cond[i];
    if (c->met)
      continue;
    const char *sep = shown++ ? ", " : "";
    bool numbers = (c->value.kind == HK_V_INT || c->value.kind == HK_V_POINTS) &&
                   (c->required.kind == HK_V_INT || c->required.kind == HK_V_POINTS);
    long long div = c->value.kind == HK_V_POINTS ? 100 : 1;
    int n = numbers ? snprintf(out + len, size - len, "%s%s %lld/%lld%s", sep, hk_cond_name(c->id),
                               (long long)c->value.i / div, (long long)c->required.i / div,
                               units[c->unit <= HK_U_POINTS ? c->unit : 0])
                    : snprintf(out + len, size - len, "%s%s", sep, hk_cond_name(c->id));
    len = n < 0 || (size_t)n >= size - len ? size : len + (size_t)n;
    if (len >= size)
      return;
  }
  if (r->eligible_from != HK_DATE_NONE) {
    char d[11];
    snprintf(out + len, size - len, "; eligible from %s", hk_date_format(r->eligible_from, d));
  } else {
    snprintf(out + len, size - len, "; waiting alone will not do it");
  }
}
