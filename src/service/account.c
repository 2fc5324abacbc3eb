/* account.c — accounts, sessions and department keys (account.h), clause (九). */
#include "service/account.h"
#include "service/account_int.h"

#include "service/facts.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "core/division.h"
#include "core/idnum.h"
#include "core/utf8.h"

const char *const hk_question_names[] = {"permit-valid", "hukou-registered", NULL};

void hk_token_hash(const char *token, uint8_t out[HK_HASH_LEN])
{
  crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

/* prefix + base64url (no padding) of n random bytes. */
static void random_token(const char *prefix, size_t n, char *out, size_t size)
{
  unsigned char bytes[32];
  randombytes_buf(bytes, n);
  size_t used = (size_t)snprintf(out, size, "%s", prefix);
  sodium_bin2base64(out + used, size - used, bytes, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof bytes);
}

void hk_account_password_generate(char out[21])
{
  /* 15 bytes are exactly 20 base64 characters. */
  random_token("", 15, out, 21);
}

bool hk_account__good_name(const char *name)
{
  size_t n = strlen(name);
  if (n == 0 || n > HK_NAME_CHARS)
    return false;
  for (const char *s = name; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '.' || *s == '_' || *s == '-'))
      return false;
  return true;
}

bool hk_account__looks_like_idnum(const char *name)
{
  char upper[HK_IDNUM_LEN + 1];
  if (strlen(name) != HK_IDNUM_LEN)
    return false;
  for (size_t i = 0; i <= HK_IDNUM_LEN; i++)
    upper[i] = name[i] == 'x' ? 'X' : name[i];
  return hk_idnum_valid18(upper);
}

hk_status hk_account__in_transaction(hk_store *st, hk_account__txn_fn fn, void *cls, hk_error *err)
{
  for (int attempt = 0;; attempt++) {
    hk_status rc = hk_store_begin(st, err);
    if (rc == HK_OK)
      rc = fn(st, cls, err);
    if (rc == HK_OK)
      rc = hk_store_commit(st, err);
    if (rc == HK_OK)
      return HK_OK;
    hk_store_rollback(st);
    if (rc != HK_ERETRY || attempt == 4)
      return rc;
  }
}

typedef struct add_ctx {
  const hk_actor *who;
  hk_account_row row;
} add_ctx;

static hk_status add_txn(hk_store *st, void *cls, hk_error *err)
{
  add_ctx *c = cls;
  hk_status rc;
  if (c->row.role == HK_ROLE_RESIDENT) {
    /* A resident's account names a registered person, and a person has one account (issue 16):
     * it is how they sign in to their own records. */
    int64_t person_row;
    hk_error why = {0};
    rc = hk_store_person_row(st, c->row.id_number, &person_row, &why);
    if (rc == HK_ENOTFOUND)
      return hk_error_set_both(err, HK_EINVAL, "id_number", "登记库中没有此身份证号码的人",
                               "no registered person has this ID number");
    if (rc != HK_OK) {
      *err = why;
      return rc;
    }
    hk_account_row existing;
    rc = hk_store_account_of_person(st, c->row.id_number, &existing, &why);
    sodium_memzero(existing.pwhash, sizeof existing.pwhash);
    if (rc == HK_OK)
      return hk_error_set_both(err, HK_EDUPLICATE, "id_number", "此人已有账号（%s）",
                               "the person already has an account (%s)", existing.name);
    if (rc != HK_ENOTFOUND) {
      *err = why;
      return rc;
    }
  }
  rc = hk_store_account_add(st, &c->row, err);
  if (rc != HK_OK)
    return rc;
  char payload[160];
  snprintf(payload, sizeof payload, "{\"role\":\"%s\",\"jurisdiction\":%d}",
           hk_role_name((hk_role)c->row.role), (int)c->row.jurisdiction);
  return hk_store_event_append(st, c->who->account, "account.add", c->row.name, payload, err);
}

hk_status hk_account_add(hk_store *st, const hk_actor *who, const hk_account_new *in, hk_error *err)
{
  if (in->name == NULL || !hk_account__good_name(in->name))
    return hk_error_set_both(err, HK_EINVAL, "name", "须为 1 至 %d 个字符：字母、数字、“.”“_”或“-”",
                             "1 to %d characters: letters, digits, '.', '_' or '-'", HK_NAME_CHARS);
  if (hk_account__looks_like_idnum(in->name))
    return hk_error_set_both(err, HK_EINVAL, "name", "不能是身份证号码：账户名会出现在事件和日志中",
                             "must not be an ID number: names appear in events and logs");
  if ((int)in->role < 0 || in->role >= HK_ROLE_COUNT || in->role == HK_ROLE_SYSTEM)
    return hk_account__bad_role(err);
  hk_status rc = hk_account__check_jurisdiction(in->role, in->jurisdiction, err);
  if (rc != HK_OK)
    return rc;
  add_ctx c = {.who = who};
  memset(&c.row, 0, sizeof c.row);
  snprintf(c.row.name, sizeof c.row.name, "%s", in->name);
  c.row.role = (int)in->role;
  c.row.jurisdiction = in->jurisdiction;
  if (in->role == HK_ROLE_RESIDENT) {
    hk_idnum id;
    if (in->id_number == NULL || !hk_idnum_check(in->id_number, hk_date_today(), &id))
      return hk_error_set_both(err, HK_EINVAL, "id_number", "居民账户须有本人有效的身份证号码",
                               "a resident's account needs their own valid ID number");
    memcpy(c.row.id_number, id.number, sizeof c.row.id_number);
  } else if (in->id_number != NULL && in->id_number[0] != '\0') {
    return hk_error_set_both(err, HK_EINVAL, "id_number", "只有居民账户才有身份证号码",
                             "only residents' accounts have one");
  }
  if ((rc = hk_account__hash_password(in->password, c.row.pwhash, err)) != HK_OK)
    return rc;
  return hk_account__in_transaction(st, add_txn, &c, err);
}

hk_status hk_account__hash_password(const char *password, char out[HK_PWHASH_MAX + 1],
                                    hk_error *err)
{
  size_t plen = password ? strlen(password) : 0;
  if (plen < HK_PASSWORD_MIN || plen > HK_PASSWORD_MAX)
    return hk_error_set_both(err, HK_EINVAL, "password", "须为 %d 至 %d 字节", "%d to %d bytes",
                             HK_PASSWORD_MIN, HK_PASSWORD_MAX);
  if (crypto_pwhash_str(out, password, plen, HK_PWHASH_OPSLIMIT, HK_PWHASH_MEMLIMIT) != 0)
    return hk_error_set_both(err, HK_ENOMEM, "password", "计算密码散列时内存不足",
                             "out of memory while hashing");
  return HK_OK;
}

hk_status hk_account__bad_role(hk_error *err)
{
  return hk_error_set_both(
      err, HK_EINVAL, "role",
      "须为以下之一：resident（居民）、officer（户籍民警）、supervisor（审核主管）、analyst（统计"
      "分析员）、department（部门）、admin（系统管理员）",
      "one of resident, officer, supervisor, analyst, department, admin");
}

hk_status hk_account__check_jurisdiction(hk_role role, int32_t jurisdiction, hk_error *err)
{
  if (role != HK_ROLE_OFFICER && role != HK_ROLE_SUPERVISOR)
    return jurisdiction == 0
               ? HK_OK
               : hk_error_set_both(err, HK_EINVAL, "jurisdiction", "只有户籍民警和审核主管才有辖区",
                                   "only officers and supervisors have one");
  const hk_division *d = jurisdiction ? hk_division_find(jurisdiction) : NULL;
  if (d == NULL || !d->current)
    return hk_error_set_both(err, HK_EINVAL, "jurisdiction",
                             "户籍民警和审核主管须有现行的行政区划代码作为辖区",
                             "officers and supervisors need a current division code");
  /* The system serves one province (the notice's): no officer's area lies outside it (issue 16). */
  if (hk_division_province_of(jurisdiction) != HK_SERVED_PROVINCE)
    return hk_error_set_both(err, HK_EINVAL, "jurisdiction", "辖区须在本省（%06d）之内",
                             "must be a division inside the province served (%06d)",
                             HK_SERVED_PROVINCE);
  /* A supervisor oversees a city or the province (九), not a county. */
  if (role == HK_ROLE_SUPERVISOR && jurisdiction % 100 != 0)
    return hk_error_set_both(err, HK_EINVAL, "jurisdiction",
                             "审核主管的辖区须为市或省（以 00 结尾）",
                             "a supervisor's is a city or the province (ending in 00)");
  return HK_OK;
}

typedef struct disable_ctx {
  const hk_actor *who;
  const char *name;
} disable_ctx;

static hk_status disable_txn(hk_store *st, void *cls, hk_error *err)
{
  disable_ctx *c = cls;
  hk_status rc = hk_store_account_set_disabled(st, c->name, true, err);
  if (rc == HK_OK)
    rc = hk_store_event_append(st, c->who->account, "account.disable", c->name, "{}", err);
  return rc;
}

hk_status hk_account_disable(hk_store *st, const hk_actor *who, const char *name, hk_error *err)
{
  if (name == NULL || !hk_account__good_name(name))
    return hk_error_set_both(err, HK_ENOTFOUND, "name", "没有这个账户", "no such account");
  disable_ctx c = {who, name};
  return hk_account__in_transaction(st, disable_txn, &c, err);
}

void hk_account_actor(const hk_account_row *row, hk_actor *out)
{
  memset(out, 0, sizeof *out);
  out->role =
      (int)row->role >= 0 && row->role < HK_ROLE_COUNT ? (hk_role)row->role : HK_ROLE_ANALYST;
  snprintf(out->account, sizeof out->account, "%s:%.48s", hk_role_name(out->role), row->name);
  if (out->role == HK_ROLE_OFFICER || out->role == HK_ROLE_SUPERVISOR)
    out->jurisdiction = row->jurisdiction;
  if (out->role == HK_ROLE_RESIDENT)
    memcpy(out->id_number, row->id_number, sizeof out->id_number);
}

/* The hash an unknown name is checked against, so that it costs what a known one does. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static void make_dummy(void)
{
  char pw[21];
  hk_account_password_generate(pw);
  if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), HK_PWHASH_OPSLIMIT, HK_PWHASH_MEMLIMIT) != 0)
    dummy_hash[0] = '\0';
}

hk_status hk_account_check_password(hk_store *st, const char *name, const char *password,
                                    hk_account_row *out, hk_error *err)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, make_dummy);
  size_t plen = password ? strlen(password) : 0;
  hk_error lookup = {0};
  hk_status found = name && hk_account__good_name(name)
                        ? hk_store_account_get(st, name, out, &lookup)
                        : HK_ENOTFOUND;
  if (found != HK_OK && found != HK_ENOTFOUND) {
    *err = lookup;
    return found;
  }
  const char *hash = found == HK_OK ? out->pwhash : dummy_hash;
  bool ok = plen <= HK_PASSWORD_MAX && hash[0] != '\0' &&
            crypto_pwhash_str_verify(hash, password ? password : "", plen) == 0;
  if (!ok || found != HK_OK || out->disabled)
    return hk_error_set_both(err, HK_EUNAUTH, "password", "账户名或密码错误",
                             "wrong name or password");
  return HK_OK;
}

hk_status hk_account_session_new(hk_store *st, const hk_account_row *account,
                                 char token[HK_TOKEN_MAX], int64_t *expires, hk_error *err)
{
  return hk_account__session_add(st, account, (int64_t)time(NULL), token, expires, err);
}

hk_status hk_account__session_add(hk_store *st, const hk_account_row *account, int64_t now,
                                  char token[HK_TOKEN_MAX], int64_t *expires, hk_error *err)
{
  random_token("hks_", 32, token, HK_TOKEN_MAX);
  uint8_t h[HK_HASH_LEN];
  hk_token_hash(token, h);
  *expires = now + HK_SESSION_SECONDS;
  hk_status rc = hk_store_session_add(st, h, account->id, *expires, err);
  if (rc != HK_OK)
    sodium_memzero(token, HK_TOKEN_MAX);
  return rc;
}

hk_status hk_account_login(hk_store *st, const char *name, const char *password,
                           char token[HK_TOKEN_MAX], int64_t *expires, hk_account_row *out,
                           hk_error *err)
{
  token[0] = '\0';
  hk_status rc = hk_account_check_password(st, name, password, out, err);
  return rc == HK_OK ? hk_account_session_new(st, out, token, expires, err) : rc;
}

hk_status hk_account_logout(hk_store *st, const char *token, hk_error *err)
{
  uint8_t h[HK_HASH_LEN];
  hk_token_hash(token, h);
  return hk_store_session_delete(st, h, (int64_t)time(NULL), err);
}

hk_status hk_account_authenticate(hk_store *st, const char *token, hk_credential *out,
                                  hk_error *err)
{
  memset(out, 0, sizeof *out);
  size_t n = strlen(token);
  if (n < 5 || n >= HK_TOKEN_MAX ||
      (strncmp(token, "hks_", 4) != 0 && strncmp(token, "hkk_", 4) != 0))
    return hk_error_set_both(err, HK_EUNAUTH, "Authorization", "不是本服务器签发的令牌",
                             "not a token of this server");
  uint8_t h[HK_HASH_LEN];
  hk_token_hash(token, h);
  hk_error lookup = {0};
  hk_status rc;
  if (token[2] == 's') {
    hk_account_row row;
    rc = hk_store_session_find(st, h, (int64_t)time(NULL), &row, &out->expires, &lookup);
    if (rc == HK_OK) {
      hk_account_actor(&row, &out->actor);
      /* A department's account signs in for nothing: its questions need a key. */
      return HK_OK;
    }
  } else {
    hk_apikey_row key;
    rc = hk_store_apikey_find(st, h, &key, &lookup);
    if (rc == HK_OK && !key.disabled) {
      out->is_key = true;
      out->actor.role = HK_ROLE_DEPARTMENT;
      snprintf(out->actor.account, sizeof out->actor.account, "department:%.48s", key.department);
      memcpy(out->questions, key.questions, sizeof out->questions);
      return HK_OK;
    }
    if (rc == HK_OK)
      rc = HK_ENOTFOUND;
  }
  if (rc != HK_ENOTFOUND) {
    *err = lookup;
    return rc;
  }
  return hk_error_set_both(err, HK_EUNAUTH, "Authorization", "令牌无法识别、已过期或已吊销",
                           "unknown, expired or revoked token");
}

bool hk_apikey_allows(const char *questions, const char *q)
{
  size_t qn = strlen(q);
  for (const char *s = questions; s && *s;) {
    size_t n = strcspn(s, ",");
    if (n == qn && strncmp(s, q, n) == 0)
      return true;
    s += n + (s[n] == ',');
  }
  return false;
}

typedef struct key_ctx {
  const hk_actor *who;
  hk_apikey_row row;
  int64_t revoke;
} key_ctx;

static hk_status key_add_txn(hk_store *st, void *cls, hk_error *err)
{
  key_ctx *c = cls;
  hk_status rc = hk_store_apikey_add(st, &c->row, err);
  if (rc != HK_OK)
    return rc;
  json_t *o = json_pack("{s:I, s:s, s:s}", "key", (json_int_t)c->row.id, "questions",
                        c->row.questions, "title", c->row.title);
  char *payload = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  if (payload == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  rc = hk_store_event_append(st, c->who->account, "key.add", c->row.department, payload, err);
  free(payload);
  return rc;
}

/* A department's title: readable text, never a place for an ID number. */
static hk_status check_title(const char *title, hk_error *err)
{
  size_t len = strlen(title), chars = 0, digits = 0;
  if (len > HK_KEY_TITLE_MAX || !hk_utf8_valid(title, len))
    return hk_error_set_both(err, HK_EINVAL, "title", "须为至多 64 个字的 UTF-8 文字",
                             "at most 64 characters of UTF-8 text");
  for (const unsigned char *s = (const unsigned char *)title; *s; s++) {
    if (*s < 0x20 || *s == 0x7f)
      return hk_error_set_both(err, HK_EINVAL, "title", "不能含控制字符",
                               "must not hold control characters");
    digits = (*s >= '0' && *s <= '9') ? digits + 1 : 0;
    if (digits >= 15)
      return hk_error_set_both(err, HK_EINVAL, "title", "不能含身份证号码或长串数字",
                               "must not hold an ID number or a long run of digits");
    chars += (*s & 0xc0) != 0x80;
  }
  if (chars == 0 || chars > 64)
    return hk_error_set_both(err, HK_EINVAL, "title", "须为 1 至 64 个字", "1 to 64 characters");
  return HK_OK;
}

hk_status hk_apikey_add(hk_store *st, const hk_actor *who, const char *department,
                        const char *title, const char *questions, char key[HK_TOKEN_MAX],
                        int64_t *id, hk_error *err)
{
  key[0] = '\0';
  if (title != NULL && title[0] != '\0') {
    hk_status trc = check_title(title, err);
    if (trc != HK_OK)
      return trc;
  }
  if (department == NULL || !hk_account__good_name(department))
    return hk_error_set_both(err, HK_EINVAL, "department",
                             "须为 1 至 %d 个字符：字母、数字、“.”“_”或“-”",
                             "1 to %d characters: letters, digits, '.', '_' or '-'", HK_NAME_CHARS);
  if (questions == NULL || questions[0] == '\0' || strlen(questions) > HK_QUESTIONS_MAX)
    return hk_error_set_both(err, HK_EINVAL, "questions", "请至少写明一个查询事项",
                             "name at least one question");
  for (const char *s = questions; *s;) {
    size_t n = strcspn(s, ",");
    bool known = false;
    for (const char *const *q = hk_question_names; *q && !known; q++)
      known = strlen(*q) == n && strncmp(*q, s, n) == 0;
    /* "fact:KIND": the key may send facts of a kind its department owns (issue 10). */
    if (!known && n > 5 && strncmp(s, "fact:", 5) == 0) {
      char kind[32];
      snprintf(kind, sizeof kind, "%.*s", (int)(n - 5 < 31 ? n - 5 : 31), s + 5);
      hk_fact_kind k = hk_fact_kind_from(kind);
      if (k == HK_FACT_NONE || !(hk_fact_department_kinds(department) & (1u << k)))
        return hk_error_set_both(err, HK_EINVAL, "facts",
                                 "%s部门不报送 %s（housing 住房部门：housing 住房；"
                                 "social_insurance 社保机构：social_insurance 社会保险；education "
                                 "教育部门：schooling 就学、"
                                 "education 学历；talent 人才办：talent 人才认定；civil_affairs "
                                 "民政部门：marital_status 婚姻状况）",
                                 "the %s department does not send %s (housing: housing; "
                                 "social_insurance: social_insurance; education: schooling, "
                                 "education; talent: talent; civil_affairs: marital_status)",
                                 department, kind);
      known = true;
    }
    if (!known)
      return hk_error_set_both(err, HK_EINVAL, "questions", "不认识的查询事项（可用：%s、%s）",
                               "unknown question (known: %s, %s)", hk_question_names[0],
                               hk_question_names[1]);
    s += n + (s[n] == ',');
  }
  key_ctx c = {.who = who};
  memset(&c.row, 0, sizeof c.row);
  snprintf(c.row.department, sizeof c.row.department, "%s", department);
  snprintf(c.row.questions, sizeof c.row.questions, "%s", questions);
  snprintf(c.row.title, sizeof c.row.title, "%s", title ? title : "");
  random_token("hkk_", 32, key, HK_TOKEN_MAX);
  hk_token_hash(key, c.row.key_hash);
  hk_status rc = hk_account__in_transaction(st, key_add_txn, &c, err);
  if (rc != HK_OK)
    sodium_memzero(key, HK_TOKEN_MAX);
  else
    *id = c.row.id;
  return rc;
}

static hk_status key_revoke_txn(hk_store *st, void *cls, hk_error *err)
{
  key_ctx *c = cls;
  hk_status rc = hk_store_apikey_revoke(st, c->revoke, err);
  char subject[32];
  snprintf(subject, sizeof subject, "key %lld", (long long)c->revoke);
  if (rc == HK_OK)
    rc = hk_store_event_append(st, c->who->account, "key.revoke", subject, "{}", err);
  return rc;
}

hk_status hk_apikey_revoke(hk_store *st, const hk_actor *who, int64_t id, hk_error *err)
{
  key_ctx c = {.who = who, .revoke = id};
  return hk_account__in_transaction(st, key_revoke_txn, &c, err);
}
