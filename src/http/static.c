/* static.c — the portal's files (issue 11): index.html at "/" and everything under assets/ at
 * "/assets/…", loaded into memory when the server starts (a few MB), each with a strong ETag (a
 * hash of its bytes) and a gzip variant (zlib) for compressible types when that is smaller.
 * Requests never touch the file system, so no path a client sends can reach a file outside the
 * directory; at load, symlinks leading out of it and files over HK_WEB_FILE_MAX are refused. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "http/http_int.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <sodium.h>
#include <zlib.h>

#define ETAG_MAX 48 /* "\"" + 32 hex + ".gz\"" */

typedef struct web_file {
  char *name; /* relative to the directory: "index.html", "assets/js/app.js" */
  unsigned char *data;
  size_t len;
  unsigned char *gz; /* NULL when no smaller gzip variant exists */
  size_t gz_len;
  const char *type;
  char etag[ETAG_MAX];
  char gz_etag[ETAG_MAX];
} web_file;

struct hk_http_web {
  web_file *files; /* sorted by name */
  size_t n, cap;
  size_t total;
  char root[PATH_MAX]; /* the directory's real path */
};

/* ---- types ---- */

typedef struct web_type {
  const char *ext;
  const char *type;
  bool compress;
} web_type;

/* Text gets its charset: the portal is UTF-8 throughout (Chinese first). */
static const web_type types[] = {
    {"html", "text/html; charset=utf-8", true},
    {"js", "text/javascript; charset=utf-8", true},
    {"mjs", "text/javascript; charset=utf-8", true},
    {"css", "text/css; charset=utf-8", true},
    {"json", "application/json; charset=utf-8", true},
    {"map", "application/json; charset=utf-8", true},
    {"geojson", "application/geo+json; charset=utf-8", true},
    {"svg", "image/svg+xml; charset=utf-8", true},
    {"txt", "text/plain; charset=utf-8", true},
    {"ico", "image/x-icon", true},
    {"png", "image/png", false},
    {"jpg", "image/jpeg", false},
    {"jpeg", "image/jpeg", false},
    {"webp", "image/webp", false},
    {"woff2", "font/woff2", false},
    {"woff", "font/woff", false},
};

static const web_type *type_of(const char *name)
{
  const char *slash = strrchr(name, '/');
  const char *dot = strrchr(slash ? slash + 1 : name, '.');
  if (dot == NULL)
    return NULL;
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcasecmp(dot + 1, types[i].ext) == 0)
      return &types[i];
  return NULL;
}

const char *hk_http_web_type(const char *name)
{
  const web_type *t = type_of(name);
  return t ? t->type : "application/octet-stream";
}

/* ---- loading ---- */

static void warn(const char *name, const char *why_zh, const char *why_en)
{
  fprintf(stderr, "hukou serve: 门户文件 %s %s，不予提供 / portal file %s: %s, not served\n", name,
          why_zh, name, why_en);
}

static bool gzip_bytes(const unsigned char *in, size_t len, unsigned char **out, size_t *out_len)
{
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  /* 15 + 16: a gzip wrapper rather than zlib's, as Content-Encoding: gzip means. */
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    return false;
  uLong bound = deflateBound(&zs, (uLong)len) + 32;
  unsigned char *buf = malloc(bound);
  if (buf == NULL) {
    deflateEnd(&zs);
    return false;
  }
  zs.next_in = (Bytef *)(uintptr_t)in; /* zlib's API is not const-correct; it does not write */
  zs.avail_in = (uInt)len;
  zs.next_out = buf;
  zs.avail_out = (uInt)bound;
  int rc = deflate(&zs, Z_FINISH);
  size_t n = (size_t)zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    free(buf);
    return false;
  }
  *out = buf;
  *out_len = n;
  return true;
}

static void etag_of(const unsigned char *data, size_t len, char out[ETAG_MAX], char gz[ETAG_MAX])
{
  unsigned char h[16];
  crypto_generichash(h, sizeof h, data, len, NULL, 0);
  char hex[2 * sizeof h + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  /* Strong tags, one per representation: the gzip bytes are another representation of the same
   * file (RFC 9110 8.8.3), so they get their own tag. */
  snprintf(out, ETAG_MAX, "\"%s\"", hex);
  snprintf(gz, ETAG_MAX, "\"%s.gz\"", hex);
}

/* Read one regular file (at most HK_WEB_FILE_MAX bytes) and add it under name. */
static hk_status add_file(hk_http_web *web, const char *path, const char *name, off_t size,
                          hk_error *err)
{
  if (size > (off_t)HK_WEB_FILE_MAX) {
    warn(name, "超过 16 MiB", "larger than 16 MiB");
    return HK_OK;
  }
  if (web->total + (size_t)size > HK_WEB_TOTAL_MAX) {
    warn(name, "使门户超过 64 MiB", "the portal would exceed 64 MiB");
    return HK_OK;
  }
  if (web->n == HK_WEB_FILES_MAX) {
    warn(name, "超过文件数上限", "more than 4096 files");
    return HK_OK;
  }
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    warn(name, "无法读取", strerror(errno));
    return HK_OK;
  }
  unsigned char *data = malloc((size_t)size + 1);
  size_t n = data ? fread(data, 1, (size_t)size + 1, f) : 0;
  fclose(f);
  if (data == NULL)
    return hk_error_set(err, HK_ENOMEM, "--web", "out of memory");
  if (n != (size_t)size) { /* changed while read: refuse rather than serve half of it */
    free(data);
    warn(name, "读取时发生变化", "changed while it was read");
    return HK_OK;
  }
  if (web->n == web->cap) {
    size_t cap = web->cap ? web->cap * 2 : 64;
    web_file *g = realloc(web->files, cap * sizeof *g);
    if (g == NULL) {
      free(data);
      return hk_error_set(err, HK_ENOMEM, "--web", "out of memory");
    }
    web->files = g;
    web->cap = cap;
  }
  web_file *wf = &web->files[web->n];
  memset(wf, 0, sizeof *wf);
  wf->name = strdup(name);
  if (wf->name == NULL) {
    free(data);
    return hk_error_set(err, HK_ENOMEM, "--web", "out of memory");
  }
  data[n] = '\0'; /* an empty file is then "" too */
  wf->data = data;
  wf->len = n;
  const web_type *t = type_of(name);
  wf->type = t ? t->type : "application/octet-stream";
  etag_of(data, n, wf->etag, wf->gz_etag);
  if (t && t->compress && n > 0) {
    unsigned char *gz = NULL;
    size_t gz_len = 0;
    if (gzip_bytes(data, n, &gz, &gz_len) && gz_len < n) {
      wf->gz = gz;
      wf->gz_len = gz_len;
    } else {
      free(gz);
    }
  }
  web->n++;
  web->total += n;
  return HK_OK;
}

/* Is real (a resolved path) the root or inside it? */
static bool inside(const hk_http_web *web, const char *real)
{
  size_t n = strlen(web->root);
  return strncmp(real, web->root, n) == 0 && (real[n] == '\0' || real[n] == '/');
}

/* Add dir (the directory at name, relative; "" the root) and what it holds, depth-first. */
static hk_status add_tree(hk_http_web *web, const char *path, const char *name, int depth,
                          hk_error *err)
{
  if (depth > 16) {
    warn(name, "目录层级过深", "directories nested too deep");
    return HK_OK;
  }
  DIR *d = opendir(path);
  if (d == NULL) {
    warn(name, "无法读取", strerror(errno));
    return HK_OK;
  }
  hk_status rc = HK_OK;
  struct dirent *e;
  while (rc == HK_OK && (e = readdir(d)) != NULL) {
    /* Dot files (.gitkeep, editors' leftovers) are nobody's page. */
    if (e->d_name[0] == '.')
      continue;
    char child[PATH_MAX], child_name[PATH_MAX], real[PATH_MAX];
    if (snprintf(child, sizeof child, "%s/%s", path, e->d_name) >= (int)sizeof child ||
        snprintf(child_name, sizeof child_name, "%s/%s", name, e->d_name) >=
            (int)sizeof child_name ||
        strlen(child_name) > HK_HTTP_PATH_MAX - 1) {
      warn(e->d_name, "路径过长", "path too long");
      continue;
    }
    /* A symlink is followed only when it stays inside the directory. */
    if (realpath(child, real) == NULL) {
      warn(child_name, "无法解析", strerror(errno));
      continue;
    }
    if (!inside(web, real)) {
      warn(child_name, "是指向目录之外的符号链接", "a symlink leading outside the directory");
      continue;
    }
    struct stat st;
    if (stat(real, &st) != 0) {
      warn(child_name, "无法读取", strerror(errno));
      continue;
    }
    /* Names become URL paths: only printable ASCII without spaces, as the router accepts. */
    bool plain = true;
    for (const char *s = e->d_name; *s && plain; s++)
      plain = (unsigned char)*s > 0x20 && (unsigned char)*s < 0x7f;
    if (!plain) {
      warn(child_name, "名称含有网址不允许的字符", "its name is not a plain URL segment");
      continue;
    }
    if (S_ISDIR(st.st_mode))
      rc = add_tree(web, real, child_name, depth + 1, err);
    else if (S_ISREG(st.st_mode))
      rc = add_file(web, real, child_name, st.st_size, err);
  }
  closedir(d);
  return rc;
}

static const web_file *find(const hk_http_web *web, const char *name);

static int by_name(const void *a, const void *b)
{
  return strcmp(((const web_file *)a)->name, ((const web_file *)b)->name);
}

hk_status hk_http_web_load(const char *dir, hk_http_web **out, hk_error *err)
{
  *out = NULL;
  struct stat st;
  if (dir == NULL || dir[0] == '\0' || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return hk_error_set(err, HK_ENOTFOUND, "--web", "not a directory");
  hk_http_web *web = calloc(1, sizeof *web);
  if (web == NULL)
    return hk_error_set(err, HK_ENOMEM, "--web", "out of memory");
  if (realpath(dir, web->root) == NULL) {
    free(web);
    return hk_error_set(err, HK_ENOTFOUND, "--web", "cannot resolve the directory");
  }
  hk_status rc = HK_OK;
  /* Only what the portal's URLs name: /index.html's file, and the tree under assets/. */
  char path[PATH_MAX + 16], real[PATH_MAX];
  snprintf(path, sizeof path, "%s/index.html", web->root);
  if (realpath(path, real) != NULL) {
    if (!inside(web, real))
      warn("index.html", "是指向目录之外的符号链接", "a symlink leading outside the directory");
    else if (stat(real, &st) == 0 && S_ISREG(st.st_mode))
      rc = add_file(web, real, "index.html", st.st_size, err);
  }
  snprintf(path, sizeof path, "%s/assets", web->root);
  if (rc == HK_OK && realpath(path, real) != NULL) {
    if (!inside(web, real))
      warn("assets", "是指向目录之外的符号链接", "a symlink leading outside the directory");
    else if (stat(real, &st) == 0 && S_ISDIR(st.st_mode))
      rc = add_tree(web, real, "assets", 1, err);
  }
  if (rc != HK_OK) {
    hk_http_web_free(web);
    return rc;
  }
  if (web->n)
    qsort(web->files, web->n, sizeof *web->files, by_name);
  if (find(web, "index.html") == NULL)
    fprintf(stderr,
            "hukou serve: 门户目录 %s 中没有 index.html，/ 将返回 404 / no index.html in %s: / "
            "answers 404\n",
            dir, dir);
  *out = web;
  return HK_OK;
}

void hk_http_web_free(hk_http_web *web)
{
  if (web == NULL)
    return;
  for (size_t i = 0; i < web->n; i++) {
    free(web->files[i].name);
    free(web->files[i].data);
    free(web->files[i].gz);
  }
  free(web->files);
  free(web);
}

static const web_file *find(const hk_http_web *web, const char *name)
{
  if (web == NULL || web->n == 0)
    return NULL;
  web_file key = {.name = (char *)(uintptr_t)name};
  return bsearch(&key, web->files, web->n, sizeof *web->files, by_name);
}

/* ---- serving ---- */

bool hk_http_web_path(const char *path)
{
  return strcmp(path, "/") == 0 || strncmp(path, "/assets/", 8) == 0;
}

/* The q-value of one Accept-Encoding element's parameters (";q=0.5"): 1 when absent. */
static double qvalue(const char *params, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    if (params[i] != ';')
      continue;
    size_t j = i + 1;
    while (j < len && (params[j] == ' ' || params[j] == '\t'))
      j++;
    if (j + 1 < len && (params[j] == 'q' || params[j] == 'Q') && params[j + 1] == '=') {
      char num[8] = "";
      size_t k = 0;
      for (j += 2; j < len && k + 1 < sizeof num && params[j] != ';' && params[j] != ' '; j++)
        num[k++] = params[j];
      num[k] = '\0';
      return strtod(num, NULL);
    }
  }
  return 1;
}

bool hk_http_accepts_gzip(const char *accept_encoding)
{
  if (accept_encoding == NULL)
    return false;
  double gzip = -1, star = -1;
  for (const char *s = accept_encoding; *s;) {
    while (*s == ' ' || *s == '\t' || *s == ',')
      s++;
    size_t len = strcspn(s, ",");
    size_t name = strcspn(s, ";, \t");
    if (name > len)
      name = len;
    double q = qvalue(s + name, len - name);
    if ((name == 4 && strncasecmp(s, "gzip", 4) == 0) ||
        (name == 6 && strncasecmp(s, "x-gzip", 6) == 0))
      gzip = q;
    else if (name == 1 && s[0] == '*')
      star = q;
    s += len;
  }
  /* An explicit gzip decides; otherwise "*" covers it (RFC 9110 12.5.3). */
  return gzip >= 0 ? gzip > 0 : star > 0;
}

bool hk_http_etag_matches(const char *if_none_match, const char *etag)
{
  if (if_none_match == NULL)
    return false;
  size_t elen = strlen(etag);
  for (const char *s = if_none_match; *s;) {
    while (*s == ' ' || *s == '\t' || *s == ',')
      s++;
    if (*s == '*')
      return true;
    /* Weak comparison (RFC 9110 13.1.2): a W/ prefix does not matter. */
    if (strncmp(s, "W/", 2) == 0)
      s += 2;
    if (*s != '"') {
      s += strcspn(s, ",");
      continue;
    }
    const char *end = strchr(s + 1, '"');
    if (end == NULL)
      return false;
    if ((size_t)(end + 1 - s) == elen && memcmp(s, etag, elen) == 0)
      return true;
    s = end + 1;
  }
  return false;
}

void hk_http_web_serve(const hk_http_web *web, const char *path, const char *accept_encoding,
                       const char *if_none_match, hk_http_resp *resp)
{
  /* Only / names index.html; everything else must be under assets/. */
  const char *name = strcmp(path, "/") == 0 ? "index.html" : path + 1;
  const web_file *f = hk_http_web_path(path) ? find(web, name) : NULL;
  if (f == NULL) {
    if (web == NULL || find(web, "index.html") == NULL)
      hk_http_reply_fail(resp, HK_ENOTFOUND, "path",
                         "门户未安装 / the portal is not installed on this server "
                         "(hukou serve --web DIR); the API is at /api/v1/");
    else
      hk_http_reply_fail(resp, HK_ENOTFOUND, "path", "no such file");
    return;
  }
  bool gz = f->gz != NULL && hk_http_accepts_gzip(accept_encoding);
  resp->etag = gz ? f->gz_etag : f->etag;
  resp->vary_encoding = f->gz != NULL;
  /* Every file is revalidated (no-cache): its name carries no version, so a cached copy could
   * outlive an upgrade; a revalidation with a matching ETag costs a 304 without a body. */
  resp->cache_control = "no-cache";
  resp->content_type = f->type;
  if (hk_http_etag_matches(if_none_match, f->etag) ||
      (f->gz && hk_http_etag_matches(if_none_match, f->gz_etag))) {
    /* The client's copy is current, whichever representation it holds: name that one. */
    if (f->gz && !hk_http_etag_matches(if_none_match, resp->etag))
      resp->etag = gz ? f->etag : f->gz_etag;
    resp->status = 304;
    resp->static_body = (const char *)(gz ? f->gz : f->data);
    resp->static_len = gz ? f->gz_len : f->len;
    resp->content_type = NULL;
    return;
  }
  resp->status = 200;
  resp->encoding = gz ? "gzip" : NULL;
  resp->static_body = (const char *)(gz ? f->gz : f->data);
  resp->static_len = gz ? f->gz_len : f->len;
}
