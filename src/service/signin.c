/* signin.c — sign-in throttling and lockout (signin.h, issue 16), clause (九). */
#include "service/signin.h"
#include "service/account_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

const hk_signin_policy hk_signin_defaults = {
    .delay_after = 5, .lock_after = 20, .max_delay = 900, .lock_seconds = 3600}; /* 15 min, 1 h */

int64_t hk_signin_delay(const hk_signin_policy *p, int32_t failures)
{
  if (failures < p->delay_after)
    return 0;
  int64_t d = 1;
  for (int32_t i = p->delay_after; i < failures && d < p->max_delay; i++)
    d *= 2;
  return d < p->max_delay ? d : p->max_delay;
}

static void utc(int64_t unix_seconds, char out[32])
{
  time_t t = (time_t)unix_seconds;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool locked_out(const hk_signin_row *r, bool known, int64_t now)
{
  return !known && r->locked_until > now;
}

hk_status hk_signin_gate(hk_store *st, const hk_signin_policy *p, const char *name,
                         const char *address, int64_t now, unsigned *retry_after, hk_error *err)
{
  *retry_after = 0;
  hk_account_row account;
  hk_error lookup = {0};
  hk_status rc = name && hk_account__good_name(name)
                     ? hk_store_account_get(st, name, &account, &lookup)
                     : HK_ENOTFOUND;
  sodium_memzero(account.pwhash, sizeof account.pwhash);
  if (rc == HK_ENOTFOUND)
    return HK_OK;
  if (rc != HK_OK) {
    *err = lookup;
    return rc;
  }
  hk_signin_row r;
  bool known = false;
  if ((rc = hk_store_signin_get(st, account.id, address, &r, &known, err)) != HK_OK)
    return rc;
  if (locked_out(&r, known, now)) {
    char until[32];
    utc(r.locked_until, until);
    *retry_after = (unsigned)(r.locked_until - now);
    return hk_error_set_both(err, HK_EFORBIDDEN, "name",
                             "账户因连续登录失败已锁定，至 %s 自动解除，或由管理员启用",
                             "the account is locked after repeated failed sign-ins, until %s or "
                             "until an admin enables it",
                             until);
  }
  int side = known ? 1 : 0;
  int64_t wait = r.last_failure[side] + hk_signin_delay(p, r.failures[side]) - now;
  if (wait > 0) {
    *retry_after = (unsigned)wait;
    return hk_error_set_both(err, HK_ERATE, "name", "此账户连续登录失败 %d 次，请 %lld 秒后再试",
                             "%d failed sign-ins in a row for this account; retry in %lld s",
                             (int)r.failures[side], (long long)wait);
  }
  return HK_OK;
}

typedef struct failed_ctx {
  const hk_signin_policy *p;
  const hk_account_row *account;
  const char *address;
  int64_t now;
} failed_ctx;

static hk_status failed_txn(hk_store *st, void *cls, hk_error *err)
{
  failed_ctx *c = cls;
  hk_signin_row r;
  bool known = false;
  hk_status rc = hk_store_signin_get(st, c->account->id, c->address, &r, &known, err);
  if (rc != HK_OK)
    return rc;
  int side = known ? 1 : 0;
  r.failures[side]++;
  r.last_failure[side] = c->now;
  /* Only strangers' failures lock, and a lock that is running is not extended by them. */
  bool lock = !known && r.failures[0] >= c->p->lock_after && r.locked_until <= c->now;
  if (lock)
    r.locked_until = c->now + c->p->lock_seconds;
  if ((rc = hk_store_signin_put(st, c->account->id, &r, err)) != HK_OK || !lock)
    return rc;
  char until[32], payload[96];
  utc(r.locked_until, until);
  snprintf(payload, sizeof payload, "{\"failures\":%d,\"until\":\"%s\"}", (int)r.failures[0],
           until);
  return hk_store_event_append(st, "system", "account.lock", c->account->name, payload, err);
}

hk_status hk_signin_failed(hk_store *st, const hk_signin_policy *p, const hk_account_row *account,
                           const char *address, int64_t now, hk_error *err)
{
  failed_ctx c = {p, account, address, now};
  return hk_account__in_transaction(st, failed_txn, &c, err);
}

typedef struct session_ctx {
  const hk_account_row *account;
  const char *address;
  int64_t now;
  char *token;
  int64_t *expires;
} session_ctx;

static hk_status session_txn(hk_store *st, void *cls, hk_error *err)
{
  session_ctx *c = cls;
  hk_signin_row r;
  bool known = false;
  hk_status rc = hk_store_signin_get(st, c->account->id, c->address, &r, &known, err);
  if (rc != HK_OK)
    return rc;
  /* A success clears its own side's run. One from a known address leaves strangers' run and
   * lock alone (an officer signing in does not give an attacker fresh guesses); one from a new
   * address passed the lock, so nothing of strangers' is left to keep. */
  if (known) {
    r.failures[1] = 0;
    r.last_failure[1] = 0;
  } else {
    memset(&r, 0, sizeof r);
  }
  rc = hk_store_signin_put(st, c->account->id, &r, err);
  if (rc == HK_OK)
    rc = hk_store_signin_address_add(st, c->account->id, c->address, err);
  /* Expired sessions go here too, not only at sign-out (issue 16): sign-ins are what adds rows. */
  if (rc == HK_OK)
    rc = hk_store_session_purge(st, c->now, NULL, err);
  if (rc == HK_OK)
    rc = hk_account__session_add(st, c->account, c->now, c->token, c->expires, err);
  return rc;
}

hk_status hk_signin_session(hk_store *st, const hk_account_row *account, const char *address,
                            int64_t now, char token[HK_TOKEN_MAX], int64_t *expires, hk_error *err)
{
  session_ctx c = {account, address, now, token, expires};
  hk_status rc = hk_account__in_transaction(st, session_txn, &c, err);
  if (rc != HK_OK)
    sodium_memzero(token, HK_TOKEN_MAX);
  return rc;
}

hk_status hk_account_signin(hk_store *st, const hk_signin_policy *p, const char *name,
                            const char *password, const char *address, int64_t now,
                            char token[HK_TOKEN_MAX], int64_t *expires, hk_account_row *out,
                            unsigned *retry_after, hk_error *err)
{
  token[0] = '\0';
  memset(out, 0, sizeof *out); /* id 0 stays when the name is no account */
  hk_status rc = hk_signin_gate(st, p, name, address, now, retry_after, err);
  if (rc != HK_OK)
    return rc;
  rc = hk_account_check_password(st, name, password, out, err);
  if (rc == HK_EUNAUTH && out->id > 0) {
    hk_error counted = {0};
    hk_status crc = hk_signin_failed(st, p, out, address, now, &counted);
    if (crc != HK_OK) {
      *err = counted;
      return crc;
    }
  }
  if (rc == HK_OK)
    rc = hk_signin_session(st, out, address, now, token, expires, err);
  return rc;
}
