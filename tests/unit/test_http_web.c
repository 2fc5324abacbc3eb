/* The portal's server side (static.c, the browser-session helpers of server.c and
 * h_accounts.c) without sockets: content types, Accept-Encoding and If-None-Match parsing, the
 * Origin comparison, the CSRF token's derivation, and loading and serving a directory (gzip
 * variants that decompress to the file, ETags, 304s, refused symlinks and dot files, an empty
 * file, a missing directory). The same through the real server: tests/api/test_web.py. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "http/http_int.h"

static void test_types(void **state)
{
  (void)state;
  assert_string_equal(hk_http_web_type("index.html"), "text/html; charset=utf-8");
  assert_string_equal(hk_http_web_type("assets/js/app.js"), "text/javascript; charset=utf-8");
  assert_string_equal(hk_http_web_type("a/b.mjs"), "text/javascript; charset=utf-8");
  assert_string_equal(hk_http_web_type("a.CSS"), "text/css; charset=utf-8");
  assert_string_equal(hk_http_web_type("a.json"), "application/json; charset=utf-8");
  assert_string_equal(hk_http_web_type("a.js.map"), "application/json; charset=utf-8");
  assert_string_equal(hk_http_web_type("a.svg"), "image/svg+xml; charset=utf-8");
  assert_string_equal(hk_http_web_type("a.png"), "image/png");
  assert_string_equal(hk_http_web_type("a.woff2"), "font/woff2");
  assert_string_equal(hk_http_web_type("favicon.ico"), "image/x-icon");
  /* Unknown, none, or a dot in a directory's name only. */
  assert_string_equal(hk_http_web_type("a.exe"), "application/octet-stream");
  assert_string_equal(hk_http_web_type("README"), "application/octet-stream");
  assert_string_equal(hk_http_web_type("assets/v1.2/LICENSE"), "application/octet-stream");
}

static void test_accept_encoding(void **state)
{
  (void)state;
  assert_true(hk_http_accepts_gzip("gzip"));
  assert_true(hk_http_accepts_gzip("deflate, gzip, br"));
  assert_true(hk_http_accepts_gzip("GZip;q=0.1"));
  assert_true(hk_http_accepts_gzip("x-gzip"));
  assert_true(hk_http_accepts_gzip("*"));
  assert_true(hk_http_accepts_gzip("br;q=1.0, *;q=0.5"));
  assert_true(hk_http_accepts_gzip("gzip ; q=1"));
  assert_false(hk_http_accepts_gzip(NULL));
  assert_false(hk_http_accepts_gzip(""));
  assert_false(hk_http_accepts_gzip("identity"));
  assert_false(hk_http_accepts_gzip("br, deflate"));
  assert_false(hk_http_accepts_gzip("gzip;q=0"));
  assert_false(hk_http_accepts_gzip("gzip;q=0.000"));
  assert_false(hk_http_accepts_gzip("*;q=0"));
  assert_false(hk_http_accepts_gzip("*, gzip;q=0")); /* gzip named: it decides */
  assert_false(hk_http_accepts_gzip("gzipx, xgzip"));
}

static void test_if_none_match(void **state)
{
  (void)state;
  const char *tag = "\"0123abcd\"";
  assert_true(hk_http_etag_matches("\"0123abcd\"", tag));
  assert_true(hk_http_etag_matches("W/\"0123abcd\"", tag));
  assert_true(hk_http_etag_matches("\"x\", \"y\",W/\"0123abcd\"", tag));
  assert_true(hk_http_etag_matches("*", tag));
  assert_false(hk_http_etag_matches(NULL, tag));
  assert_false(hk_http_etag_matches("", tag));
  assert_false(hk_http_etag_matches("\"0123abc\"", tag));
  assert_false(hk_http_etag_matches("\"0123abcd", tag)); /* unterminated */
  assert_false(hk_http_etag_matches("0123abcd", tag));   /* unquoted */
  assert_false(hk_http_etag_matches("\"0123abcd.gz\"", tag));
}

static void test_origin(void **state)
{
  (void)state;
  assert_true(hk_http_origin_matches("http://127.0.0.1:8080", "127.0.0.1:8080"));
  assert_true(hk_http_origin_matches("HTTP://Portal.Example:8080", "portal.example:8080"));
  assert_true(hk_http_origin_matches("https://portal.example", "portal.example"));
  assert_true(hk_http_origin_matches("https://portal.example", "portal.example:443"));
  assert_true(hk_http_origin_matches("http://portal.example:80", "portal.example"));
  assert_true(hk_http_origin_matches("http://[::1]:8080", "[::1]:8080"));
  assert_false(hk_http_origin_matches("http://portal.example:443", "portal.example"));
  assert_false(hk_http_origin_matches("http://evil.example", "portal.example"));
  assert_false(hk_http_origin_matches("http://portal.example.evil", "portal.example"));
  assert_false(hk_http_origin_matches("http://127.0.0.1:8081", "127.0.0.1:8080"));
  assert_false(hk_http_origin_matches("http://127.0.0.1", "127.0.0.1:8080"));
  assert_false(hk_http_origin_matches("null", "127.0.0.1:8080"));
  assert_false(hk_http_origin_matches("file://", "127.0.0.1:8080"));
  assert_false(hk_http_origin_matches("ws://127.0.0.1:8080", "127.0.0.1:8080"));
  assert_false(hk_http_origin_matches("http://127.0.0.1:8080/", "127.0.0.1:8080"));
  assert_false(hk_http_origin_matches("http://a@127.0.0.1:8080", "127.0.0.1:8080"));
  assert_false(hk_http_origin_matches("http://", ""));
  assert_false(hk_http_origin_matches("http://127.0.0.1:8080", NULL));
  assert_false(hk_http_origin_matches("http://127.0.0.1:8080", ""));
  assert_false(hk_http_origin_matches(NULL, "127.0.0.1:8080"));
}

static void test_csrf_token(void **state)
{
  (void)state;
  char a[HK_CSRF_LEN + 1], b[HK_CSRF_LEN + 1], c[HK_CSRF_LEN + 1];
  const char *t1 = "hks_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  const char *t2 = "hks_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB";
  hk_http_csrf_token(t1, a);
  hk_http_csrf_token(t1, b);
  hk_http_csrf_token(t2, c);
  assert_int_equal(strlen(a), HK_CSRF_LEN);
  assert_string_equal(a, b);     /* the same session, the same token (after a restart too) */
  assert_string_not_equal(a, c); /* another session, another token */
  for (const char *s = a; *s; s++)
    assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *s));
  assert_null(strstr(t1, a));
}

/* ---- loading and serving a directory ---- */

static void write_bytes(const char *name, const void *data, size_t len)
{
  FILE *f = fopen(test_path(name), "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  fclose(f);
}

static char *inflate_gzip(const char *in, size_t len, size_t *out_len)
{
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
  size_t cap = len * 50 + 64;
  char *out = malloc(cap);
  assert_non_null(out);
  zs.next_in = (Bytef *)(uintptr_t)in;
  zs.avail_in = (uInt)len;
  zs.next_out = (Bytef *)out;
  zs.avail_out = (uInt)cap;
  assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
  *out_len = zs.total_out;
  inflateEnd(&zs);
  return out;
}

static void serve(const hk_http_web *web, const char *path, const char *ae, const char *inm,
                  hk_http_resp *resp)
{
  memset(resp, 0, sizeof *resp);
  hk_http_web_serve(web, path, ae, inm, resp);
}

static void test_load_and_serve(void **state)
{
  (void)state;
  test_tmpdir();
  char js[8000] = "";
  for (int i = 0; i < 200; i++)
    snprintf(js + strlen(js), sizeof js - strlen(js), "export const m%d = %d;\n", i, i);
  assert_int_equal(mkdir(test_path("web"), 0755), 0);
  assert_int_equal(mkdir(test_path("web/assets"), 0755), 0);
  assert_int_equal(mkdir(test_path("web/assets/js"), 0755), 0);
  write_bytes("web/index.html", "<!doctype html>", 15);
  write_bytes("web/assets/js/app.js", js, strlen(js));
  write_bytes("web/assets/empty.css", "", 0);
  write_bytes("web/assets/bin.png", "\x89PNG\0\0\1", 7);
  write_bytes("web/assets/.secret", "x", 1);
  write_bytes("web/other.txt", "not under assets", 16);
  write_bytes("outside.js", "outside", 7);
  char outside[512]; /* test_path's buffer is reused by the next call */
  snprintf(outside, sizeof outside, "%s", test_path("outside.js"));
  assert_int_equal(symlink(outside, test_path("web/assets/out.js")), 0);
  assert_int_equal(symlink("js/app.js", test_path("web/assets/in.js")), 0);

  hk_http_web *web = NULL;
  hk_error err = {0};
  assert_int_equal(hk_http_web_load(test_path("web"), &web, &err), HK_OK);
  hk_http_resp r;

  serve(web, "/", NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.static_len, 15);
  assert_memory_equal(r.static_body, "<!doctype html>", 15);
  assert_string_equal(r.content_type, "text/html; charset=utf-8");
  assert_string_equal(r.cache_control, "no-cache");
  assert_null(r.encoding);

  /* gzip: a smaller variant that decompresses to the file, with a tag of its own. */
  serve(web, "/assets/js/app.js", NULL, NULL, &r);
  const char *plain_tag = r.etag;
  assert_int_equal(r.static_len, strlen(js));
  assert_true(r.vary_encoding);
  serve(web, "/assets/js/app.js", "gzip", NULL, &r);
  assert_string_equal(r.encoding, "gzip");
  assert_true(r.static_len < strlen(js));
  assert_string_not_equal(r.etag, plain_tag);
  size_t n;
  char *back = inflate_gzip(r.static_body, r.static_len, &n);
  assert_int_equal(n, strlen(js));
  assert_memory_equal(back, js, n);
  free(back);
  const char *gz_tag = r.etag;
  /* 304 for either representation's tag. */
  serve(web, "/assets/js/app.js", "gzip", gz_tag, &r);
  assert_int_equal(r.status, 304);
  assert_string_equal(r.etag, gz_tag);
  serve(web, "/assets/js/app.js", "gzip", plain_tag, &r);
  assert_int_equal(r.status, 304);
  assert_string_equal(r.etag, plain_tag);
  serve(web, "/assets/js/app.js", NULL, "\"nothing\"", &r);
  assert_int_equal(r.status, 200);

  /* A symlink inside is the file it names; the same bytes, the same tag. */
  serve(web, "/assets/in.js", NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.etag, plain_tag);

  /* An empty file, and bytes with NULs in them. */
  serve(web, "/assets/empty.css", "gzip", NULL, &r);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.static_len, 0);
  assert_string_equal(r.static_body, "");
  assert_null(r.encoding);
  serve(web, "/assets/bin.png", "gzip", NULL, &r);
  assert_int_equal(r.static_len, 7);
  assert_null(r.encoding);
  assert_false(r.vary_encoding);

  /* Refused or not the portal's: 404 naming the path. */
  const char *missing[] = {"/assets/out.js",     "/assets/.secret", "/other.txt",
                           "/index.html",        "/assets/js",      "/assets/nothing.js",
                           "/assets/js/app.js/x"};
  for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
    serve(web, missing[i], NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "\"field\":\"path\""));
    free(r.body);
  }
  hk_http_web_free(web);

  /* No directory: not loaded, and the portal's paths say it is not installed. */
  assert_int_equal(hk_http_web_load(test_path("nothing"), &web, &err), HK_ENOTFOUND);
  assert_null(web);
  assert_int_equal(hk_http_web_load(test_path("outside.js"), &web, &err), HK_ENOTFOUND);
  serve(NULL, "/", NULL, NULL, &r);
  assert_int_equal(r.status, 404);
  assert_non_null(strstr(r.body, "not installed"));
  free(r.body);
  test_tmpdir_remove();
}

static void test_portal_paths(void **state)
{
  (void)state;
  assert_true(hk_http_web_path("/"));
  assert_true(hk_http_web_path("/assets/js/app.js"));
  assert_true(hk_http_web_path("/assets/"));
  assert_false(hk_http_web_path("/assets"));
  assert_false(hk_http_web_path("/index.html"));
  assert_false(hk_http_web_path("/api/v1/sessions"));
  assert_false(hk_http_web_path("/healthz"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_types),         cmocka_unit_test(test_accept_encoding),
      cmocka_unit_test(test_if_none_match), cmocka_unit_test(test_origin),
      cmocka_unit_test(test_csrf_token),    cmocka_unit_test(test_load_and_serve),
      cmocka_unit_test(test_portal_paths),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
