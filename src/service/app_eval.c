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
    return hk_error_set_both(err, HK_EINTERNAL, "policies", "没有加载政策", "no policies loaded");
  if (e->a == NULL && (e->a = malloc(sizeof *e->a)) == NULL)
    return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  hk_status rc = hk_situation_from_registry(st, id_number, target, today, consenting, n_consenting,
                                            &e->s, err);
  if (rc == HK_OK)
    rc = hk_policy_eval(pol, &e->s, e->a, err);
  return rc;
}

void hk_app_eval_unmet(const hk_app_eval *e, const hk_result *r, char *zh, size_t zh_size, char *en,
                       size_t en_size)
{
  hk_result_unmet_text(e->a, r, zh, zh_size, en, en_size);
}
