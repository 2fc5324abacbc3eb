/* Facts with provenance (facts.h, issue 10). */
#include "service/facts.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "core/json.h"
#include "core/json_canon.h"
#include "core/person_json.h"
#include "core/text.h"
#include "store/store_fact.h"

#define RETRIES 5
#define REASON_MAX 500
#define DELIVERY_MAX 64

static const char *const kind_names[HK_FACT_KIND_COUNT] = {
    NULL,     "housing",   "employment",     "schooling", "social_insurance",
    "talent", "education", "marital_status", "kinship"};

static const char *const source_names[HK_FACT_SRC_COUNT] = {NULL, "declared", "verified",
                                                            "department"};

const char *hk_fact_kind_name(hk_fact_kind k)
{
  return (int)k > 0 && k < HK_FACT_KIND_COUNT ? kind_names[k] : NULL;
}

hk_fact_kind hk_fact_kind_from(const char *s)
{
  for (int k = 1; s && k < HK_FACT_KIND_COUNT; k++)
    if (strcmp(s, kind_names[k]) == 0)
      return (hk_fact_kind)k;
  return HK_FACT_NONE;
}

const char *hk_fact_source_name(hk_fact_source s)
{
  return (int)s > 0 && s < HK_FACT_SRC_COUNT ? source_names[s] : "unknown";
}

#define BIT(k) (1u << (k))
/* (九) cross-department data sharing: each department sends the kinds it owns. */
static const struct {
  const char *name;
  uint32_t kinds;
} departments[] = {
    {"housing", BIT(HK_FACT_HOUSING)},
    {"social_insurance", BIT(HK_FACT_INSURANCE)}, /* months and pension transfers (七) */
    {"education", BIT(HK_FACT_SCHOOLING) | BIT(HK_FACT_EDUCATION)},
    {"talent", BIT(HK_FACT_TALENT)},
    {"civil_affairs", BIT(HK_FACT_MARITAL)},
};
const char *const hk_fact_departments[] = {"housing", "social_insurance", "education",
                                           "talent",  "civil_affairs",    NULL};

uint32_t hk_fact_department_kinds(const char *department)
{
  for (size_t i = 0; department && i < sizeof departments / sizeof departments[0]; i++)
    if (strcmp(department, departments[i].name) == 0)
      return departments[i].kinds;
  return 0;
}

/* ---- reading a fact ---- */

/* The list kinds are read by the import line's own reader, so a fact is checked exactly as an
 * imported entry is: the fact becomes the one entry of a person's list. */
static bool is_list_kind(hk_fact_kind k)
{
  return k >= HK_FACT_HOUSING && k <= HK_FACT_TALENT;
}

/* "housing[0].to" → "fact.to"; "education" → "fact.education". */
static void fact_field(hk_error *err)
{
  if (err == NULL)
    return;
  char rest[sizeof err->field];
  const char *br = strstr(err->field, "[0]");
  const char *tail = br ? br + 3 : err->field;
  if (*tail == '.')
    tail++;
  snprintf(rest, sizeof rest, "%s", tail);
  snprintf(err->field, sizeof err->field, rest[0] ? "fact.%s" : "fact", rest);
}

/* Read a fact of a list kind (or education), as its JSON text, into scratch (reset first). The
 * list kinds go straight to the import line's reader as the one entry of a list. */
static hk_status read_into(hk_fact_kind kind, const char *id_number, const char *doc, hk_date today,
                           hk_person *scratch, hk_error *err)
{
  hk_status rc;
  if (kind == HK_FACT_EDUCATION) {
    static const char *const keys[] = {"education", NULL};
    json_t *fact = json_loads(doc, JSON_REJECT_DUPLICATES, NULL);
    if (fact == NULL)
      return hk_error_set_both(err, HK_EINVAL, "fact", "不是 JSON", "not JSON");
    rc = hk_json_known_keys(fact, keys, err);
    if (rc == HK_OK && json_object_get(fact, "education") == NULL)
      rc = hk_error_set_both(err, HK_EINVAL, "education", "缺少此项", "missing");
    if (rc == HK_OK) {
      json_t *wrap = json_pack("{s:s, s:O}", "id_number", id_number, "education",
                               json_object_get(fact, "education"));
      rc = wrap ? hk_person_from_json(wrap, HK_PJ_PERSON, today, scratch, err)
                : hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
      json_decref(wrap);
    }
    json_decref(fact);
  } else {
    /* A fact is a few hundred bytes: the wrapped text goes on the stack unless it is long. */
    char small[2048];
    size_t len = strlen(doc) + strlen(kind_names[kind]) + 64;
    char *text = len <= sizeof small ? small : malloc(len);
    if (text == NULL)
      return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
    int n =
        snprintf(text, len, "{\"id_number\":\"%s\",\"%s\":[%s]}", id_number, kind_names[kind], doc);
    rc = hk_person_parse(text, (size_t)n, HK_PJ_PERSON, today, scratch, err);
    if (text != small)
      free(text);
  }
  if (rc != HK_OK)
    fact_field(err);
  return rc;
}

static hk_status read_id(const json_t *fact, const char *key, const char *self, hk_date today,
                         hk_json_need need, char out[HK_IDNUM_LEN + 1], hk_error *err)
{
  const char *s = NULL;
  out[0] = '\0';
  hk_status rc = hk_json_string(fact, key, need, HK_IDNUM_INPUT_MAX, &s, err);
  if (rc != HK_OK || s == NULL)
    return rc;
  hk_idnum idn;
  if (!hk_idnum_check(s, today, &idn))
    return hk_error_set(err, HK_EINVAL, key, "invalid ID number (%s)",
                        hk_idnum_fault_name(idn.fault));
  if (strcmp(idn.number, self) == 0)
    return hk_error_set_both(err, HK_EINVAL, key, "不能是本人", "the person themself");
  memcpy(out, idn.number, HK_IDNUM_LEN + 1);
  return HK_OK;
}

/* Marital status and kinship facts, read by hand: {"marital_status", "spouse"?} and
 * {"relation", "id_number"}. */
static hk_status read_link_fact(hk_fact_kind kind, const char *self, const json_t *fact,
                                hk_date today, int *value, char other[HK_IDNUM_LEN + 1],
                                hk_error *err)
{
  static const char *const marital_keys[] = {"marital_status", "spouse", NULL};
  static const char *const kin_keys[] = {"relation", "id_number", NULL};
  bool marital = kind == HK_FACT_MARITAL;
  const char *name = NULL;
  hk_status rc = hk_json_known_keys(fact, marital ? marital_keys : kin_keys, err);
  if (rc == HK_OK)
    rc = hk_json_string(fact, marital ? "marital_status" : "relation", HK_JSON_REQUIRED, 32, &name,
                        err);
  if (rc == HK_OK) {
    *value = marital ? (int)hk_marital_from(name) : (int)hk_relation_from(name);
    if (*value == 0)
      rc = hk_error_set_both(err, HK_EINVAL, marital ? "marital_status" : "relation",
                             "不认识的值“%s”", "unknown value \"%s\"", name);
  }
  if (rc == HK_OK)
    rc = read_id(fact, marital ? "spouse" : "id_number", self, today,
                 marital ? HK_JSON_OPTIONAL : HK_JSON_REQUIRED, other, err);
  if (rc == HK_OK && marital && other[0] && *value != HK_MARITAL_MARRIED)
    rc = hk_error_set_both(err, HK_EINVAL, "spouse", "只有婚姻状况为“married”（已婚）时才填写",
                           "only with marital_status \"married\"");
  if (rc != HK_OK)
    fact_field(err);
  return rc;
}

/* Check a fact given both as JSON and as its canonical text (the one that is kept). */
static hk_status check_doc(hk_fact_kind kind, const char *id_number, const json_t *fact,
                           const char *doc, hk_date today, hk_person *lent, hk_error *err)
{
  if (hk_fact_kind_name(kind) == NULL)
    return hk_error_set(err, HK_EINVAL, "kind",
                        "one of housing, employment, schooling, "
                        "social_insurance, talent, education, "
                        "marital_status, kinship");
  if (!json_is_object(fact))
    return hk_error_set_both(err, HK_EINVAL, "fact", "不是 JSON 对象", "not a JSON object");
  if (kind == HK_FACT_MARITAL || kind == HK_FACT_KINSHIP) {
    int v;
    char other[HK_IDNUM_LEN + 1];
    return read_link_fact(kind, id_number, fact, today, &v, other, err);
  }
  if (lent != NULL) /* the bulk path's one person, its lists' memory reused line after line */
    return read_into(kind, id_number, doc, today, lent, err);
  hk_person scratch;
  hk_person_init(&scratch);
  hk_status rc = read_into(kind, id_number, doc, today, &scratch, err);
  hk_person_clear(&scratch);
  return rc;
}

/* The fact as it is kept: compact, keys sorted, so a re-delivery compares equal. */
static char *canonical(const json_t *fact)
{
  return json_dumps(fact, JSON_COMPACT | JSON_SORT_KEYS);
}

hk_status hk_fact_check(hk_fact_kind kind, const char *id_number, const json_t *fact, hk_date today,
                        hk_error *err)
{
  if (!json_is_object(fact))
    return check_doc(kind, id_number, fact, NULL, today, NULL, err);
  char *doc = canonical(fact);
  hk_status rc = doc ? check_doc(kind, id_number, fact, doc, today, NULL, err)
                     : hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  free(doc);
  return rc;
}

static hk_status add_link(hk_person *p, hk_relation rel, const char *id, hk_error *err)
{
  for (uint32_t i = 0; i < p->relatives.n; i++)
    if (strcmp(p->relatives.items[i].id_number, id) == 0)
      return HK_OK;
  hk_relative_link *l = HK_LIST_PUSH(&p->relatives);
  if (l == NULL)
    return hk_error_set_both(err, HK_ETOOBIG, "relatives", "无法再增加亲属",
                             "cannot add another relative");
  l->relation = rel;
  memcpy(l->id_number, id, HK_IDNUM_LEN + 1);
  return HK_OK;
}

#define APPEND(dst, src)                                                                           \
  do {                                                                                             \
    for (uint32_t i_ = 0; i_ < (src).n; i_++) {                                                    \
      void *slot_ = HK_LIST_PUSH(&(dst));                                                          \
      if (slot_ == NULL)                                                                           \
        return hk_error_set_both(err, HK_ETOOBIG, kind_names[kind], "条目过多",                    \
                                 "too many entries");                                              \
      memcpy(slot_, &(src).items[i_], sizeof *(src).items);                                        \
    }                                                                                              \
  } while (0)

/* Lay one fact (already checked when it was recorded) over p. Stored facts were checked on
 * the day they were recorded: they are read as of a far day, so that a period checked then is
 * not refused now. */
static hk_status apply_fact(hk_fact_kind kind, const char *doc, hk_person *p, hk_person *scratch,
                            hk_error *err)
{
  hk_date far = hk_date_today() + 366 * 200;
  if (kind == HK_FACT_MARITAL || kind == HK_FACT_KINSHIP) {
    json_t *fact = json_loads(doc, 0, NULL);
    if (fact == NULL)
      return hk_error_set_both(err, HK_ESTORE, "fact", "已存储的事实不是 JSON",
                               "a stored fact is not JSON");
    int v = 0;
    char other[HK_IDNUM_LEN + 1];
    hk_status rc = read_link_fact(kind, p->id_number, fact, far, &v, other, err);
    json_decref(fact);
    if (rc == HK_OK && kind == HK_FACT_MARITAL) {
      p->marital_status = (hk_marital)v;
      if (other[0])
        rc = add_link(p, HK_REL_SPOUSE, other, err);
    } else if (rc == HK_OK) {
      rc = add_link(p, (hk_relation)v, other, err);
    }
    return rc;
  }
  if (!is_list_kind(kind) && kind != HK_FACT_EDUCATION)
    return HK_OK;
  hk_status rc = read_into(kind, p->id_number, doc, far, scratch, err);
  if (rc != HK_OK)
    return rc;
  switch (kind) {
  case HK_FACT_HOUSING:
    APPEND(p->housing, scratch->housing);
    break;
  case HK_FACT_EMPLOYMENT:
    APPEND(p->employment, scratch->employment);
    break;
  case HK_FACT_SCHOOLING:
    APPEND(p->schooling, scratch->schooling);
    break;
  case HK_FACT_INSURANCE:
    APPEND(p->social_insurance, scratch->social_insurance);
    break;
  case HK_FACT_TALENT:
    APPEND(p->talent, scratch->talent);
    break;
  default:
    p->education = scratch->education;
    break;
  }
  return HK_OK;
}

/* ---- a person's entries ---- */

typedef struct ledger_entry {
  int64_t id;
  int kind, source;
  int32_t supersedes_row;
  int64_t supersedes, superseded_by;
  hk_date recorded_on;
  char *department, *doc, *actor, *at, *reason, *delivery;
} ledger_entry;

typedef struct entries {
  ledger_entry *items;
  size_t n, cap;
} entries;

static void entries_free(entries *e)
{
  for (size_t i = 0; i < e->n; i++) {
    free(e->items[i].department);
    free(e->items[i].doc);
    free(e->items[i].actor);
    free(e->items[i].at);
    free(e->items[i].reason);
    free(e->items[i].delivery);
  }
  free(e->items);
  memset(e, 0, sizeof *e);
}

static hk_status collect(const hk_fact_row *row, void *cls, hk_error *err)
{
  entries *e = cls;
  if (e->n == e->cap) {
    size_t cap = e->cap ? e->cap * 2 : 8;
    ledger_entry *items = realloc(e->items, cap * sizeof *items);
    if (items == NULL)
      return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
    e->items = items;
    e->cap = cap;
  }
  ledger_entry *x = &e->items[e->n];
  *x = (ledger_entry){.id = row->id,
                      .kind = row->kind,
                      .source = row->source,
                      .supersedes_row = row->supersedes_row,
                      .supersedes = row->supersedes,
                      .superseded_by = row->superseded_by,
                      .recorded_on = row->recorded_on,
                      .department = strdup(row->department),
                      .doc = strdup(row->doc),
                      .actor = strdup(row->actor),
                      .at = strdup(row->at),
                      .reason = strdup(row->reason),
                      .delivery = strdup(row->delivery ? row->delivery : "")};
  e->n++; /* freed by entries_free even when a copy failed */
  if (!x->department || !x->doc || !x->actor || !x->at || !x->reason || !x->delivery)
    return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  return HK_OK;
}

/* The entry that supersedes imported row `index` of `kind`, or 0. */
static int64_t import_superseded_by(const entries *e, int kind, int32_t index)
{
  for (size_t i = 0; i < e->n; i++)
    if (e->items[i].kind == kind && e->items[i].supersedes_row == index)
      return e->items[i].id;
  return 0;
}

#define DROP(list, kind_)                                                                          \
  do {                                                                                             \
    uint32_t w_ = 0;                                                                               \
    for (uint32_t r_ = 0; r_ < (list).n; r_++)                                                     \
      if (!import_superseded_by(&e, (kind_), (int32_t)r_))                                         \
        (list).items[w_++] = (list).items[r_];                                                     \
    (list).n = w_;                                                                                 \
  } while (0)

hk_status hk_facts_overlay(hk_store *st, int64_t row, hk_person *p, bool with_declared,
                           int64_t *declared, size_t max_declared, size_t *n_declared,
                           hk_error *err)
{
  if (n_declared)
    *n_declared = 0;
  entries e = {0};
  hk_status rc = hk_store_fact_each(st, row, collect, &e, err);
  if (rc != HK_OK || e.n == 0) {
    entries_free(&e);
    return rc;
  }
  /* Imported rows a correction took the place of are no longer facts. */
  DROP(p->housing, HK_FACT_HOUSING);
  DROP(p->employment, HK_FACT_EMPLOYMENT);
  DROP(p->schooling, HK_FACT_SCHOOLING);
  DROP(p->social_insurance, HK_FACT_INSURANCE);
  DROP(p->talent, HK_FACT_TALENT);
  DROP(p->relatives, HK_FACT_KINSHIP);
  if (import_superseded_by(&e, HK_FACT_EDUCATION, 0))
    p->education = HK_EDU_UNSET;
  if (import_superseded_by(&e, HK_FACT_MARITAL, 0))
    p->marital_status = HK_MARITAL_UNSET;
  hk_person scratch;
  hk_person_init(&scratch);
  for (size_t i = 0; i < e.n && rc == HK_OK; i++) {
    const ledger_entry *x = &e.items[i];
    if (x->superseded_by)
      continue;
    if (x->source == HK_FACT_DECLARED) {
      if (declared && n_declared && *n_declared < max_declared)
        declared[(*n_declared)++] = x->id;
      if (!with_declared)
        continue;
    }
    rc = apply_fact((hk_fact_kind)x->kind, x->doc, p, &scratch, err);
  }
  hk_person_clear(&scratch);
  entries_free(&e);
  return rc;
}

/* ---- recording ---- */

static void utc_now(char out[32])
{
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

/* The fact for an event: ID numbers in it masked. */
static json_t *masked_fact(const char *doc)
{
  json_t *f = json_loads(doc, 0, NULL);
  static const char *const id_keys[] = {"spouse", "id_number"};
  for (size_t i = 0; f && i < 2; i++) {
    const char *s = json_string_value(json_object_get(f, id_keys[i]));
    if (s) {
      char masked[HK_IDNUM_LEN + 1];
      json_object_set_new(f, id_keys[i], json_string(hk_idnum_mask(s, masked)));
    }
  }
  return f;
}

typedef struct record_req {
  int64_t person_id;
  const char *id_number;
  hk_fact_kind kind;
  hk_fact_source source;
  const char *doc; /* canonical */
  const char *department, *delivery, *reason;
  int64_t supersedes;
  int32_t supersedes_row;
  const char *action;  /* "fact.declared", "fact.verify", "fact.correct", ... */
  hk_event_head *head; /* the bulk path's chain head, carried through its transaction; or NULL */
} record_req;

/* s as a JSON string: quotes, backslashes and control characters escaped (UTF-8 kept). */
static void buf_json_string(hk_text *b, const char *s)
{
  hk_text_put(b, "\"", 1);
  const char *run = s;
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch >= 0x20 && ch != '"' && ch != '\\')
      continue;
    hk_text_put(b, run, (size_t)(s - run));
    char esc[8];
    if (ch == '"' || ch == '\\')
      snprintf(esc, sizeof esc, "\\%c", ch);
    else
      snprintf(esc, sizeof esc, "\\u%04x", ch);
    hk_text_str(b, esc);
    run = s + 1;
  }
  hk_text_put(b, run, (size_t)(s - run));
  hk_text_put(b, "\"", 1);
}

static void buf_field(hk_text *b, const char *key, const char *value)
{
  hk_text_put(b, ",\"", 2);
  hk_text_str(b, key);
  hk_text_put(b, "\":", 2);
  buf_json_string(b, value);
}

static hk_status record(hk_store *st, const hk_actor *who, const record_req *q, hk_date today,
                        hk_fact_result *out, hk_error *err)
{
  char at[32];
  utc_now(at);
  hk_fact_row row = {.person_id = q->person_id,
                     .kind = q->kind,
                     .source = q->source,
                     .actor = who->account,
                     .department = q->department ? q->department : "",
                     .delivery = q->delivery,
                     .at = at,
                     .recorded_on = today,
                     .reason = q->reason ? q->reason : "",
                     .supersedes = q->supersedes,
                     .supersedes_row = q->supersedes_row,
                     .doc = q->doc};
  hk_status rc = hk_store_fact_insert(st, &row, err);
  if (rc == HK_EDUPLICATE)
    return hk_error_set_both(err, HK_EDUPLICATE, "delivery", "已报送过", "already delivered");
  if (rc == HK_OK && q->supersedes)
    rc = hk_store_fact_supersede(st, q->supersedes, row.id, err);
  if (rc != HK_OK)
    return rc;
  /* The payload is written directly (no JSON object built and dumped): the fact goes in as its
   * kept text; only the kinds that name another person are read again, to mask the number. */
  hk_text b = {0};
  char num[48], ref[32] = "";
  snprintf(num, sizeof num, "{\"entry\":%" PRId64, row.id);
  hk_text_str(&b, num);
  buf_field(&b, "kind", kind_names[q->kind]);
  buf_field(&b, "source", source_names[q->source]);
  if (q->department && q->department[0])
    buf_field(&b, "department", q->department);
  if (q->delivery && q->delivery[0])
    buf_field(&b, "delivery", q->delivery);
  if (q->supersedes) {
    snprintf(num, sizeof num, ",\"supersedes\":%" PRId64, q->supersedes);
    hk_text_str(&b, num);
  }
  if (q->supersedes_row >= 0) {
    snprintf(ref, sizeof ref, "%s.%d", kind_names[q->kind], (int)q->supersedes_row);
    buf_field(&b, "supersedes", ref);
  }
  if (q->reason && q->reason[0])
    buf_field(&b, "reason", q->reason);
  char *masked_doc = NULL;
  if (q->kind == HK_FACT_MARITAL || q->kind == HK_FACT_KINSHIP) {
    json_t *mf = masked_fact(q->doc);
    masked_doc = mf ? json_dumps(mf, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(mf);
  }
  hk_text_str(&b, ",\"fact\":");
  hk_text_str(&b, masked_doc ? masked_doc : q->doc);
  hk_text_put(&b, "}", 1);
  free(masked_doc);
  char masked[HK_IDNUM_LEN + 1];
  hk_event_head fresh = {0};
  rc = b.failed ? hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory")
                : hk_store_event_append_at(st, q->head ? q->head : &fresh, who->account, q->action,
                                           hk_idnum_mask(q->id_number, masked), b.s, err);
  free(b.s);
  if (rc == HK_OK && out) {
    *out = (hk_fact_result){.entry = row.id, .source = q->source, .supersedes = q->supersedes};
    memcpy(out->supersedes_import, ref, sizeof ref);
  }
  return rc;
}

/* What the actor's entries are, or an error: residents declare about themselves, officers
 * verify in their jurisdiction, departments send their own kinds, the system verifies. */
static hk_status source_of(const hk_actor *who, const hk_person *p, hk_fact_kind kind,
                           const char *department, hk_fact_source *out, hk_error *err)
{
  switch (who->role) {
  case HK_ROLE_RESIDENT:
    if (strcmp(who->id_number, p->id_number) != 0)
      return hk_error_set_both(err, HK_EFORBIDDEN, "id_number", "居民只能申报本人的事实",
                               "residents declare facts about themselves only");
    *out = HK_FACT_DECLARED;
    return HK_OK;
  case HK_ROLE_OFFICER:
  case HK_ROLE_SUPERVISOR:
    if (!hk_actor_holds_person(who, p))
      return hk_error_set_both(err, HK_ENOTFOUND, "id_number", "您的辖区内没有这个身份证号码的人",
                               "no person with this ID number in your jurisdiction");
    *out = HK_FACT_VERIFIED;
    return HK_OK;
  case HK_ROLE_DEPARTMENT:
  case HK_ROLE_SYSTEM:
    if (department && department[0]) {
      uint32_t kinds = hk_fact_department_kinds(department);
      if (kinds == 0)
        return hk_error_set_both(err, HK_EINVAL, "department", "未知的部门“%s”",
                                 "unknown department \"%s\"", department);
      if (!(kinds & BIT(kind)))
        return hk_error_set_both(err, HK_EFORBIDDEN, "kind", "%s部门不报送%s",
                                 "the %s department does not send %s", department,
                                 kind_names[kind]);
      *out = HK_FACT_DEPARTMENT;
      return HK_OK;
    }
    if (who->role == HK_ROLE_DEPARTMENT)
      return hk_error_set_both(err, HK_EFORBIDDEN, "department", "部门密钥须写明所属部门",
                               "a department key names its department");
    *out = HK_FACT_VERIFIED;
    return HK_OK;
  default:
    return hk_error_set(err, HK_EFORBIDDEN, "role", "%s accounts record no facts",
                        hk_role_name(who->role));
  }
}

/* A linked person (a spouse, a relative) must be registered. */
static hk_status check_links(hk_store *st, hk_fact_kind kind, const char *self, const json_t *fact,
                             hk_date today, hk_error *err)
{
  if (kind != HK_FACT_MARITAL && kind != HK_FACT_KINSHIP)
    return HK_OK;
  int v;
  char other[HK_IDNUM_LEN + 1];
  hk_status rc = read_link_fact(kind, self, fact, today, &v, other, err);
  if (rc != HK_OK || other[0] == '\0')
    return rc;
  int64_t row;
  rc = hk_store_person_row(st, other, &row, err);
  if (rc == HK_ENOTFOUND)
    rc = hk_error_set_both(
        err, HK_EINVAL, kind == HK_FACT_MARITAL ? "fact.spouse" : "fact.id_number",
        "没有登记这个身份证号码的人", "no person with this ID number is registered");
  return rc;
}

/* One transaction around fn, run again on a write conflict. */
typedef hk_status (*txn_fn)(hk_store *st, void *cls, hk_person *p, int64_t row, hk_error *err);

static hk_status in_txn(hk_store *st, const char *id_number, txn_fn fn, void *cls, hk_error *err)
{
  hk_person p;
  hk_person_init(&p);
  hk_status rc = HK_ERETRY;
  for (int i = 0; i < RETRIES && rc == HK_ERETRY; i++) {
    int64_t row = 0;
    rc = hk_store_begin(st, err);
    if (rc == HK_OK)
      rc = hk_store_person_row(st, id_number, &row, err);
    if (rc == HK_ENOTFOUND)
      rc = hk_error_set_both(err, HK_ENOTFOUND, "id_number", "没有这个身份证号码的人",
                             "no person with this ID number");
    if (rc == HK_OK)
      rc = hk_store_person_lock(st, row, err);
    if (rc == HK_OK)
      rc = hk_store_person_get(st, id_number, &p, err);
    if (rc == HK_OK)
      rc = fn(st, cls, &p, row, err);
    if (rc == HK_OK)
      rc = hk_store_commit(st, err);
    if (rc != HK_OK)
      hk_store_rollback(st);
  }
  hk_person_clear(&p);
  return rc;
}

typedef struct add_ctx {
  const hk_actor *who;
  hk_fact_kind kind;
  const json_t *fact;
  const char *department, *delivery;
  hk_date today;
  hk_fact_result *out;
} add_ctx;

typedef struct same_ctx {
  int64_t person_id;
  int kind;
  const char *doc;
  bool same;
  int64_t id;
} same_ctx;

static hk_status compare_delivery(const hk_fact_row *row, void *cls, hk_error *err)
{
  (void)err;
  same_ctx *c = cls;
  c->id = row->id;
  c->same = row->person_id == c->person_id && row->kind == c->kind && strcmp(row->doc, c->doc) == 0;
  return HK_OK;
}

/* A delivery already recorded: HK_OK with *already when it is the same fact, an error when it
 * is another; HK_ENOTFOUND when new. */
static hk_status redelivery(hk_store *st, const char *department, const char *delivery,
                            int64_t person_id, int kind, const char *doc, int64_t *already,
                            hk_error *err)
{
  same_ctx c = {person_id, kind, doc, false, 0};
  hk_status rc = hk_store_fact_by_delivery(st, department, delivery, compare_delivery, &c, err);
  if (rc != HK_OK)
    return rc;
  if (!c.same)
    return hk_error_set(err, HK_EDUPLICATE, "delivery",
                        "already delivered (entry %" PRId64 ") with other content", c.id);
  *already = c.id;
  return HK_OK;
}

static hk_status add_fn(hk_store *st, void *cls, hk_person *p, int64_t row, hk_error *err)
{
  add_ctx *c = cls;
  hk_fact_source source = HK_FACT_SRC_NONE;
  hk_status rc = source_of(c->who, p, c->kind, c->department, &source, err);
  char *doc = rc == HK_OK ? canonical(c->fact) : NULL;
  if (rc == HK_OK && doc == NULL)
    rc = hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  if (rc == HK_OK)
    rc = check_doc(c->kind, p->id_number, c->fact, doc, c->today, NULL, err);
  if (rc == HK_OK)
    rc = check_links(st, c->kind, p->id_number, c->fact, c->today, err);
  if (rc != HK_OK) {
    free(doc);
    return rc;
  }
  if (source == HK_FACT_DEPARTMENT && c->delivery && c->delivery[0]) {
    int64_t already = 0;
    rc = redelivery(st, c->department, c->delivery, row, c->kind, doc, &already, err);
    if (rc == HK_OK) {
      free(doc);
      *c->out = (hk_fact_result){.entry = already, .source = source, .already = true};
      return HK_OK;
    }
    if (rc != HK_ENOTFOUND) {
      free(doc);
      return rc;
    }
  }
  char action[32];
  snprintf(action, sizeof action, "fact.%s", source_names[source]);
  record_req q = {.person_id = row,
                  .id_number = p->id_number,
                  .kind = c->kind,
                  .source = source,
                  .doc = doc,
                  .department = source == HK_FACT_DEPARTMENT ? c->department : "",
                  .delivery = source == HK_FACT_DEPARTMENT ? c->delivery : NULL,
                  .supersedes_row = -1,
                  .action = action};
  rc = record(st, c->who, &q, c->today, c->out, err);
  free(doc);
  return rc;
}

static hk_status check_delivery(const char *delivery, hk_error *err)
{
  if (delivery && strlen(delivery) > DELIVERY_MAX)
    return hk_error_set_both(err, HK_EINVAL, "delivery", "超过 %d 字节", "longer than %d bytes",
                             DELIVERY_MAX);
  return HK_OK;
}

hk_status hk_facts_add(hk_store *st, const hk_actor *who, const char *id_number, hk_fact_kind kind,
                       const json_t *fact, const char *department, const char *delivery,
                       hk_date today, hk_fact_result *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  if (hk_fact_kind_name(kind) == NULL)
    return hk_fact_check(kind, id_number, fact, today, err);
  hk_status rc = check_delivery(delivery, err);
  if (rc != HK_OK)
    return rc;
  add_ctx c = {who, kind, fact, department, delivery, today, out};
  return in_txn(st, id_number, add_fn, &c, err);
}

/* ---- verify and correct ---- */

typedef struct change_ctx {
  const hk_actor *who;
  int64_t entry;     /* the entry to verify or correct, or 0 */
  hk_fact_kind kind; /* with row >= 0: the imported row to correct */
  int32_t row;
  const json_t *fact; /* correct */
  const char *reason;
  hk_date today;
  hk_fact_result *out;
} change_ctx;

static const ledger_entry *find_entry(const entries *e, int64_t id)
{
  for (size_t i = 0; i < e->n; i++)
    if (e->items[i].id == id)
      return &e->items[i];
  return NULL;
}

static hk_status verify_fn(hk_store *st, void *cls, hk_person *p, int64_t row, hk_error *err)
{
  change_ctx *c = cls;
  if (c->who->role != HK_ROLE_OFFICER && c->who->role != HK_ROLE_SUPERVISOR &&
      c->who->role != HK_ROLE_SYSTEM)
    return hk_error_set_both(err, HK_EFORBIDDEN, "role", "只有户籍民警可以核实事实",
                             "only officers verify facts");
  if (c->who->role != HK_ROLE_SYSTEM && !hk_actor_holds_person(c->who, p))
    return hk_error_set_both(err, HK_ENOTFOUND, "id_number", "您的辖区内没有这个身份证号码的人",
                             "no person with this ID number in your jurisdiction");
  entries e = {0};
  hk_status rc = hk_store_fact_each(st, row, collect, &e, err);
  const ledger_entry *x = rc == HK_OK ? find_entry(&e, c->entry) : NULL;
  if (rc == HK_OK && x == NULL) {
    entries_free(&e);
    return hk_error_set_both(err, HK_ENOTFOUND, "entry", "此人没有记录 %" PRId64,
                             "no entry %" PRId64 " of this person", c->entry);
  }
  if (rc != HK_OK || x == NULL) {
    entries_free(&e);
    return rc;
  }
  if (x->superseded_by)
    rc = hk_error_set_both(err, HK_ECONFLICT, "entry", "记录 %" PRId64 " 已被记录 %" PRId64 " 取代",
                           "entry %" PRId64 " was superseded by entry %" PRId64, x->id,
                           x->superseded_by);
  else if (x->source != HK_FACT_DECLARED)
    rc = hk_error_set(err, HK_ECONFLICT, "entry", "entry %" PRId64 " is already %s", x->id,
                      source_names[x->source]);
  if (rc == HK_OK) {
    record_req q = {.person_id = row,
                    .id_number = p->id_number,
                    .kind = (hk_fact_kind)x->kind,
                    .source = HK_FACT_VERIFIED,
                    .doc = x->doc,
                    .reason = "核实 / verified",
                    .supersedes = x->id,
                    .supersedes_row = -1,
                    .action = "fact.verify"};
    rc = record(st, c->who, &q, c->today, c->out, err);
  }
  entries_free(&e);
  return rc;
}

hk_status hk_facts_verify(hk_store *st, const hk_actor *who, const char *id_number, int64_t entry,
                          hk_date today, hk_fact_result *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  change_ctx c = {.who = who, .entry = entry, .row = -1, .today = today, .out = out};
  return in_txn(st, id_number, verify_fn, &c, err);
}

/* How many imported rows of a kind the registry holds for p. */
static uint32_t imported_count(const hk_person *p, hk_fact_kind kind)
{
  switch (kind) {
  case HK_FACT_HOUSING:
    return p->housing.n;
  case HK_FACT_EMPLOYMENT:
    return p->employment.n;
  case HK_FACT_SCHOOLING:
    return p->schooling.n;
  case HK_FACT_INSURANCE:
    return p->social_insurance.n;
  case HK_FACT_TALENT:
    return p->talent.n;
  case HK_FACT_EDUCATION:
    return p->education != HK_EDU_UNSET;
  case HK_FACT_MARITAL:
    return p->marital_status != HK_MARITAL_UNSET;
  case HK_FACT_KINSHIP:
    return p->relatives.n;
  default:
    return 0;
  }
}

static hk_status correct_fn(hk_store *st, void *cls, hk_person *p, int64_t row, hk_error *err)
{
  change_ctx *c = cls;
  entries e = {0};
  hk_status rc = hk_store_fact_each(st, row, collect, &e, err);
  hk_fact_kind kind = c->kind;
  const ledger_entry *x = NULL;
  if (rc == HK_OK && c->entry) {
    x = find_entry(&e, c->entry);
    if (x == NULL)
      rc = hk_error_set_both(err, HK_ENOTFOUND, "entry", "此人没有记录 %" PRId64,
                             "no entry %" PRId64 " of this person", c->entry);
    else if (x->superseded_by)
      rc = hk_error_set_both(
          err, HK_ECONFLICT, "entry", "记录 %" PRId64 " 已被记录 %" PRId64 " 取代：请更正后者",
          "entry %" PRId64 " was superseded by entry %" PRId64 ": correct that one", x->id,
          x->superseded_by);
    else
      kind = (hk_fact_kind)x->kind;
  } else if (rc == HK_OK) {
    int64_t by = import_superseded_by(&e, kind, c->row);
    if ((uint32_t)c->row >= imported_count(p, kind))
      rc = hk_error_set_both(err, HK_ENOTFOUND, "entry", "没有导入的事实 %s.%d",
                             "no imported %s.%d", kind_names[kind], (int)c->row);
    else if (by)
      rc = hk_error_set_both(err, HK_ECONFLICT, "entry",
                             "%s.%d 已被记录 %" PRId64 " 取代：请更正后者",
                             "%s.%d was superseded by entry %" PRId64 ": correct that one",
                             kind_names[kind], (int)c->row, by);
  }
  hk_fact_source source = HK_FACT_SRC_NONE;
  const char *department = c->who->role == HK_ROLE_DEPARTMENT ? c->who->account : "";
  /* A department key's account is "department:NAME". */
  if (c->who->role == HK_ROLE_DEPARTMENT && strncmp(department, "department:", 11) == 0)
    department += 11;
  if (rc == HK_OK)
    rc = source_of(c->who, p, kind, department, &source, err);
  /* Who may correct what: a resident their own declarations; a department its own entries
   * (and the imported rows of the kinds it owns); officers and the system anything. */
  if (rc == HK_OK && source == HK_FACT_DECLARED && (x == NULL || x->source != HK_FACT_DECLARED))
    rc =
        hk_error_set_both(err, HK_EFORBIDDEN, "entry", "居民只能更正本人申报的事实；请申报新的事实",
                          "a resident corrects only their own declarations; declare a new fact");
  if (rc == HK_OK && source == HK_FACT_DEPARTMENT && x && strcmp(x->department, department) != 0)
    rc = hk_error_set_both(err, HK_EFORBIDDEN, "entry", "记录 %" PRId64 " 不是 %s 报送的",
                           "entry %" PRId64 " was not sent by %s", x->id, department);
  char *doc = rc == HK_OK ? canonical(c->fact) : NULL;
  if (rc == HK_OK && doc == NULL)
    rc = hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  if (rc == HK_OK)
    rc = check_doc(kind, p->id_number, c->fact, doc, c->today, NULL, err);
  if (rc == HK_OK)
    rc = check_links(st, kind, p->id_number, c->fact, c->today, err);
  if (rc == HK_OK) {
    record_req q = {.person_id = row,
                    .id_number = p->id_number,
                    .kind = kind,
                    .source = source,
                    .doc = doc,
                    .department = source == HK_FACT_DEPARTMENT ? department : "",
                    .reason = c->reason,
                    .supersedes = x ? x->id : 0,
                    .supersedes_row = x ? -1 : c->row,
                    .action = "fact.correct"};
    rc = record(st, c->who, &q, c->today, c->out, err);
  }
  free(doc);
  entries_free(&e);
  return rc;
}

/* "12" an entry; "housing.0" an imported row. */
static hk_status parse_ref(const char *ref, int64_t *entry, hk_fact_kind *kind, int32_t *row,
                           hk_error *err)
{
  *entry = 0;
  *row = -1;
  *kind = HK_FACT_NONE;
  char *end;
  if (ref && ref[0] >= '1' && ref[0] <= '9') {
    long long v = strtoll(ref, &end, 10);
    if (*end == '\0' && v > 0) {
      *entry = v;
      return HK_OK;
    }
  }
  const char *dot = ref ? strrchr(ref, '.') : NULL;
  if (dot && dot - ref < 24 && dot[1] >= '0' && dot[1] <= '9') {
    char name[24];
    memcpy(name, ref, (size_t)(dot - ref));
    name[dot - ref] = '\0';
    long v = strtol(dot + 1, &end, 10);
    *kind = hk_fact_kind_from(name);
    if (*kind != HK_FACT_NONE && *end == '\0' && v >= 0 && v < HK_LIST_MAX) {
      *row = (int32_t)v;
      return HK_OK;
    }
  }
  return hk_error_set_both(err, HK_EINVAL, "entry",
                           "须为记录编号（如 12）或导入的事实（如 housing.0）",
                           "an entry number (12) or an imported fact (housing.0)");
}

hk_status hk_facts_correct(hk_store *st, const hk_actor *who, const char *id_number,
                           const char *ref, const json_t *fact, const char *reason, hk_date today,
                           hk_fact_result *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  change_ctx c = {.who = who, .fact = fact, .reason = reason, .today = today, .out = out};
  hk_status rc = parse_ref(ref, &c.entry, &c.kind, &c.row, err);
  if (rc != HK_OK)
    return rc;
  if (reason == NULL || reason[0] == '\0')
    return hk_error_set_both(err, HK_EINVAL, "reason", "更正须说明理由", "a correction says why");
  if (strlen(reason) > REASON_MAX)
    return hk_error_set_both(err, HK_EINVAL, "reason", "超过 %d 字节", "longer than %d bytes",
                             REASON_MAX);
  return in_txn(st, id_number, correct_fn, &c, err);
}

/* ---- list ---- */

static json_t *imported_item(const json_t *line, hk_fact_kind kind, uint32_t i)
{
  switch (kind) {
  case HK_FACT_EDUCATION:
    return json_pack("{s:O}", "education", json_object_get(line, "education"));
  case HK_FACT_MARITAL:
    return json_pack("{s:O}", "marital_status", json_object_get(line, "marital_status"));
  case HK_FACT_KINSHIP:
    return json_deep_copy(json_array_get(json_object_get(line, "relatives"), i));
  default:
    return json_deep_copy(json_array_get(json_object_get(line, kind_names[kind]), i));
  }
}

hk_status hk_facts_list(hk_store *st, const hk_actor *who, const char *id_number, json_t **out,
                        hk_error *err)
{
  *out = NULL;
  hk_person p;
  hk_person_init(&p);
  int64_t row = 0;
  entries e = {0};
  hk_status rc = hk_store_person_row(st, id_number, &row, err);
  if (rc == HK_OK)
    rc = hk_store_person_get(st, id_number, &p, err);
  if (rc == HK_ENOTFOUND)
    rc = hk_error_set_both(err, HK_ENOTFOUND, "id_number", "没有这个身份证号码的人",
                           "no person with this ID number");
  if (rc == HK_OK) {
    bool may = who->role == HK_ROLE_SYSTEM ||
               (who->role == HK_ROLE_RESIDENT && strcmp(who->id_number, id_number) == 0) ||
               hk_actor_holds_person(who, &p);
    if (!may)
      rc = who->role == HK_ROLE_RESIDENT || who->role == HK_ROLE_OFFICER ||
                   who->role == HK_ROLE_SUPERVISOR
               ? hk_error_set_both(err, HK_ENOTFOUND, "id_number", "没有这个身份证号码的人",
                                   "no person with this ID number")
               : hk_error_set(err, HK_EFORBIDDEN, "role", "%s accounts read no facts",
                              hk_role_name(who->role));
  }
  if (rc == HK_OK)
    rc = hk_store_fact_each(st, row, collect, &e, err);
  json_t *line = rc == HK_OK ? hk_person_to_json(&p, HK_PJ_RECORD) : NULL;
  if (rc == HK_OK && line == NULL)
    rc = hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  if (rc == HK_OK) {
    json_t *o = json_object(), *list = json_array(), *imp = json_array();
    json_object_set_new(o, "id_number", json_string(id_number));
    for (size_t i = 0; i < e.n; i++) {
      const ledger_entry *x = &e.items[i];
      json_t *f = json_loads(x->doc, 0, NULL);
      json_t *item = json_object();
      json_object_set_new(item, "entry", json_integer(x->id));
      json_object_set_new(item, "kind", json_string(hk_fact_kind_name((hk_fact_kind)x->kind)));
      json_object_set_new(item, "source",
                          json_string(hk_fact_source_name((hk_fact_source)x->source)));
      json_object_set_new(item, "actor", json_string(x->actor));
      if (x->department[0])
        json_object_set_new(item, "department", json_string(x->department));
      if (x->delivery[0])
        json_object_set_new(item, "delivery", json_string(x->delivery));
      json_object_set_new(item, "at", json_string(x->at));
      hk_json_set_date(item, "recorded_on", x->recorded_on);
      if (x->reason[0])
        json_object_set_new(item, "reason", json_string(x->reason));
      json_object_set_new(item, "in_force", json_boolean(x->superseded_by == 0));
      json_object_set_new(item, "supersedes",
                          x->supersedes ? json_integer(x->supersedes)
                          : x->supersedes_row >= 0
                              ? json_sprintf("%s.%d", kind_names[x->kind], (int)x->supersedes_row)
                              : json_null());
      json_object_set_new(item, "superseded_by",
                          x->superseded_by ? json_integer(x->superseded_by) : json_null());
      json_object_set_new(item, "fact", f ? f : json_null());
      json_array_append_new(list, item);
    }
    for (int k = 1; k < HK_FACT_KIND_COUNT; k++)
      for (uint32_t i = 0; i < imported_count(&p, (hk_fact_kind)k); i++) {
        int64_t by = import_superseded_by(&e, k, (int32_t)i);
        json_t *item = json_object();
        json_object_set_new(item, "ref", json_sprintf("%s.%u", kind_names[k], i));
        json_object_set_new(item, "kind", json_string(kind_names[k]));
        json_object_set_new(item, "source", json_string("department"));
        json_object_set_new(item, "in_force", json_boolean(by == 0));
        json_object_set_new(item, "superseded_by", by ? json_integer(by) : json_null());
        json_t *f = imported_item(line, (hk_fact_kind)k, i);
        json_object_set_new(item, "fact", f ? f : json_null());
        json_array_append_new(imp, item);
      }
    json_object_set_new(o, "entries", list);
    json_object_set_new(o, "imported", imp);
    *out = o;
  }
  json_decref(line);
  entries_free(&e);
  hk_person_clear(&p);
  return rc;
}

/* ---- bulk delivery ---- */

typedef struct import_ctx {
  const hk_actor *who;
  const char *department;
  hk_date today;
  hk_person p; /* lent to check_doc line after line */
  hk_event_head head;
  hk_facts_import_result *out;
} import_ctx;

typedef struct delivered {
  int64_t id, person_id, superseded_by;
  int kind;
} delivered;

static hk_status note_delivery(const hk_fact_row *row, void *cls, hk_error *err)
{
  (void)err;
  *(delivered *)cls = (delivered){row->id, row->person_id, row->superseded_by, row->kind};
  return HK_OK;
}

/* The members of a delivery line other than the fact, as either reader found them. */
typedef struct line_fields {
  const char *delivery, *id, *kind_name, *corrects, *reason;
} line_fields;

static const char *const line_keys[] = {"delivery", "id_number", "kind", "fact",
                                        "corrects", "reason",    NULL};

/* What does not depend on the reader: the ID number, the kind, and that the department sends
 * that kind. */
static hk_status check_line(const import_ctx *c, const line_fields *f, hk_idnum *idn,
                            hk_fact_kind *kind, hk_error *err)
{
  if (f->corrects && (f->reason == NULL || f->reason[0] == '\0'))
    return hk_error_set_both(err, HK_EINVAL, "reason", "更正须说明理由", "a correction says why");
  if (!hk_idnum_check(f->id, c->today, idn))
    return hk_error_set(err, HK_EINVAL, "id_number", "invalid ID number (%s)",
                        hk_idnum_fault_name(idn->fault));
  *kind = hk_fact_kind_from(f->kind_name);
  if (*kind == HK_FACT_NONE)
    return hk_error_set_both(err, HK_EINVAL, "kind", "未知的事实种类“%s”", "unknown kind \"%s\"",
                             f->kind_name);
  if (!(hk_fact_department_kinds(c->department) & BIT(*kind)))
    return hk_error_set_both(err, HK_EFORBIDDEN, "kind", "%s部门不报送%s",
                             "the %s department does not send %s", c->department, f->kind_name);
  return HK_OK;
}

/* A checked fact, its canonical text `doc`, delivered: recorded, or recognised as delivered
 * before. */
static hk_status deliver(hk_store *st, import_ctx *c, hk_fact_kind kind, const char *id_number,
                         const line_fields *f, const char *doc, hk_error *err)
{
  int64_t row = 0;
  hk_status rc = hk_store_person_row(st, id_number, &row, err);
  if (rc == HK_ENOTFOUND)
    return hk_error_set_both(err, HK_EINVAL, "id_number", "没有这个身份证号码的人",
                             "no person with this ID number");
  if (rc != HK_OK)
    return rc;
  int64_t already = 0, supersedes = 0;
  if (f->corrects) {
    /* A correction delivered again is recognised before what it corrects is looked at (that
     * one is superseded by now). */
    rc = redelivery(st, c->department, f->delivery, row, kind, doc, &already, err);
    if (rc == HK_OK) {
      c->out->already++;
      return HK_OK;
    }
    delivered d = {0};
    if (rc == HK_ENOTFOUND)
      rc = hk_store_fact_by_delivery(st, c->department, f->corrects, note_delivery, &d, err);
    if (rc == HK_ENOTFOUND)
      rc = hk_error_set_both(err, HK_EINVAL, "corrects", "没有报送“%s”（%s）",
                             "no delivery \"%s\" of %s", f->corrects, c->department);
    else if (rc == HK_OK && (d.person_id != row || d.kind != (int)kind))
      rc = hk_error_set_both(err, HK_EINVAL, "corrects", "报送“%s”属于另一个人或另一种事实",
                             "delivery \"%s\" is another person's or kind", f->corrects);
    else if (rc == HK_OK && d.superseded_by)
      rc = hk_error_set_both(err, HK_ECONFLICT, "corrects", "报送“%s”已被记录 %" PRId64 " 取代",
                             "delivery \"%s\" was superseded by entry %" PRId64, f->corrects,
                             d.superseded_by);
    supersedes = d.id;
  }
  if (rc == HK_OK) {
    /* Most lines are new: insert first; the store reports a delivery id it already holds
     * without spoiling the transaction, and only then is the earlier one compared. */
    record_req q = {.person_id = row,
                    .id_number = id_number,
                    .kind = kind,
                    .source = HK_FACT_DEPARTMENT,
                    .doc = doc,
                    .department = c->department,
                    .delivery = f->delivery,
                    .reason = f->reason,
                    .supersedes = supersedes,
                    .supersedes_row = -1,
                    .action = supersedes ? "fact.correct" : "fact.department",
                    .head = &c->head};
    rc = record(st, c->who, &q, c->today, NULL, err);
    if (rc == HK_OK)
      c->out->added++;
  }
  if (rc == HK_EDUPLICATE && !f->corrects) {
    rc = redelivery(st, c->department, f->delivery, row, kind, doc, &already, err);
    if (rc == HK_OK)
      c->out->already++;
    else if (rc == HK_ENOTFOUND)
      rc = hk_error_set_both(err, HK_ESTORE, "delivery", "报送编号已占用却找不到",
                             "reported taken, then not found");
  }
  return rc;
}

/* One line: {"delivery", "id_number", "kind", "fact"} and optionally "corrects", "reason". */
static hk_status import_line(hk_store *st, import_ctx *c, const json_t *line, hk_error *err)
{
  line_fields f = {0};
  json_t *fact = NULL;
  hk_status rc = hk_json_known_keys(line, line_keys, err);
  if (rc == HK_OK)
    rc = hk_json_string(line, "delivery", HK_JSON_REQUIRED, DELIVERY_MAX, &f.delivery, err);
  if (rc == HK_OK && f.delivery[0] == '\0')
    rc = hk_error_set_both(err, HK_EINVAL, "delivery", "为空", "empty");
  if (rc == HK_OK)
    rc = hk_json_string(line, "id_number", HK_JSON_REQUIRED, HK_IDNUM_INPUT_MAX, &f.id, err);
  if (rc == HK_OK)
    rc = hk_json_string(line, "kind", HK_JSON_REQUIRED, 32, &f.kind_name, err);
  if (rc == HK_OK)
    rc = hk_json_object(line, "fact", HK_JSON_REQUIRED, &fact, err);
  if (rc == HK_OK)
    rc = hk_json_string(line, "corrects", HK_JSON_OPTIONAL, DELIVERY_MAX, &f.corrects, err);
  if (rc == HK_OK)
    rc = hk_json_string(line, "reason", HK_JSON_OPTIONAL, REASON_MAX, &f.reason, err);
  hk_idnum idn;
  hk_fact_kind kind = HK_FACT_NONE;
  if (rc == HK_OK)
    rc = check_line(c, &f, &idn, &kind, err);
  if (rc != HK_OK)
    return rc;
  char *doc = canonical(fact);
  if (doc == NULL)
    return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  if ((rc = check_doc(kind, idn.number, fact, doc, c->today, &c->p, err)) == HK_OK &&
      (rc = check_links(st, kind, idn.number, fact, c->today, err)) == HK_OK)
    rc = deliver(st, c, kind, idn.number, &f, doc, err);
  free(doc);
  return rc;
}

/* ---- the same line read by cJSON ----
 *
 * jansson reads a line in about a quarter of the fact's cost, and writing its canonical text
 * and reading that again for the check cost as much again. A line of a list kind is instead
 * read once by cJSON (json_canon.h: only when jansson would read it alike), its fact's
 * canonical text written from that tree, and the fact checked on the same tree by the import
 * line's reader. Every message is the one import_line gives: the members are looked at in the
 * same order, and the fact's members are sorted first, as in the kept text the other path
 * reads. */

/* As hk_json_string (json.c), on a cJSON object: null counts as missing. */
static hk_status cj_string(const cJSON *obj, const char *key, hk_json_need need, size_t max,
                           const char **out, hk_error *err)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  *out = NULL;
  if (v == NULL || cJSON_IsNull(v))
    return need == HK_JSON_OPTIONAL ? HK_OK
                                    : hk_error_set_both(err, HK_EINVAL, key, "缺少此项", "missing");
  if (!cJSON_IsString(v))
    return hk_error_set_both(err, HK_EINVAL, key, "不是字符串", "not a string");
  if (strlen(v->valuestring) > max)
    return hk_error_set_both(err, HK_ETOOBIG, key, "超过 %zu 字节", "longer than %zu bytes", max);
  *out = v->valuestring;
  return HK_OK;
}

/* The fact, as the one entry of the person's list of its kind: the tree
 * {"id_number": ..., KIND: [fact]} built around it on the stack, read as read_into reads the
 * same text. */
static hk_status read_tree(hk_fact_kind kind, const char *id_number, const cJSON *fact,
                           hk_date today, hk_person *scratch, hk_error *err)
{
  cJSON entry = *fact;
  entry.next = NULL;
  entry.prev = &entry;
  entry.string = NULL;
  cJSON list = {.type = cJSON_Array, .child = &entry, .string = (char *)kind_names[kind]};
  cJSON id = {.type = cJSON_String,
              .valuestring = (char *)id_number,
              .string = "id_number",
              .next = &list,
              .prev = &list};
  list.prev = &id;
  cJSON root = {.type = cJSON_Object, .child = &id};
  hk_status rc = hk_person_read(&root, HK_PJ_PERSON, today, scratch, err);
  if (rc != HK_OK)
    fact_field(err);
  return rc;
}

/* A line read by cJSON, checked as far as that goes without the store: its fields (pointing
 * into the tree), kind, ID number and the fact's canonical text (*doc, malloc'ed). *doc stays
 * NULL (HK_OK) when the line is for jansson after all: a kind that is not a list (education,
 * marital status and kinship are read from jansson's tree). */
static hk_status prepare_tree(const import_ctx *c, hk_person *scratch, cJSON *line, line_fields *f,
                              hk_fact_kind *kind, char id[HK_IDNUM_LEN + 1], char **doc,
                              hk_error *err)
{
  *doc = NULL;
  *f = (line_fields){0};
  hk_status rc = HK_OK;
  for (const cJSON *m = line->child; m && rc == HK_OK; m = m->next) {
    const char *const *k = line_keys;
    while (*k && strcmp(*k, m->string) != 0)
      k++;
    if (*k == NULL)
      rc = hk_error_set_both(err, HK_EINVAL, m->string, "不认识的字段", "unknown field");
  }
  if (rc == HK_OK)
    rc = cj_string(line, "delivery", HK_JSON_REQUIRED, DELIVERY_MAX, &f->delivery, err);
  if (rc == HK_OK && f->delivery[0] == '\0')
    rc = hk_error_set_both(err, HK_EINVAL, "delivery", "为空", "empty");
  if (rc == HK_OK)
    rc = cj_string(line, "id_number", HK_JSON_REQUIRED, HK_IDNUM_INPUT_MAX, &f->id, err);
  if (rc == HK_OK)
    rc = cj_string(line, "kind", HK_JSON_REQUIRED, 32, &f->kind_name, err);
  cJSON *fact = cJSON_GetObjectItemCaseSensitive(line, "fact");
  if (rc == HK_OK && (fact == NULL || cJSON_IsNull(fact)))
    rc = hk_error_set_both(err, HK_EINVAL, "fact", "缺少此项", "missing");
  else if (rc == HK_OK && !cJSON_IsObject(fact))
    rc = hk_error_set_both(err, HK_EINVAL, "fact", "不是对象", "not an object");
  if (rc == HK_OK)
    rc = cj_string(line, "corrects", HK_JSON_OPTIONAL, DELIVERY_MAX, &f->corrects, err);
  if (rc == HK_OK)
    rc = cj_string(line, "reason", HK_JSON_OPTIONAL, REASON_MAX, &f->reason, err);
  hk_idnum idn;
  if (rc == HK_OK)
    rc = check_line(c, f, &idn, kind, err);
  if (rc != HK_OK || fact == NULL || !is_list_kind(*kind))
    return rc;
  memcpy(id, idn.number, HK_IDNUM_LEN + 1);
  *doc = hk_cjson_canonical(fact); /* sorts the fact's members */
  if (*doc == NULL)
    return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  return read_tree(*kind, id, fact, c->today, scratch, err);
}

/* ---- the pipeline: one thread reads and checks lines, the caller's thread records them ----
 *
 * As `hukou import` does (registry_io.c): reading a line and checking its fact cost about as
 * much as a third of recording it, so a second thread does that for batches of lines while the
 * store records the previous ones. Batches are handed over in order, so lines are recorded,
 * and the first bad line reported, exactly in input order, and the writer stops at it as
 * before: all or nothing. */

#define FEED_LINES 256
#define FEED_BATCHES 4

typedef struct fed_line {
  int64_t lineno;
  hk_status rc; /* the reader's verdict: HK_OK, or err says what is wrong */
  hk_error err;
  line_fields f; /* pointing into the copies below (the tree is gone when the writer reads) */
  char delivery[DELIVERY_MAX + 1], corrects[DELIVERY_MAX + 1], kind_name[33];
  char reason[REASON_MAX + 1];
  hk_fact_kind kind;
  char id[HK_IDNUM_LEN + 1];
  char *doc;  /* the fact's canonical text, checked; or NULL: */
  char *text; /* the line, for jansson */
  size_t len;
} fed_line;

typedef struct feed_batch {
  fed_line lines[FEED_LINES];
  size_t n;
  bool last; /* the reader has nothing more after this batch */
} feed_batch;

typedef struct feed {
  FILE *in;
  const import_ctx *c;
  pthread_mutex_t lock;
  pthread_cond_t changed;
  feed_batch *batches; /* a ring of FEED_BATCHES */
  size_t filled;       /* batches handed to the writer so far */
  size_t drained;      /* batches the writer has finished with */
  bool stop;           /* the writer gave up: the reader ends early */
  bool read_error;
} feed;

static void fed_line_clear(fed_line *l)
{
  free(l->doc);
  free(l->text);
  l->doc = l->text = NULL;
}

/* A field the checks have bounded, copied out of the tree (NULL stays NULL). */
static const char *keep(char *dst, size_t size, const char *src)
{
  if (src == NULL)
    return NULL;
  snprintf(dst, size, "%s", src);
  return dst;
}

/* The tree is freed on the reader's thread as soon as the line is read, so the reader's memory
 * is reused line after line instead of growing by a batch and being given back to the system
 * (which costs page faults on every batch). */
static void prepare_line(const import_ctx *c, hk_person *scratch, const char *text, size_t n,
                         fed_line *l)
{
  l->rc = HK_OK;
  cJSON *tree = hk_cjson_read_as_jansson(text, n);
  if (tree) {
    l->rc = prepare_tree(c, scratch, tree, &l->f, &l->kind, l->id, &l->doc, &l->err);
    if (l->rc == HK_OK && l->doc) {
      l->f.delivery = keep(l->delivery, sizeof l->delivery, l->f.delivery);
      l->f.corrects = keep(l->corrects, sizeof l->corrects, l->f.corrects);
      l->f.reason = keep(l->reason, sizeof l->reason, l->f.reason);
      l->f.kind_name = keep(l->kind_name, sizeof l->kind_name, l->f.kind_name);
      l->f.id = l->id;
    }
    cJSON_Delete(tree);
  }
  if (l->rc == HK_OK && l->doc == NULL) { /* jansson's, on the writer's thread */
    l->text = malloc(n + 1);
    if (l->text == NULL) {
      l->rc = hk_error_set_both(&l->err, HK_ENOMEM, NULL, "内存不足", "out of memory");
      return;
    }
    memcpy(l->text, text, n);
    l->text[n] = '\0';
    l->len = n;
  }
}

static void *feed_reader(void *arg)
{
  feed *fd = arg;
  hk_person scratch; /* lent to the check of every line, its lists' memory reused */
  hk_person_init(&scratch);
  char *buf = NULL;
  size_t cap = 0;
  ssize_t len = 0;
  int64_t lineno = 0;
  bool eof = false;
  for (size_t k = 0; !eof; k++) {
    pthread_mutex_lock(&fd->lock);
    while (!fd->stop && k - fd->drained >= FEED_BATCHES)
      pthread_cond_wait(&fd->changed, &fd->lock);
    bool stop = fd->stop;
    pthread_mutex_unlock(&fd->lock);
    if (stop)
      break;
    feed_batch *b = &fd->batches[k % FEED_BATCHES];
    for (size_t i = 0; i < b->n; i++)
      fed_line_clear(&b->lines[i]);
    b->n = 0;
    while (b->n < FEED_LINES && !(eof = (len = getline(&buf, &cap, fd->in)) < 0)) {
      lineno++;
      size_t n = (size_t)len;
      while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        n--;
      if (n == 0)
        continue;
      fed_line *l = &b->lines[b->n++];
      l->lineno = lineno;
      prepare_line(fd->c, &scratch, buf, n, l);
    }
    if (eof && ferror(fd->in))
      fd->read_error = true;
    b->last = eof;
    pthread_mutex_lock(&fd->lock);
    fd->filled = k + 1;
    pthread_cond_broadcast(&fd->changed);
    pthread_mutex_unlock(&fd->lock);
  }
  free(buf);
  hk_person_clear(&scratch);
  return NULL;
}

/* Record one line the reader prepared, or report what it found wrong. */
static hk_status take_line(hk_store *st, import_ctx *c, const fed_line *l, hk_error *err)
{
  if (l->rc != HK_OK) {
    *err = l->err;
    return l->rc;
  }
  if (l->doc)
    return deliver(st, c, l->kind, l->id, &l->f, l->doc, err);
  json_error_t jerr;
  json_t *line = json_loadb(l->text, l->len, JSON_REJECT_DUPLICATES, &jerr);
  hk_status rc;
  if (line == NULL || !json_is_object(line))
    rc = hk_error_set(err, HK_EINVAL, "", line ? "not a JSON object" : "not JSON (%s)", jerr.text);
  else
    rc = import_line(st, c, line, err);
  json_decref(line);
  return rc;
}

/* Every line, in order, until the first bad one. */
static hk_status take_feed(hk_store *st, import_ctx *c, FILE *in, hk_error *err)
{
  feed fd = {.in = in, .c = c};
  fd.batches = calloc(FEED_BATCHES, sizeof *fd.batches);
  if (fd.batches == NULL)
    return hk_error_set_both(err, HK_ENOMEM, NULL, "内存不足", "out of memory");
  pthread_mutex_init(&fd.lock, NULL);
  pthread_cond_init(&fd.changed, NULL);
  pthread_t reader;
  hk_status rc = HK_OK;
  bool started = pthread_create(&reader, NULL, feed_reader, &fd) == 0;
  if (!started)
    rc = hk_error_set(err, HK_EINTERNAL, NULL, "cannot start the reader thread");
  for (size_t k = 0; rc == HK_OK; k++) {
    pthread_mutex_lock(&fd.lock);
    while (fd.filled <= k)
      pthread_cond_wait(&fd.changed, &fd.lock);
    pthread_mutex_unlock(&fd.lock);
    feed_batch *b = &fd.batches[k % FEED_BATCHES];
    for (size_t i = 0; i < b->n && rc == HK_OK; i++) {
      c->out->lines++;
      rc = take_line(st, c, &b->lines[i], err);
      if (rc != HK_OK) {
        char field[sizeof err->field];
        snprintf(field, sizeof field, "%s", err->field);
        snprintf(err->field, sizeof err->field, field[0] ? "line %" PRId64 ": %s" : "line %" PRId64,
                 b->lines[i].lineno, field);
      }
    }
    bool last = b->last;
    pthread_mutex_lock(&fd.lock);
    fd.drained = k + 1;
    pthread_cond_broadcast(&fd.changed);
    pthread_mutex_unlock(&fd.lock);
    if (last)
      break;
  }
  if (started) {
    pthread_mutex_lock(&fd.lock);
    fd.stop = true;
    pthread_cond_broadcast(&fd.changed);
    pthread_mutex_unlock(&fd.lock);
    pthread_join(reader, NULL);
  }
  if (rc == HK_OK && fd.read_error)
    rc = hk_error_set_both(err, HK_EIO, "FILE", "读取出错", "read error");
  for (size_t b = 0; b < FEED_BATCHES; b++)
    for (size_t i = 0; i < fd.batches[b].n; i++)
      fed_line_clear(&fd.batches[b].lines[i]);
  free(fd.batches);
  pthread_mutex_destroy(&fd.lock);
  pthread_cond_destroy(&fd.changed);
  return rc;
}

hk_status hk_facts_import(hk_store *st, const hk_actor *who, const char *department, FILE *in,
                          hk_date today, hk_facts_import_result *out, hk_error *err)
{
  memset(out, 0, sizeof *out);
  if (hk_fact_department_kinds(department) == 0)
    return hk_error_set_both(
        err, HK_EINVAL, "--source",
        "须为以下之一：housing（住房部门）、social_"
        "insurance（社保机构）、education（教育部门）、talent（人才办）、civil_affairs（民政部门）",
        "one of housing, social_insurance, education, talent, civil_affairs");
  if (who->role != HK_ROLE_SYSTEM && who->role != HK_ROLE_DEPARTMENT)
    return hk_error_set_both(err, HK_EFORBIDDEN, "role", "只有部门可以报送",
                             "a department's delivery");
  import_ctx c = {.who = who, .department = department, .today = today, .out = out};
  hk_status rc = hk_store_begin(st, err);
  if (rc != HK_OK)
    return rc;
  hk_person_init(&c.p);
  rc = take_feed(st, &c, in, err);
  hk_person_clear(&c.p);
  if (rc == HK_OK)
    rc = hk_store_commit(st, err);
  if (rc != HK_OK) {
    hk_store_rollback(st);
    out->added = 0;
  }
  return rc;
}
