/* account_change.c — an account's life after it is created (account.h), issue 16: an admin
 * re-enables it, changes its role and jurisdiction or resets its password; its owner changes
 * the password. Each change is one transaction with its event; no event holds a password. */
#include "service/account.h"
#include "service/account_int.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

static hk_status no_such_account(hk_error *err)
{
  return hk_error_set_both(err, HK_ENOTFOUND, "name", "没有这个账户", "no such account");
}

/* ---- enable ---- */

typedef struct enable_ctx {
  const hk_actor *who;
  const char *name;
} enable_ctx;

static hk_status enable_txn(hk_store *st, void *cls, hk_error *err)
{
  enable_ctx *c = cls;
  hk_status rc = hk_store_account_set_disabled(st, c->name, false, err);
  if (rc == HK_ENOTFOUND)
    return no_such_account(err);
  if (rc == HK_OK)
    rc = hk_store_event_append(st, c->who->account, "account.enable", c->name, "{}", err);
  return rc;
}

hk_status hk_account_enable(hk_store *st, const hk_actor *who, const char *name, hk_error *err)
{
  if (name == NULL || !hk_account__good_name(name))
    return no_such_account(err);
  enable_ctx c = {who, name};
  return hk_account__in_transaction(st, enable_txn, &c, err);
}

/* ---- role and jurisdiction ---- */

typedef struct change_ctx {
  const hk_actor *who;
  const char *name;
  const hk_account_change *in;
  hk_account_row row;
} change_ctx;

static bool has_jurisdiction(hk_role role)
{
  return role == HK_ROLE_OFFICER || role == HK_ROLE_SUPERVISOR;
}

/* Is `name` the acting account itself ("admin:NAME")? */
static bool is_self(const hk_actor *who, const char *name)
{
  const char *colon = strchr(who->account, ':');
  return colon != NULL && strcmp(colon + 1, name) == 0;
}

static hk_status change_txn(hk_store *st, void *cls, hk_error *err)
{
  change_ctx *c = cls;
  hk_status rc = hk_store_account_get(st, c->name, &c->row, err);
  if (rc == HK_ENOTFOUND)
    return no_such_account(err);
  if (rc != HK_OK)
    return rc;
  hk_role was = (hk_role)c->row.role;
  int32_t was_jurisdiction = c->row.jurisdiction;
  hk_role role = c->in->set_role ? c->in->role : was;
  /* A resident's account names the registered person it belongs to (its ID number, set when it
   * was created); another role would keep a number it has no business with, and no account
   * becomes a resident's without one. */
  if ((was == HK_ROLE_RESIDENT) != (role == HK_ROLE_RESIDENT))
    return hk_error_set_both(err, HK_EINVAL, "role",
                             "居民账户绑定本人身份证号码：不能改为其他角色，其他账户也不能改为居民"
                             "账户（请另建账户）",
                             "a resident's account is bound to their ID number: it keeps its role, "
                             "and no other account becomes a resident's (create one instead)");
  /* The last admin locking everyone out would need the CLI to undo. */
  if (was == HK_ROLE_ADMIN && role != HK_ROLE_ADMIN && c->who->role == HK_ROLE_ADMIN &&
      is_self(c->who, c->name))
    return hk_error_set_both(err, HK_EINVAL, "role", "不能取消自己的管理员角色",
                             "an admin does not take away their own admin role");
  int32_t jurisdiction = c->in->set_jurisdiction  ? c->in->jurisdiction
                         : has_jurisdiction(role) ? was_jurisdiction
                                                  : 0;
  if ((rc = hk_account__check_jurisdiction(role, jurisdiction, err)) != HK_OK)
    return rc;
  if ((rc = hk_store_account_set_role(st, c->name, (int)role, jurisdiction, err)) != HK_OK)
    return rc;
  c->row.role = (int)role;
  c->row.jurisdiction = jurisdiction;
  char payload[200];
  snprintf(payload, sizeof payload,
           "{\"role\":\"%s\",\"jurisdiction\":%d,\"was_role\":\"%s\",\"was_jurisdiction\":%d}",
           hk_role_name(role), (int)jurisdiction, hk_role_name(was), (int)was_jurisdiction);
  return hk_store_event_append(st, c->who->account, "account.change", c->name, payload, err);
}

hk_status hk_account_change_role(hk_store *st, const hk_actor *who, const char *name,
                                 const hk_account_change *in, hk_account_row *out, hk_error *err)
{
  if (name == NULL || !hk_account__good_name(name))
    return no_such_account(err);
  if (!in->set_role && !in->set_jurisdiction)
    return hk_error_set_both(err, HK_EINVAL, "role", "请给出新的角色或辖区（jurisdiction）",
                             "give a new role or jurisdiction");
  if (in->set_role &&
      ((int)in->role < 0 || in->role >= HK_ROLE_COUNT || in->role == HK_ROLE_SYSTEM))
    return hk_account__bad_role(err);
  change_ctx c = {.who = who, .name = name, .in = in};
  hk_status rc = hk_account__in_transaction(st, change_txn, &c, err);
  sodium_memzero(c.row.pwhash, sizeof c.row.pwhash);
  if (rc == HK_OK && out)
    *out = c.row;
  return rc;
}

/* ---- passwords ---- */

typedef struct password_ctx {
  const hk_actor *who;
  const char *name;
  const char *event;
  char pwhash[HK_PWHASH_MAX + 1];
  const uint8_t *keep; /* the session that stays, or NULL */
} password_ctx;

static hk_status password_txn(hk_store *st, void *cls, hk_error *err)
{
  password_ctx *c = cls;
  hk_status rc = hk_store_account_set_password(st, c->name, c->pwhash, c->keep, err);
  if (rc == HK_ENOTFOUND)
    return no_such_account(err);
  if (rc == HK_OK)
    rc = hk_store_event_append(st, c->who->account, c->event, c->name, "{}", err);
  return rc;
}

static hk_status set_password(hk_store *st, password_ctx *c, const char *password, hk_error *err)
{
  hk_status rc = hk_account__hash_password(password, c->pwhash, err);
  if (rc == HK_OK)
    rc = hk_account__in_transaction(st, password_txn, c, err);
  sodium_memzero(c->pwhash, sizeof c->pwhash);
  return rc;
}

hk_status hk_account_reset_password(hk_store *st, const hk_actor *who, const char *name,
                                    const char *password, hk_error *err)
{
  if (name == NULL || !hk_account__good_name(name))
    return no_such_account(err);
  password_ctx c = {.who = who, .name = name, .event = "account.password_reset"};
  return set_password(st, &c, password, err);
}

hk_status hk_account_password_change(hk_store *st, const hk_actor *who, const char *name,
                                     const char *password, const char *keep_token, hk_error *err)
{
  if (name == NULL || !hk_account__good_name(name))
    return no_such_account(err);
  uint8_t keep[HK_HASH_LEN];
  password_ctx c = {.who = who, .name = name, .event = "account.password_change"};
  if (keep_token != NULL) {
    hk_token_hash(keep_token, keep);
    c.keep = keep;
  }
  return set_password(st, &c, password, err);
}
