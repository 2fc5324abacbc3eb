/* hukou audit events --db PATH (--person ID | --actor NAME) [--since DATE] [--limit N] [--json]:
 * what happened to a person, or what an account did, read from the hash-chained event log,
 * oldest first, one readable line each (issue 16). Events name a person by the masked ID
 * number (store.h: never the full number), in their subject, their payload or, for a
 * resident acting, their actor; so --person matches the masked number, and may also show the
 * events of another person whose masked number is the same (same first 6 and last 4). */
#include <ctype.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/date.h"
#include "core/error.h"
#include "core/idnum.h"
#include "store/store.h"

/* How much of the payload a readable line shows. */
#define SUMMARY_BYTES 200

static void usage(FILE *out)
{
  fputs("用法 / usage: hukou audit events --db PATH (--person ID | --actor NAME)\n"
        "                 [--since DATE] [--limit N] [--json]\n"
        "  列出与此人有关的事件，或某账户写下的事件，按时间先后，每条一行：时间、操作者、\n"
        "  事件类型、对象、摘要；身份证号一律打码。\n"
        "  Lists the events concerning a person, or written by an account, oldest first, one\n"
        "  line each: time, actor, type, subject, a short summary; ID numbers masked.\n"
        "  --person ID   按打码后的身份证号匹配（前 6 后 4 位相同的他人事件也可能列出）/ matched\n"
        "                by the masked number (another person with the same masked number may\n"
        "                show up too)\n"
        "  --actor NAME  账户，如 officer:330402 或 cli:root；officer:330402 也匹配命令行代办的\n"
        "                \"officer:330402 via cli:USER\" / the account; also matches the command\n"
        "                line's \"NAME via cli:USER\"\n"
        "  --since DATE  只列此日（UTC）及以后 / from this day (UTC) on\n"
        "  --limit N     最多 N 条 / at most N events\n"
        "  --json        每条一行 JSON / one JSON object a line\n",
        out);
}

typedef struct filter {
  char masked[HK_IDNUM_LEN + 1]; /* --person, masked; "" when not given */
  const char *actor;             /* --actor; NULL when not given */
  char since[11];                /* "YYYY-MM-DD"; "" when not given */
  long limit;                    /* 0: no limit */
  long shown;
  bool json;
} filter;

/* Events never carry a full ID number (store.h), but a line printed here must not either,
 * whatever an older writer did: mask every run of exactly 18 ID characters standing alone. */
void hk_cli_mask_id_numbers(char *s)
{
  size_t n = strlen(s);
  for (size_t i = 0; i + HK_IDNUM_LEN <= n; i++) {
    if (i > 0 && isalnum((unsigned char)s[i - 1]))
      continue;
    size_t j = 0;
    while (j < HK_IDNUM_LEN - 1 && isdigit((unsigned char)s[i + j]))
      j++;
    if (j < HK_IDNUM_LEN - 1)
      continue;
    char last = s[i + j];
    if (!isdigit((unsigned char)last) && last != 'X' && last != 'x')
      continue;
    if (i + HK_IDNUM_LEN < n && isalnum((unsigned char)s[i + HK_IDNUM_LEN]))
      continue;
    memset(s + i + 6, '*', HK_IDNUM_LEN - 10);
    i += HK_IDNUM_LEN - 1;
  }
}

bool hk_cli_event_names(const hk_event *ev, const char *masked)
{
  return strcmp(ev->subject, masked) == 0 || strstr(ev->payload, masked) ||
         strstr(ev->actor, masked);
}

static bool concerns(const filter *f, const hk_event *ev)
{
  if (f->since[0] && strncmp(ev->at, f->since, 10) < 0)
    return false;
  if (f->actor) {
    size_t n = strlen(f->actor);
    /* The exact account, or the command line acting as it: "officer:330402 via cli:root". */
    if (strncmp(ev->actor, f->actor, n) != 0 || (ev->actor[n] != '\0' && ev->actor[n] != ' '))
      return false;
  }
  if (f->masked[0] && !hk_cli_event_names(ev, f->masked))
    return false;
  return true;
}

/* The payload as compact JSON with Chinese as Chinese (no \u escapes); the stored text when it
 * does not parse. Returns a malloc'd string. */
static char *payload_text(const char *payload)
{
  json_t *doc = json_loads(payload, JSON_DECODE_ANY, NULL);
  char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
  json_decref(doc);
  return text ? text : strdup(payload);
}

/* Cut s to at most max bytes at a UTF-8 character boundary, marking the cut with "…". */
static void shorten(char *s, size_t max)
{
  size_t n = strlen(s);
  if (n <= max)
    return;
  size_t cut = max;
  while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
    cut--;
  memcpy(s + cut, "…", sizeof "…");
}

static hk_status print_event(const hk_event *ev, void *cls, hk_error *err)
{
  filter *f = cls;
  if (f->limit > 0 && f->shown >= f->limit)
    return HK_OK;
  if (!concerns(f, ev))
    return HK_OK;
  f->shown++;
  char *line = NULL;
  if (f->json) {
    json_t *payload = json_loads(ev->payload, JSON_DECODE_ANY, NULL);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "seq", (json_int_t)ev->seq, "at",
                          ev->at, "actor", ev->actor, "action", ev->action, "subject", ev->subject,
                          "payload", payload ? payload : json_string(ev->payload));
    line = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
  } else {
    char *summary = payload_text(ev->payload);
    if (summary) {
      shorten(summary, SUMMARY_BYTES);
      size_t size = strlen(ev->at) + strlen(ev->actor) + strlen(ev->action) + strlen(ev->subject) +
                    strlen(summary) + 64;
      line = malloc(size);
      if (line)
        snprintf(line, size, "%lld  %s  %s  %s  %s  %s", (long long)ev->seq, ev->at, ev->actor,
                 ev->action, ev->subject, summary);
      free(summary);
    }
  }
  if (line == NULL)
    return hk_error_set(err, HK_ENOMEM, "events", "out of memory");
  hk_cli_mask_id_numbers(line);
  puts(line);
  free(line);
  return HK_OK;
}

int hk_cli_audit_events(int argc, char **argv)
{
  enum { O_DB = 1, O_PERSON, O_ACTOR, O_SINCE, O_LIMIT, O_JSON };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"person", required_argument, NULL, O_PERSON},
                                       {"actor", required_argument, NULL, O_ACTOR},
                                       {"since", required_argument, NULL, O_SINCE},
                                       {"limit", required_argument, NULL, O_LIMIT},
                                       {"json", no_argument, NULL, O_JSON},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *db = NULL, *person = NULL, *since = NULL, *limit = NULL;
  filter f = {0};
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == O_DB)
      db = optarg;
    else if (c == O_PERSON)
      person = optarg;
    else if (c == O_ACTOR)
      f.actor = optarg;
    else if (c == O_SINCE)
      since = optarg;
    else if (c == O_LIMIT)
      limit = optarg;
    else if (c == O_JSON)
      f.json = true;
    else {
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  if (argc != optind || (person == NULL && f.actor == NULL)) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  hk_error err = {0};
  hk_idnum id;
  hk_date day;
  char *end = NULL;
  if (person && !hk_idnum_check(person, hk_date_today(), &id))
    hk_error_set(&err, HK_EINVAL, "--person", "not a valid ID number (%s)",
                 hk_idnum_fault_name(id.fault));
  else if (f.actor && f.actor[0] == '\0')
    hk_error_set(&err, HK_EINVAL, "--actor", "empty: name an account, e.g. officer:330402");
  else if (since && (strlen(since) != 10 || !hk_date_parse(since, &day)))
    hk_error_set(&err, HK_EINVAL, "--since", "not a date YYYY-MM-DD");
  else if (limit && ((f.limit = strtol(limit, &end, 10)) <= 0 || *end != '\0'))
    hk_error_set(&err, HK_EINVAL, "--limit", "not a positive whole number");
  if (err.code != HK_OK)
    return hk_cli_fail("audit events", &err);
  if (person)
    hk_idnum_mask(id.number, f.masked);
  if (since)
    memcpy(f.since, since, sizeof f.since);
  int exit = HK_EXIT_OK;
  hk_store *st = hk_cli_open_store("audit events", db, HK_STORE_READONLY, &exit);
  if (st == NULL)
    return exit;
  hk_status rc = hk_store_event_each(st, 1, print_event, &f, &err);
  hk_store_close(st);
  return rc == HK_OK ? HK_EXIT_OK : hk_cli_fail("audit events", &err);
}
