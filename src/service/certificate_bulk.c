/* Every permit of an area as an electronic permit at once (`hukou cert issue --all --area`,
 * issue 12): the holders are read first, then recorded and signed in batches of one
 * transaction each, so a city of a million permits is a few hundred commits, not a million. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "core/idnum.h"
#include "service/certificate.h"
#include "service/certificate_int.h"
#include "service/permit.h"
#include "store/store_app.h"
#include "store/store_cert.h"

#define BATCH 500
#define RETRIES 5

typedef struct holders {
  char (*ids)[HK_IDNUM_LEN + 1];
  size_t n, cap;
  int32_t area;
  hk_date today;
} holders;

/* A living person whose permit is active today in the area. */
static hk_status collect(const hk_person *p, void *cls, hk_error *err)
{
  holders *h = cls;
  if (p->died_on || p->residence_permits.n == 0)
    return HK_OK;
  hk_permit_status ps;
  hk_permit_status_of(p, h->today, &ps);
  if (ps.state != HK_PERMIT_ACTIVE || !hk_division_within(ps.division, h->area))
    return HK_OK;
  if (h->n == h->cap) {
    size_t cap = h->cap ? h->cap * 2 : 1024;
    void *grown = realloc(h->ids, cap * sizeof *h->ids);
    if (grown == NULL)
      return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
    h->ids = grown;
    h->cap = cap;
  }
  memcpy(h->ids[h->n++], p->id_number, HK_IDNUM_LEN + 1);
  return HK_OK;
}

typedef struct has_valid {
  bool found;
} has_valid;

static hk_status valid_permit(const hk_cert_row *row, void *cls, hk_error *err)
{
  (void)err;
  if (row->type == HK_CERT_RESIDENCE_PERMIT && row->status == HK_CERT_STATUS_VALID)
    ((has_valid *)cls)->found = true;
  return HK_OK;
}

/* Record (and sign, when kr holds a key) one holder's permit certificate; *done tells whether
 * one was recorded (none when they hold a valid one already). */
static hk_status one(hk_store *st, const hk_cert_keyring *kr, const hk_actor *who, const char *id,
                     hk_date today, hk_person *p, bool *done, hk_error *err)
{
  *done = false;
  has_valid hv = {false};
  hk_status rc = hk_store_cert_each_person(st, id, valid_permit, &hv, err);
  if (rc != HK_OK || hv.found)
    return rc;
  int64_t row;
  rc = hk_store_person_row(st, id, &row, err);
  if (rc == HK_OK)
    rc = hk_store_person_lock(st, row, err);
  if (rc == HK_OK)
    rc = hk_store_person_get(st, id, p, err);
  hk_permit_row permit = {0};
  if (rc == HK_OK && (rc = hk_store_permit_latest(st, row, &permit, err)) == HK_ENOTFOUND) {
    /* Imported periods with no number of ours: the certificate says so. */
    snprintf(permit.number, sizeof permit.number, "imported");
    rc = HK_OK;
  }
  hk_permit_status ps;
  if (rc == HK_OK)
    hk_permit_status_of(p, today, &ps);
  char cert_id[HK_CERT_ID_MAX + 1];
  if (rc == HK_OK)
    rc = hk_certificate_record_locked(st, who, HK_CERT_RESIDENCE_PERMIT, p, ps.division,
                                      permit.number, today, cert_id, err);
  if (rc != HK_OK || kr == NULL || hk_cert_keyring_signing(kr) == NULL) {
    *done = rc == HK_OK;
    return rc;
  }
  /* Signed in the same transaction: the claims as kept, the token kept with them. */
  hk_cert_row r = {0};
  hk_cert_claims *c = malloc(sizeof *c);
  char *qr = NULL;
  rc = c ? hk_store_cert_get(st, cert_id, &r, err)
         : hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  if (rc == HK_OK)
    rc = cert__claims_load(r.claims, c, err);
  if (rc == HK_OK)
    rc = hk_cert_sign(kr, c, &qr, err);
  if (rc == HK_OK)
    rc = hk_store_cert_set_token(st, r.id, qr, hk_cert_keyring_signing(kr)->kid, err);
  free(qr);
  free(c);
  hk_cert_row_clear(&r);
  *done = rc == HK_OK;
  return rc;
}

static hk_status batch(hk_store *st, const hk_cert_keyring *kr, const hk_actor *who,
                       const holders *h, size_t from, size_t to, hk_date today, size_t *issued,
                       hk_error *err)
{
  hk_person p;
  hk_person_init(&p);
  size_t n = 0;
  hk_status rc = hk_store_begin(st, err);
  for (size_t i = from; rc == HK_OK && i < to; i++) {
    bool done = false;
    rc = one(st, kr, who, h->ids[i], today, &p, &done, err);
    n += done;
  }
  if (rc == HK_OK)
    rc = hk_store_commit(st, err);
  if (rc != HK_OK)
    hk_store_rollback(st);
  else
    *issued += n;
  hk_person_clear(&p);
  return rc;
}

hk_status hk_certificate_issue_permits(hk_store *st, const hk_cert_keyring *kr, const hk_actor *who,
                                       int32_t area, hk_date today,
                                       hk_certificate_progress progress, void *cls, size_t *issued,
                                       hk_error *err)
{
  *issued = 0;
  if (!hk_actor_may_decide(who, area))
    return hk_error_set_both(err, HK_EFORBIDDEN, "area", "%06d 不在您的权限范围内",
                             "%06d is outside this actor's reach", (int)area);
  holders h = {.area = area, .today = today};
  hk_status rc = hk_store_person_each(st, collect, &h, err);
  for (size_t from = 0; rc == HK_OK && from < h.n; from += BATCH) {
    size_t to = from + BATCH < h.n ? from + BATCH : h.n;
    rc = HK_ERETRY;
    for (int i = 0; i < RETRIES && rc == HK_ERETRY; i++)
      rc = batch(st, kr, who, &h, from, to, today, issued, err);
    if (rc == HK_OK && progress)
      progress(to, h.n, cls);
  }
  if (rc == HK_OK && progress && h.n == 0)
    progress(0, 0, cls);
  free(h.ids);
  return rc;
}
