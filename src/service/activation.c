/* Activation codes for residents' own accounts (activation.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/idnum.h"
#include "core/person.h"
#include "service/account.h"
#include "service/account_int.h"
#include "service/activation.h"
#include "store/store_auth.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* The 12 characters of a code as typed: case, spaces and hyphens ignored, and the letters people
 * confuse with digits read as those digits (Crockford). false when it cannot be a code. */
static bool normalise(const char *in, char out[13])
{
  size_t n = 0;
  for (const char *s = in; *s; s++) {
    char c = (char)toupper((unsigned char)*s);
    if (c == '-' || c == ' ')
      continue;
    if (c == 'O')
      c = '0';
    else if (c == 'I' || c == 'L')
      c = '1';
    if (n == 12 || strchr(crockford, c) == NULL || c == '\0')
      return false;
    out[n++] = c;
  }
  out[n] = '\0';
  return n == 12;
}

static void hash_hex(const char normalised[13], char out[2 * HK_HASH_LEN + 1])
{
  uint8_t h[HK_HASH_LEN];
  crypto_hash_sha256(h, (const unsigned char *)normalised, 12);
  sodium_bin2hex(out, 2 * HK_HASH_LEN + 1, h, HK_HASH_LEN);
  sodium_memzero(h, sizeof h);
}

static hk_status no_code(hk_error *err)
{
  return hk_error_set_both(err, HK_EINVAL, "code",
                           "激活码不正确、已使用或已过期，请到服务窗口重新领取",
                           "the code is wrong, used or expired; ask for a new one at a service "
                           "point");
}

typedef struct issue_ctx {
  const hk_actor *who;
  hk_idnum id;
  hk_person person;
  hk_activation_row row;
} issue_ctx;

static hk_status issue_txn(hk_store *st, void *cls, hk_error *err)
{
  issue_ctx *c = cls;
  hk_error why = {0};
  hk_status rc = hk_store_person_get(st, c->id.number, &c->person, &why);
  if (rc == HK_ENOTFOUND || (rc == HK_OK && !hk_actor_holds_person(c->who, &c->person)))
    return hk_error_set_both(err, HK_ENOTFOUND, "id_number", "您的辖区内没有这个身份证号码的人",
                             "no person with this ID number in your jurisdiction");
  if (rc != HK_OK) {
    *err = why;
    return rc;
  }
  if (c->person.died_on != 0)
    return hk_error_set_both(err, HK_ECONFLICT, "id_number", "此人已死亡注销",
                             "the person's death is registered");
  hk_account_row existing;
  rc = hk_store_account_of_person(st, c->id.number, &existing, &why);
  sodium_memzero(existing.pwhash, sizeof existing.pwhash);
  if (rc == HK_OK)
    return hk_error_set_both(
        err, HK_ECONFLICT, "id_number", "此人已有账号（%s）：忘记密码请由管理员重置",
        "the person has an account (%s): an admin resets its password", existing.name);
  if (rc != HK_ENOTFOUND) {
    *err = why;
    return rc;
  }
  if ((rc = hk_store_activation_put(st, &c->row, err)) != HK_OK)
    return rc;
  char masked[HK_IDNUM_LEN + 1];
  hk_idnum_mask(c->id.number, masked);
  char payload[96];
  snprintf(payload, sizeof payload, "{\"expires\":%lld}", (long long)c->row.expires);
  return hk_store_event_append(st, c->who->account, "account.activation_code", masked, payload,
                               err);
}

hk_status hk_activation_issue(hk_store *st, const hk_actor *who, const char *id_number, int64_t now,
                              char code[HK_ACTIVATION_CODE_LEN + 1], int64_t *expires,
                              hk_error *err)
{
  code[0] = '\0';
  if (who->role != HK_ROLE_OFFICER && who->role != HK_ROLE_SUPERVISOR)
    return hk_error_set_both(err, HK_EFORBIDDEN, "role", "只有户籍民警和审核主管可发放激活码",
                             "only officers and supervisors issue activation codes");
  issue_ctx *c = calloc(1, sizeof *c); /* a person with histories: not on the stack */
  if (c == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  hk_status rc = HK_OK;
  if (id_number == NULL || !hk_idnum_check(id_number, hk_date_today(), &c->id)) {
    rc = hk_error_set_both(err, HK_EINVAL, "id_number", "不是有效的身份证号码",
                           "not a valid ID number");
    goto done;
  }
  c->who = who;
  hk_person_init(&c->person);
  char plain[13];
  uint8_t random[12];
  randombytes_buf(random, sizeof random);
  for (int i = 0; i < 12; i++)
    plain[i] = crockford[random[i] & 31];
  plain[12] = '\0';
  snprintf(c->row.id_number, sizeof c->row.id_number, "%s", c->id.number);
  hash_hex(plain, c->row.code_hash);
  snprintf(c->row.issued_by, sizeof c->row.issued_by, "%s", who->account);
  c->row.expires = now + HK_ACTIVATION_SECONDS;
  rc = hk_account__in_transaction(st, issue_txn, c, err);
  hk_person_clear(&c->person);
  if (rc == HK_OK) {
    snprintf(code, HK_ACTIVATION_CODE_LEN + 1, "%.4s-%.4s-%.4s", plain, plain + 4, plain + 8);
    *expires = c->row.expires;
  }
  sodium_memzero(plain, sizeof plain);
  sodium_memzero(random, sizeof random);
done:
  free(c);
  return rc;
}

/* A wrong try: counted, and the code voided at the last one. Its own transaction: the refusal
 * must not roll it back. */
typedef struct try_ctx {
  const char *id_number;
  const char *hash; /* the hash of what was typed */
  int64_t now;
  bool matched;
} try_ctx;

static hk_status try_txn(hk_store *st, void *cls, hk_error *err)
{
  try_ctx *c = cls;
  c->matched = false;
  hk_activation_row row;
  hk_error why = {0};
  hk_status rc = hk_store_activation_get(st, c->id_number, &row, &why);
  if (rc == HK_ENOTFOUND)
    return HK_OK;
  if (rc != HK_OK) {
    *err = why;
    return rc;
  }
  if (row.expires <= c->now)
    return hk_store_activation_delete(st, c->id_number, err);
  if (sodium_memcmp(row.code_hash, c->hash, (size_t)2 * HK_HASH_LEN) == 0) {
    c->matched = true;
    return HK_OK;
  }
  if (++row.failures >= HK_ACTIVATION_TRIES)
    return hk_store_activation_delete(st, c->id_number, err);
  return hk_store_activation_put(st, &row, err);
}

typedef struct redeem_ctx {
  const char *hash;
  int64_t now;
  hk_account_row row;
  bool gone; /* the code was used or voided between the check and now */
} redeem_ctx;

static hk_status redeem_txn(hk_store *st, void *cls, hk_error *err)
{
  redeem_ctx *c = cls;
  hk_activation_row code;
  hk_error why = {0};
  hk_status rc = hk_store_activation_get(st, c->row.id_number, &code, &why);
  c->gone = rc == HK_ENOTFOUND ||
            (rc == HK_OK && (code.expires <= c->now ||
                             sodium_memcmp(code.code_hash, c->hash, (size_t)2 * HK_HASH_LEN) != 0));
  if (c->gone)
    return no_code(err);
  if (rc != HK_OK) {
    *err = why;
    return rc;
  }
  hk_account_row existing;
  rc = hk_store_account_of_person(st, c->row.id_number, &existing, &why);
  sodium_memzero(existing.pwhash, sizeof existing.pwhash);
  if (rc == HK_OK)
    return hk_error_set_both(err, HK_ECONFLICT, "id_number", "此人已有账号",
                             "the person has an account");
  if (rc != HK_ENOTFOUND) {
    *err = why;
    return rc;
  }
  if ((rc = hk_store_activation_delete(st, c->row.id_number, err)) != HK_OK)
    return rc;
  if ((rc = hk_store_account_add(st, &c->row, err)) != HK_OK)
    return rc;
  char masked[HK_IDNUM_LEN + 1], actor[80];
  hk_idnum_mask(c->row.id_number, masked);
  snprintf(actor, sizeof actor, "resident:%s", c->row.name);
  return hk_store_event_append(st, actor, "account.activate", masked,
                               "{\"role\":\"resident\",\"jurisdiction\":0}", err);
}

hk_status hk_activation_redeem(hk_store *st, const char *id_number, const char *code,
                               const char *name, const char *password, int64_t now, hk_error *err)
{
  hk_idnum id;
  if (id_number == NULL || !hk_idnum_check(id_number, hk_date_today(), &id))
    return hk_error_set_both(err, HK_EINVAL, "id_number", "不是有效的身份证号码",
                             "not a valid ID number");
  char plain[13];
  if (code == NULL || !normalise(code, plain))
    return hk_error_set_both(err, HK_EINVAL, "code",
                             "激活码是 12 位字母和数字（如 ABCD-EFGH-JK23）",
                             "an activation code is 12 letters and digits (like ABCD-EFGH-JK23)");
  char hash[2 * HK_HASH_LEN + 1];
  hash_hex(plain, hash);
  sodium_memzero(plain, sizeof plain);
  /* The account's own checks before the code is tried, so a bad name costs no try. */
  if (name == NULL || !hk_account__good_name(name))
    return hk_error_set_both(err, HK_EINVAL, "name", "须为 1 至 %d 个字符：字母、数字、“.”“_”或“-”",
                             "1 to %d characters: letters, digits, '.', '_' or '-'", HK_NAME_CHARS);
  if (hk_account__looks_like_idnum(name))
    return hk_error_set_both(err, HK_EINVAL, "name", "不能是身份证号码：账户名会出现在事件和日志中",
                             "must not be an ID number: names appear in events and logs");
  size_t plen = password ? strlen(password) : 0;
  if (plen < HK_PASSWORD_MIN || plen > HK_PASSWORD_MAX)
    return hk_error_set_both(err, HK_EINVAL, "password", "须为 %d 至 %d 字节", "%d to %d bytes",
                             HK_PASSWORD_MIN, HK_PASSWORD_MAX);
  try_ctx t = {.id_number = id.number, .hash = hash, .now = now};
  hk_status rc = hk_account__in_transaction(st, try_txn, &t, err);
  if (rc != HK_OK)
    return rc;
  if (!t.matched)
    return no_code(err);
  /* The code is right: only now the argon2id work, then the account in one transaction that
   * checks the code once more (two tabs redeeming at once make one account). */
  redeem_ctx r = {.hash = hash, .now = now};
  snprintf(r.row.name, sizeof r.row.name, "%s", name);
  r.row.role = HK_ROLE_RESIDENT;
  memcpy(r.row.id_number, id.number, sizeof r.row.id_number);
  if ((rc = hk_account__hash_password(password, r.row.pwhash, err)) != HK_OK)
    return rc;
  rc = hk_account__in_transaction(st, redeem_txn, &r, err);
  sodium_memzero(r.row.pwhash, sizeof r.row.pwhash);
  return rc;
}
