/* The keys directory (mode 0700): keyset.json, every public key ever used with its kid,
 * creation and retirement times, and one private seed per kid in KID.key (mode 0600), read only
 * by the server's user and never anywhere else (issue 12: never in the database, never in a
 * log). Rotation retires the signing key and adds a new one; the retired keys stay in the set
 * so that certificates signed before still verify. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "cert/cert_int.h"

#define KEYSET_FILE "keyset.json"
#define SEED_HEX_LEN 64

static void path_in(char *out, size_t size, const char *dir, const char *name, const char *ext)
{
  snprintf(out, size, "%s/%s%s", dir, name, ext);
}

/* The directory exists (made 0700 when missing) and no one but its owner can enter it. */
static hk_status ensure_dir(const char *dir, bool create, hk_error *err)
{
  if (dir == NULL || dir[0] == '\0' || strlen(dir) > 3000)
    return hk_error_set(err, HK_EINVAL, "--dir", "a keys directory is needed");
  if (create && mkdir(dir, 0700) != 0 && errno != EEXIST)
    return hk_error_set(err, HK_EIO, "--dir", "cannot create %s: %s", dir, strerror(errno));
  struct stat sb;
  if (stat(dir, &sb) != 0)
    return hk_error_set(err, HK_ENOTFOUND, "--dir", "%s: %s (hukou keys init --dir DIR makes one)",
                        dir, strerror(errno));
  if (!S_ISDIR(sb.st_mode))
    return hk_error_set(err, HK_EINVAL, "--dir", "%s is not a directory", dir);
  if (create && (sb.st_mode & 077) != 0)
    return hk_error_set(err, HK_EINVAL, "--dir",
                        "%s is open to other users (mode %03o); keys need a 0700 directory", dir,
                        (unsigned)(sb.st_mode & 0777));
  return HK_OK;
}

/* ---- keyset.json ---- */

static hk_status read_keyset(const char *dir, hk_cert_keyring *kr, hk_error *err)
{
  char path[3100];
  path_in(path, sizeof path, dir, KEYSET_FILE, "");
  json_error_t jerr;
  json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
  if (root == NULL)
    return access(path, F_OK) != 0
               ? hk_error_set(err, HK_ENOTFOUND, KEYSET_FILE,
                              "no key set in %s (hukou keys init --dir DIR)", dir)
               : hk_error_set(err, HK_EINVAL, KEYSET_FILE, "line %d: %s", jerr.line, jerr.text);
  json_t *keys = json_object_get(root, "keys");
  hk_status st = json_is_array(keys) && json_array_size(keys) > 0
                     ? HK_OK
                     : hk_error_set(err, HK_EINVAL, KEYSET_FILE ".keys", "not a list of keys");
  size_t i;
  json_t *k;
  json_array_foreach(keys, i, k)
  {
    if (st != HK_OK)
      break;
    hk_cert_key key = {0};
    const char *kid = json_string_value(json_object_get(k, "kid"));
    json_t *created = json_object_get(k, "created"), *retired = json_object_get(k, "retired");
    if (kid == NULL || strlen(kid) != HK_CERT_KID_HEX ||
        !hk_cert_x_decode(json_string_value(json_object_get(k, "x")), key.public_key) ||
        !json_is_integer(created) || (retired != NULL && !json_is_integer(retired))) {
      st = hk_error_set(err, HK_EINVAL, KEYSET_FILE ".keys", "key %zu is malformed", i);
      break;
    }
    memcpy(key.kid, kid, HK_CERT_KID_HEX + 1);
    key.created = json_integer_value(created);
    key.retired = retired ? json_integer_value(retired) : 0;
    st = hk_cert_keyring_add(kr, &key, err);
    if (st != HK_OK)
      hk_error_prefix(err, KEYSET_FILE);
  }
  json_decref(root);
  return st;
}

/* Write the key set to a temporary file and rename it over the old one, so that a crash
 * leaves the old set or the new one, never half of one. */
static hk_status write_keyset(const char *dir, const hk_cert_keyring *kr, hk_error *err)
{
  json_t *keys = json_array();
  for (size_t i = 0; i < hk_cert_keyring_count(kr); i++) {
    const hk_cert_key *key = hk_cert_keyring_at(kr, i);
    char x[48];
    hk_cert_x_encode(key->public_key, x);
    json_t *o =
        json_pack("{s:s, s:s, s:I}", "kid", key->kid, "x", x, "created", (json_int_t)key->created);
    if (key->retired)
      json_object_set_new(o, "retired", json_integer(key->retired));
    json_array_append_new(keys, o);
  }
  json_t *root = json_pack("{s:i, s:o}", "version", 1, "keys", keys);
  char path[3100], tmp[3100];
  path_in(path, sizeof path, dir, KEYSET_FILE, "");
  path_in(tmp, sizeof tmp, dir, KEYSET_FILE, ".tmp");
  char *text = root ? json_dumps(root, JSON_INDENT(2)) : NULL;
  json_decref(root);
  if (text == NULL)
    return hk_error_set(err, HK_ENOMEM, KEYSET_FILE, "out of memory");
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  size_t len = strlen(text);
  bool ok =
      fd >= 0 && write(fd, text, len) == (ssize_t)len && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
  int saved = errno;
  free(text);
  if (fd >= 0)
    close(fd);
  if (!ok || rename(tmp, path) != 0) {
    unlink(tmp);
    return hk_error_set(err, HK_EIO, KEYSET_FILE, "cannot write %s: %s", path,
                        strerror(ok ? errno : saved));
  }
  return HK_OK;
}

/* ---- private keys ---- */

/* A new key pair: its seed written to KID.key (0600, never overwriting), its public half out. */
static hk_status generate(const char *dir, hk_cert_key *out, hk_error *err)
{
  uint8_t seed[32], sk[crypto_sign_SECRETKEYBYTES];
  char hex[SEED_HEX_LEN + 2], path[3100];
  randombytes_buf(seed, sizeof seed);
  memset(out, 0, sizeof *out);
  crypto_sign_seed_keypair(out->public_key, sk, seed);
  sodium_memzero(sk, sizeof sk);
  hk_cert_kid_of(out->public_key, out->kid);
  out->created = (int64_t)time(NULL);
  sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
  sodium_memzero(seed, sizeof seed);
  hex[SEED_HEX_LEN] = '\n';
  hex[SEED_HEX_LEN + 1] = '\0';
  path_in(path, sizeof path, dir, out->kid, ".key");
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  /* fchmod as well: the umask may only narrow the mode, but say what we mean. */
  bool ok = fd >= 0 && fchmod(fd, 0600) == 0 &&
            write(fd, hex, SEED_HEX_LEN + 1) == SEED_HEX_LEN + 1 && fsync(fd) == 0;
  int saved = errno;
  sodium_memzero(hex, sizeof hex);
  if (fd >= 0)
    close(fd);
  if (!ok) {
    if (fd >= 0)
      unlink(path);
    return hk_error_set(err, HK_EIO, out->kid, "cannot write its private key: %s", strerror(saved));
  }
  return HK_OK;
}

/* Read the signing key's seed, refusing a file others could read (as ssh does). */
static hk_status load_secret(const char *dir, hk_cert_keyring *kr, hk_error *err)
{
  const hk_cert_key *signing = hk_cert_keyring_signing(kr);
  if (signing == NULL)
    return hk_error_set(err, HK_EUNAVAILABLE, KEYSET_FILE, "no signing key (all retired)");
  char path[3100], field[32], hex[SEED_HEX_LEN + 8];
  path_in(path, sizeof path, dir, signing->kid, ".key");
  snprintf(field, sizeof field, "%s.key", signing->kid);
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return hk_error_set(err, HK_EUNAVAILABLE, field, "cannot read the private key: %s",
                        strerror(errno));
  struct stat sb;
  ssize_t got = -1;
  if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 077) == 0)
    got = read(fd, hex, sizeof hex - 1);
  close(fd);
  if (got < 0) {
    sodium_memzero(hex, sizeof hex);
    return hk_error_set(err, HK_EINVAL, field,
                        "not a private key file of mode 0600 (others must not read it)");
  }
  hex[got] = '\0';
  uint8_t seed[32];
  size_t len = 0;
  const char *end = NULL;
  bool ok = sodium_hex2bin(seed, sizeof seed, hex, (size_t)got, NULL, &len, &end) == 0 &&
            len == sizeof seed && (*end == '\0' || strcmp(end, "\n") == 0);
  sodium_memzero(hex, sizeof hex);
  hk_status st = ok ? hk_cert_keyring_set_secret(kr, seed, err)
                    : hk_error_set(err, HK_EINVAL, field, "not 64 hexadecimal digits");
  sodium_memzero(seed, sizeof seed);
  if (st != HK_OK && ok && err != NULL)
    snprintf(err->field, sizeof err->field, "%s", field);
  return st;
}

/* ---- the operations ---- */

hk_status hk_cert_keys_init(const char *dir, hk_cert_key *first, hk_error *err)
{
  hk_status st = ensure_dir(dir, true, err);
  if (st != HK_OK)
    return st;
  char path[3100];
  path_in(path, sizeof path, dir, KEYSET_FILE, "");
  if (access(path, F_OK) == 0)
    return hk_error_set(err, HK_EDUPLICATE, "--dir",
                        "%s already holds a key set (hukou keys rotate adds a key)", dir);
  hk_cert_keyring *kr = hk_cert_keyring_new();
  if (kr == NULL)
    return hk_error_set(err, HK_ENOMEM, "keys", "out of memory");
  hk_cert_key key;
  st = generate(dir, &key, err);
  if (st == HK_OK)
    st = hk_cert_keyring_add(kr, &key, err);
  if (st == HK_OK)
    st = write_keyset(dir, kr, err);
  if (st == HK_OK && first != NULL)
    *first = key;
  hk_cert_keyring_free(kr);
  return st;
}

/* One rotation at a time: a POSIX record lock on keyset.lock for the read-modify-write. */
static int lock_dir(const char *dir)
{
  char path[3100];
  path_in(path, sizeof path, dir, "keyset", ".lock");
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
  if (fd >= 0 && fcntl(fd, F_SETLKW, &fl) != 0) {
    close(fd);
    fd = -1;
  }
  return fd;
}

hk_status hk_cert_keys_rotate(const char *dir, hk_cert_key *added, hk_error *err)
{
  hk_status st = ensure_dir(dir, false, err);
  if (st != HK_OK)
    return st;
  int lock = lock_dir(dir);
  if (lock < 0)
    return hk_error_set(err, HK_EIO, "--dir", "cannot lock %s: %s", dir, strerror(errno));
  hk_cert_keyring *kr = hk_cert_keyring_new();
  st = kr ? read_keyset(dir, kr, err) : hk_error_set(err, HK_ENOMEM, "keys", "out of memory");
  hk_cert_key key;
  if (st == HK_OK)
    st = generate(dir, &key, err);
  if (st == HK_OK) {
    /* (retire before adding, so the new key is the only one not retired) */
    for (size_t i = 0; i < hk_cert_keyring_count(kr); i++) {
      hk_cert_key *k = (hk_cert_key *)hk_cert_keyring_at(kr, i);
      if (k->retired == 0)
        k->retired = key.created;
    }
    st = hk_cert_keyring_add(kr, &key, err);
  }
  if (st == HK_OK)
    st = write_keyset(dir, kr, err);
  if (st == HK_OK && added != NULL)
    *added = key;
  hk_cert_keyring_free(kr);
  close(lock);
  return st;
}

hk_status hk_cert_keyring_open(const char *dir, bool need_private, hk_cert_keyring **out,
                               hk_error *err)
{
  *out = NULL;
  hk_status st = ensure_dir(dir, false, err);
  if (st != HK_OK)
    return st;
  hk_cert_keyring *kr = hk_cert_keyring_new();
  if (kr == NULL)
    return hk_error_set(err, HK_ENOMEM, "keys", "out of memory");
  st = read_keyset(dir, kr, err);
  if (st == HK_OK && need_private)
    st = load_secret(dir, kr, err);
  if (st != HK_OK) {
    hk_cert_keyring_free(kr);
    return st;
  }
  *out = kr;
  return HK_OK;
}
