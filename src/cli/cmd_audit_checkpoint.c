/* Checkpoints of the audit chains kept outside the database (issue 16). The chains show a
 * changed, re-hashed or removed entry in their middle, but not the last entries removed, nor the
 * whole log rolled back to an older copy: the head must be written down elsewhere.
 *
 * hukou audit checkpoint --db PATH --to FILE appends one line to FILE (mode 600):
 *   v1 AT EVENT_SEQ EVENT_HASH ACCESS_SEQ ACCESS_HASH MAC
 * with MAC an HMAC (libsodium crypto_auth, HMAC-SHA-512-256) of the text before it, under a key
 * kept in FILE.key (32 random bytes in hex, mode 600, made by the first checkpoint).
 * hukou audit verify --checkpoint FILE checks every line against the database
 * (hk_cli_checkpoint_check).
 *
 * What this protects against whom: someone who can change the database (its PostgreSQL role, a
 * copy of the SQLite file put back, an SQL injection) but not the checkpoint file and its key
 * cannot remove or roll back what a checkpoint saw, nor forge a checkpoint line. Whoever can
 * write both (root on the server) can: copy the checkpoints to another machine for that. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "cli/cli.h"
#include "core/error.h"
#include "store/store.h"
#include "store/store_auth.h"

#define MAC_HEX (crypto_auth_BYTES * 2 + 1)
#define HASH_HEX (HK_HASH_LEN * 2 + 1)

static void usage(FILE *out)
{
  fputs("用法 / usage: hukou audit checkpoint --db PATH --to FILE\n"
        "  把事件链和访问日志链的当前末端（序号、哈希、时间）追加到 FILE（权限 600），每行用\n"
        "  FILE.key 中的密钥签名（HMAC，首次自动生成，权限 600）。之后用\n"
        "  hukou audit verify --db PATH --checkpoint FILE 可发现末尾被删除或整体回滚。\n"
        "  Appends the current heads of the event chain and of the access log (seq, hash,\n"
        "  time) to FILE (mode 600), each line signed with the key in FILE.key (an HMAC key\n"
        "  made by the first checkpoint, mode 600). hukou audit verify --checkpoint FILE then\n"
        "  reports the last entries removed or the log rolled back.\n",
        out);
}

static char *key_path(const char *file)
{
  size_t n = strlen(file) + sizeof ".key";
  char *path = malloc(n);
  if (path)
    snprintf(path, n, "%s.key", file);
  return path;
}

/* Read FILE.key, or make it when `create` and it does not exist. */
static hk_status load_key(const char *file, bool create, uint8_t key[crypto_auth_KEYBYTES],
                          hk_error *err)
{
  char *path = key_path(file);
  if (path == NULL)
    return hk_error_set(err, HK_ENOMEM, "checkpoint", "out of memory");
  char hex[crypto_auth_KEYBYTES * 2 + 2] = "";
  FILE *in = fopen(path, "r");
  if (in == NULL && errno == ENOENT && create) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
      hk_error_set(err, HK_EIO, "--to", "cannot create the key %s: %s", path, strerror(errno));
      free(path);
      return err->code;
    }
    randombytes_buf(key, crypto_auth_KEYBYTES);
    sodium_bin2hex(hex, sizeof hex, key, crypto_auth_KEYBYTES);
    hex[(size_t)crypto_auth_KEYBYTES * 2] = '\n';
    bool ok = write(fd, hex, strlen(hex)) == (ssize_t)strlen(hex);
    ok = close(fd) == 0 && ok;
    sodium_memzero(hex, sizeof hex);
    if (!ok)
      hk_error_set(err, HK_EIO, "--to", "cannot write the key %s", path);
    free(path);
    return ok ? HK_OK : err->code;
  }
  if (in == NULL) {
    hk_error_set(err, HK_EIO, "--checkpoint",
                 "the key %s cannot be read (%s): without it a checkpoint cannot be told from a "
                 "forged one",
                 path, strerror(errno));
    free(path);
    return err->code;
  }
  bool ok = fgets(hex, sizeof hex, in) != NULL &&
            sodium_hex2bin(key, crypto_auth_KEYBYTES, hex, strlen(hex), "\n", NULL, NULL) == 0;
  fclose(in);
  sodium_memzero(hex, sizeof hex);
  if (!ok)
    hk_error_set(err, HK_EINVAL, "--checkpoint", "the key %s is not 64 hex digits", path);
  free(path);
  return ok ? HK_OK : err->code;
}

static void mac_hex(const char *text, size_t len, const uint8_t key[crypto_auth_KEYBYTES],
                    char out[MAC_HEX])
{
  uint8_t mac[crypto_auth_BYTES];
  crypto_auth(mac, (const unsigned char *)text, len, key);
  sodium_bin2hex(out, MAC_HEX, mac, sizeof mac);
}

int hk_cli_audit_checkpoint(int argc, char **argv)
{
  enum { O_DB = 1, O_TO };
  static const struct option opts[] = {{"db", required_argument, NULL, O_DB},
                                       {"to", required_argument, NULL, O_TO},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *db = NULL, *to = NULL;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == O_DB)
      db = optarg;
    else if (c == O_TO)
      to = optarg;
    else {
      usage(c == 'h' ? stdout : stderr);
      return c == 'h' ? HK_EXIT_OK : HK_EXIT_USAGE;
    }
  }
  hk_error err = {0};
  if (argc != optind) {
    usage(stderr);
    return HK_EXIT_USAGE;
  }
  if (to == NULL || to[0] == '\0') {
    hk_error_set(&err, HK_EINVAL, "--to", "missing: name the checkpoint file");
    return hk_cli_fail("audit checkpoint", &err);
  }
  char summary[256];
  if (hk_cli_checkpoint_write(db, to, summary, &err) != HK_OK)
    return hk_cli_fail("audit checkpoint", &err);
  printf("%s\n", summary);
  return HK_EXIT_OK;
}

int hk_cli_checkpoint_write(const char *db, const char *to, char summary[256], hk_error *err)
{
  if (db == NULL)
    return hk_error_set(err, HK_EINVAL, "--db", "missing: name the database file with --db PATH");
  if (sodium_init() < 0)
    return hk_error_set(err, HK_EIO, "checkpoint", "libsodium did not start");
  uint8_t key[crypto_auth_KEYBYTES];
  if (load_key(to, true, key, err) != HK_OK)
    return err->code;
  hk_store *st = NULL;
  hk_status rc = hk_store_open(db, HK_STORE_EXISTING, &st, err);
  /* Both heads in one transaction (on PostgreSQL holding the tails' locks): one moment. */
  int64_t ev_seq = 0, ac_seq = 0;
  uint8_t ev_hash[HK_HASH_LEN], ac_hash[HK_HASH_LEN];
  if (rc == HK_OK)
    rc = hk_store_begin(st, err);
  if (rc == HK_OK) {
    rc = hk_store_event_head(st, &ev_seq, ev_hash, err);
    if (rc == HK_OK)
      rc = hk_store_access_head(st, &ac_seq, ac_hash, err);
    hk_store_rollback(st);
  }
  if (st)
    hk_store_close(st);
  if (rc != HK_OK) {
    sodium_memzero(key, sizeof key);
    return rc;
  }
  char at[HK_STAMP_LEN], ev_hex[HASH_HEX], ac_hex[HASH_HEX], mac[MAC_HEX], line[512];
  hk_store_utc_now(at);
  sodium_bin2hex(ev_hex, sizeof ev_hex, ev_hash, HK_HASH_LEN);
  sodium_bin2hex(ac_hex, sizeof ac_hex, ac_hash, HK_HASH_LEN);
  int n = snprintf(line, sizeof line, "v1 %s %lld %s %lld %s", at, (long long)ev_seq, ev_hex,
                   (long long)ac_seq, ac_hex);
  mac_hex(line, (size_t)n, key, mac);
  sodium_memzero(key, sizeof key);
  snprintf(line + n, sizeof line - (size_t)n, " %s\n", mac);
  int fd = open(to, O_WRONLY | O_APPEND | O_CREAT, 0600);
  size_t len = strlen(line);
  struct stat sb;
  off_t before = fd >= 0 && fstat(fd, &sb) == 0 ? sb.st_size : -1;
  ssize_t wrote = fd >= 0 && fchmod(fd, 0600) == 0 ? write(fd, line, len) : -1;
  bool ok = wrote == (ssize_t)len;
  /* A short count comes without an errno; a full disk is its usual cause. */
  int why = wrote < 0 ? errno : ENOSPC;
  /* A short write would leave a torn line that every later verify reports as "not a
   * checkpoint", with the next line glued to it: take it back (issue 16, a full disk). */
  if (!ok && wrote > 0 && before >= 0 && ftruncate(fd, before) != 0)
    why = errno;
  if (fd >= 0 && close(fd) != 0 && ok) {
    ok = false;
    why = errno;
  }
  if (!ok)
    return hk_error_set(err, HK_EIO, "--to", "cannot append to %s: %s", to, strerror(why));
  /* The file's name as JSON text (any character escaped), cut to what the summary holds. */
  json_t *o = json_pack("{s:s, s:s, s:I, s:I}", "checkpoint", to, "at", at, "event_seq",
                        (json_int_t)ev_seq, "access_seq", (json_int_t)ac_seq);
  char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  snprintf(summary, 256, "%s", text ? text : "{}");
  free(text);
  json_decref(o);
  return HK_OK;
}

/* ---- checking the database against the checkpoints ---- */

typedef struct checkpoint {
  int line;
  char at[HK_STAMP_LEN];
  int64_t seq[2]; /* [0] the events, [1] the access log */
  uint8_t hash[2][HK_HASH_LEN];
  bool seen[2];
  bool same[2];
} checkpoint;

typedef struct walk {
  checkpoint *cps;
  size_t n;
  int chain;
  int64_t last;
} walk;

static void mark(walk *w, int64_t seq, const uint8_t hash[HK_HASH_LEN])
{
  w->last = seq;
  for (size_t i = 0; i < w->n; i++) {
    checkpoint *cp = &w->cps[i];
    if (cp->seq[w->chain] == seq) {
      cp->seen[w->chain] = true;
      cp->same[w->chain] = memcmp(cp->hash[w->chain], hash, HK_HASH_LEN) == 0;
    }
  }
}

static hk_status on_event(const hk_event *ev, void *cls, hk_error *err)
{
  (void)err;
  mark(cls, ev->seq, ev->hash);
  return HK_OK;
}

static hk_status on_access(const hk_access *a, void *cls, hk_error *err)
{
  (void)err;
  mark(cls, a->seq, a->hash);
  return HK_OK;
}

static bool parse_seq(const char *text, int64_t *out)
{
  char *end = NULL;
  long long v = text ? strtoll(text, &end, 10) : -1;
  *out = v;
  return text && end != text && *end == '\0' && v >= 0;
}

static bool parse_hash(const char *text, uint8_t out[HK_HASH_LEN])
{
  size_t len = 0;
  return text && strlen(text) == (size_t)HK_HASH_LEN * 2 &&
         sodium_hex2bin(out, HK_HASH_LEN, text, strlen(text), NULL, &len, NULL) == 0 &&
         len == HK_HASH_LEN;
}

/* "v1 AT EVENT_SEQ EVENT_HASH ACCESS_SEQ ACCESS_HASH MAC\n"; text is cut at its newline. */
static bool parse_line(char *text, checkpoint *cp)
{
  text[strcspn(text, "\n")] = '\0';
  char copy[512], *save = NULL, *field[7];
  snprintf(copy, sizeof copy, "%s", text);
  int n = 0;
  for (char *t = strtok_r(copy, " ", &save); t && n < 7; t = strtok_r(NULL, " ", &save))
    field[n++] = t;
  if (n != 7 || strtok_r(NULL, " ", &save) != NULL || strcmp(field[0], "v1") != 0 ||
      strlen(field[1]) >= sizeof cp->at || strlen(field[6]) != MAC_HEX - 1)
    return false;
  snprintf(cp->at, sizeof cp->at, "%s", field[1]);
  return parse_seq(field[2], &cp->seq[0]) && parse_hash(field[3], cp->hash[0]) &&
         parse_seq(field[4], &cp->seq[1]) && parse_hash(field[5], cp->hash[1]);
}

static hk_status read_checkpoints(const char *file, const uint8_t key[crypto_auth_KEYBYTES],
                                  checkpoint **out, size_t *count, hk_error *err)
{
  FILE *in = fopen(file, "r");
  if (in == NULL)
    return hk_error_set(err, HK_EIO, "--checkpoint", "cannot read %s: %s", file, strerror(errno));
  checkpoint *cps = NULL;
  size_t n = 0;
  char text[512];
  hk_status rc = HK_OK;
  for (int line = 1; rc == HK_OK && fgets(text, sizeof text, in); line++) {
    if (text[0] == '\n')
      continue;
    checkpoint cp = {.line = line};
    char want[MAC_HEX];
    bool ok = parse_line(text, &cp);
    /* The MAC covers the text before its own field. */
    char *mac = strrchr(text, ' ');
    size_t used = mac ? (size_t)(mac - text) : 0;
    if (mac)
      mac++;
    if (!ok || mac == NULL) {
      rc = hk_error_set(err, HK_ETAMPERED, "--checkpoint", "%s line %d is not a checkpoint", file,
                        line);
      break;
    }
    mac_hex(text, used, key, want);
    if (sodium_memcmp(want, mac, MAC_HEX) != 0) {
      rc =
          hk_error_set(err, HK_ETAMPERED, "--checkpoint",
                       "%s line %d: its signature does not verify (altered or forged)", file, line);
      break;
    }
    checkpoint *grown = realloc(cps, (n + 1) * sizeof *cps);
    if (grown == NULL) {
      rc = hk_error_set(err, HK_ENOMEM, "--checkpoint", "out of memory");
      break;
    }
    cps = grown;
    cps[n++] = cp;
  }
  fclose(in);
  if (rc != HK_OK) {
    free(cps);
    return rc;
  }
  *out = cps;
  *count = n;
  return HK_OK;
}

int hk_cli_checkpoint_check(hk_store *st, const char *file, int64_t *checked, hk_error *err)
{
  *checked = 0;
  if (sodium_init() < 0)
    return hk_error_set(err, HK_EIO, "checkpoint", "libsodium did not start");
  uint8_t key[crypto_auth_KEYBYTES];
  hk_status rc = load_key(file, false, key, err);
  checkpoint *cps = NULL;
  size_t n = 0;
  if (rc == HK_OK)
    rc = read_checkpoints(file, key, &cps, &n, err);
  sodium_memzero(key, sizeof key);
  if (rc != HK_OK)
    return rc;
  walk events = {.cps = cps, .n = n, .chain = 0}, access = {.cps = cps, .n = n, .chain = 1};
  rc = hk_store_event_each(st, 1, on_event, &events, err);
  if (rc == HK_OK)
    rc = hk_store_access_each(st, 0, on_access, &access, err);
  /* Both sentences take both names; each prints its own (%.0s prints nothing). */
  static const char *const chain_zh[2] = {"事件链", "访问日志"};
  static const char *const chain_en[2] = {"event chain", "access log"};

  for (size_t i = 0; rc == HK_OK && i < n; i++) {
    const checkpoint *cp = &cps[i];
    for (int k = 0; k < 2 && rc == HK_OK; k++) {
      if (cp->seq[k] == 0 || (cp->seen[k] && cp->same[k]))
        continue;
      char h[HASH_HEX];
      sodium_bin2hex(h, sizeof h, cp->hash[k], HK_HASH_LEN);
      int64_t last = k == 0 ? events.last : access.last;
      if (!cp->seen[k])
        hk_error_set_both(
            err, HK_ETAMPERED, "checkpoint",
            "%s%.0s在 %s 的检查点之后被截断或回滚：检查点记录到第 %lld 条（哈希 %.16s…），"
            "现在只到第 %lld 条",
            "truncated/rolled back: the %.0s%s checkpoint of %s saw entry %lld (hash "
            "%.16s…) but the log now ends at %lld",
            chain_zh[k], chain_en[k], cp->at, (long long)cp->seq[k], h, (long long)last);
      else
        hk_error_set_both(
            err, HK_ETAMPERED, "checkpoint",
            "%s%.0s在 %s 的检查点之后被回滚并改写：第 %lld 条的哈希与检查点记录的（%.16s…）不同",
            "rolled back and rewritten: the %.0s%s checkpoint of %s saw entry %lld with "
            "hash %.16s…, the log now has another",
            chain_zh[k], chain_en[k], cp->at, (long long)cp->seq[k], h);
      rc = err->code;
    }
    (*checked)++;
  }
  free(cps);
  return rc;
}
