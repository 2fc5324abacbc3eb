/* The certificate on paper (cert/pdf.h): each type rendered to a PDF, rasterised by poppler
 * (pdftoppm) and its QR code read back by zbar (zbarimg), the text of the page read by
 * pdftotext; the SVG of the QR rasterised here and read by zbar too. The tools are independent
 * of the code under test: a page passes only if a real reader gets the exact signed text. */
#include "test_util.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cert/cert.h"
#include "cert/pdf.h"
#include "core/idnum.h"

/* 2026-12-02 10:00 in China. */
#define ISSUED 1796176800LL

/* ---- running the tools ---- */

/* The whole output of a shell command; fails the test when it does not exit 0. */
static char *run(const char *cmd)
{
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  size_t cap = 1 << 16, n = 0;
  char *out = malloc(cap);
  assert_non_null(out);
  size_t r;
  while ((r = fread(out + n, 1, cap - n - 1, p)) > 0) {
    n += r;
    if (n + 1 == cap) {
      cap *= 2;
      char *grown = realloc(out, cap);
      assert_non_null(grown);
      out = grown;
    }
  }
  out[n] = '\0';
  int rc = pclose(p);
  if (rc != 0)
    fail_msg("command failed (%d): %s", rc, cmd);
  return out;
}

/* What zbar reads in an image: the payload without the newline zbarimg adds. QR codes only:
 * zbar's 1D decoders now and then read a stretch of a QR symbol as an Interleaved 2 of 5
 * barcode ("627318") and print it on a line of its own. */
static char *zbar_read(const char *image)
{
  char cmd[512];
  snprintf(cmd, sizeof cmd, "zbarimg --nodbus -Sdisable -Sqrcode.enable --raw -q '%s' 2>/dev/null",
           image);
  char *text = run(cmd);
  size_t n = strlen(text);
  if (n && text[n - 1] == '\n')
    text[n - 1] = '\0';
  return text;
}

/* build/screenshots/, next to build/tests/ where this binary lives. */
static void keep_screenshot(const char *png, const char *name)
{
  if (!getenv("HK_SHOTS"))
    return;
  char exe[512], cmd[1200];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  assert_true(n > 0);
  exe[n] = '\0';
  char *tests_dir = dirname(exe);
  snprintf(cmd, sizeof cmd, "mkdir -p '%s/../screenshots' && cp '%s' '%s/../screenshots/%s.png'",
           tests_dir, png, tests_dir, name);
  free(run(cmd));
}

/* ---- certificates ---- */

static char full_id[4][19];

static void add(hk_cert_claims *c, const char *key, const char *value)
{
  hk_error err = {0};
  assert_int_equal(hk_cert_claims_add(c, key, value, &err), HK_OK);
}

/* Realistic claims of each type, with the keys the service layer fills
 * (service/certificate_claims.c) and GB/T 36902-shaped identifiers. */
static hk_cert_claims claims_of(hk_cert_type type)
{
  hk_cert_claims c;
  memset(&c, 0, sizeof c);
  c.type = type;
  c.issued_at = ISSUED;
  c.valid_from = ISSUED;
  c.status_index = 4200 + (uint32_t)type;
  static const char *ids[] = {"01330402202600004171", "02330106202600000528",
                              "03330402202600002336", "0433078220260000009X"};
  snprintf(c.id, sizeof c.id, "%s", ids[type]);
  switch (type) {
  case HK_CERT_RESIDENCE_PERMIT:
    snprintf(c.issuer, sizeof c.issuer, "330402");
    snprintf(c.name, sizeof c.name, "欧阳晓峰");
    test_idnum(full_id[type], "412726", "19910317", 157);
    c.valid_until = ISSUED + 365LL * 86400;
    add(&c, "permit", "330402202600417");
    add(&c, "sex", "男");
    add(&c, "addr", "浙江省嘉兴市南湖区东栅街道凌公塘路1288号融创望府3幢2单元1502室");
    add(&c, "endorsed", "2026");
    break;
  case HK_CERT_HUKOU_PROOF:
    snprintf(c.issuer, sizeof c.issuer, "330106");
    snprintf(c.name, sizeof c.name, "林雨桐");
    test_idnum(full_id[type], "330106", "19880625", 42);
    c.valid_until = ISSUED + 90LL * 86400;
    add(&c, "sex", "女");
    add(&c, "household", "330106000123456");
    add(&c, "relation", "户主");
    add(&c, "hukou_addr", "浙江省杭州市西湖区 文新街道学院路77号3幢401室");
    add(&c, "since", "2012-09-01");
    add(&c, "as_of", "2026-12-02");
    break;
  case HK_CERT_RESIDENCE_RECEIPT:
    snprintf(c.issuer, sizeof c.issuer, "330402");
    snprintf(c.name, sizeof c.name, "张伟");
    test_idnum(full_id[type], "360731", "19990105", 311);
    add(&c, "addr", "浙江省嘉兴市南湖区新兴街道中环南路456号");
    add(&c, "county", "浙江省嘉兴市南湖区");
    add(&c, "declared", "2026-11-28");
    add(&c, "since", "2026-11-20");
    break;
  case HK_CERT_SETTLEMENT_APPROVAL:
    snprintf(c.issuer, sizeof c.issuer, "330782");
    snprintf(c.name, sizeof c.name, "阿丽亚·吐尔逊");
    test_idnum(full_id[type], "650102", "19950812", 88);
    c.valid_until = ISSUED + 180LL * 86400;
    add(&c, "app", "33817");
    add(&c, "pathway", "人才引进");
    add(&c, "from", "新疆维吾尔自治区乌鲁木齐市天山区");
    add(&c, "to", "浙江省金华市义乌市 稠城街道工人北路18号");
    add(&c, "approved", "2026-12-02");
    break;
  default:
    fail();
  }
  hk_idnum_mask(full_id[type], c.id_masked);
  hk_cert_claims_bind_holder(&c, full_id[type]);
  return c;
}

/* The signed text, as the service gives it to the PDF, from a key set in the temp dir. */
static hk_cert_keyring *ring;

static char *qr_text_of(const hk_cert_claims *c)
{
  hk_error err = {0};
  char *qr = NULL;
  if (!ring) {
    char dir[300];
    snprintf(dir, sizeof dir, "%s/keys", test_tmpdir());
    assert_int_equal(hk_cert_keys_init(dir, NULL, &err), HK_OK);
    assert_int_equal(hk_cert_keyring_open(dir, true, &ring, &err), HK_OK);
  }
  assert_int_equal(hk_cert_sign(ring, c, &qr, &err), HK_OK);
  return qr;
}

/* ---- the page ---- */

static void render_and_read(hk_cert_type type)
{
  hk_cert_claims c = claims_of(type);
  char *qr = qr_text_of(&c);
  hk_error err = {0};
  char pdf[256], prefix[256], png[300], cmd[1024];
  snprintf(pdf, sizeof pdf, "%s", test_path(hk_cert_type_name(type)));
  strcat(pdf, ".pdf");
  assert_int_equal(hk_cert_pdf_write(&c, qr, pdf, &err), HK_OK);

  struct stat sb;
  assert_int_equal(stat(pdf, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0600);

  snprintf(prefix, sizeof prefix, "%s/page_%s", test_tmpdir(), hk_cert_type_name(type));
  snprintf(cmd, sizeof cmd, "pdftoppm -r 150 -png -singlefile '%s' '%s'", pdf, prefix);
  free(run(cmd));
  snprintf(png, sizeof png, "%s.png", prefix);
  char *read = zbar_read(png);
  assert_string_equal(read, qr);
  hk_cert_verification v;
  assert_int_equal(hk_cert_verify(ring, read, NULL, ISSUED + 60, &v, &err), HK_OK);
  assert_int_equal(v.verdict, HK_CERT_OK);
  assert_string_equal(v.claims.name, c.name);
  free(read);

  /* A coarse image too (72 dpi, under 3 pixels a module): the code is drawn large, not at the
   * 0.5 mm floor, when the page has room. */
  snprintf(cmd, sizeof cmd, "pdftoppm -r 72 -png -singlefile '%s' '%s_72'", pdf, prefix);
  free(run(cmd));
  snprintf(png, sizeof png, "%s_72.png", prefix);
  read = zbar_read(png);
  assert_string_equal(read, qr);
  free(read);
  snprintf(png, sizeof png, "%s.png", prefix);

  char name[64];
  snprintf(name, sizeof name, "cert_%s", hk_cert_type_name(type));
  keep_screenshot(png, name);

  /* The words on the page: the Chinese title, the masked number, never the full one. */
  snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", pdf);
  char *text = run(cmd);
  assert_non_null(strstr(text, hk_cert_type_zh(type)));
  assert_non_null(strstr(text, hk_cert_type_en(type)));
  assert_non_null(strstr(text, c.id_masked));
  assert_non_null(strstr(text, c.name));
  assert_non_null(strstr(text, c.id));
  assert_null(strstr(text, full_id[type]));
  assert_non_null(strstr(text, "扫描二维码或访问 /verify 核验"));
  if (type == HK_CERT_RESIDENCE_PERMIT) {
    assert_non_null(strstr(text, "浙江省嘉兴市南湖区（330402）"));
    assert_non_null(strstr(text, "2026-12-02 至 / to 2027-12-02"));
  }
  if (type == HK_CERT_RESIDENCE_RECEIPT)
    assert_non_null(strstr(text, "2026-12-02 起，长期 / from 2026-12-02, no expiry"));
  if (type == HK_CERT_SETTLEMENT_APPROVAL)
    assert_non_null(strstr(text, "浙江省金华市义乌市（330782）"));
  free(text);
  free(qr);
}

static void test_residence_permit(void **state)
{
  (void)state;
  render_and_read(HK_CERT_RESIDENCE_PERMIT);
}

static void test_hukou_proof(void **state)
{
  (void)state;
  render_and_read(HK_CERT_HUKOU_PROOF);
}

static void test_residence_receipt(void **state)
{
  (void)state;
  render_and_read(HK_CERT_RESIDENCE_RECEIPT);
}

static void test_settlement_approval(void **state)
{
  (void)state;
  render_and_read(HK_CERT_SETTLEMENT_APPROVAL);
}

/* A caller that puts the full number where the masked one goes still prints it masked. */
static void test_full_id_never_printed(void **state)
{
  (void)state;
  hk_cert_claims c = claims_of(HK_CERT_HUKOU_PROOF);
  memcpy(c.id_masked, full_id[HK_CERT_HUKOU_PROOF], 19);
  char *qr = qr_text_of(&c), cmd[600];
  hk_error err = {0};
  const char *pdf = test_path("full_id.pdf");
  assert_int_equal(hk_cert_pdf_write(&c, qr, pdf, &err), HK_OK);
  snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", pdf);
  char *text = run(cmd), masked[19];
  assert_null(strstr(text, full_id[HK_CERT_HUKOU_PROOF]));
  assert_non_null(strstr(text, hk_idnum_mask(full_id[HK_CERT_HUKOU_PROOF], masked)));
  free(text);
  free(qr);
}

/* The same certificate gives the same file (its date is the issue day, not the rendering
 * time), so a PDF can be cached once signed. */
static void test_same_file_twice(void **state)
{
  (void)state;
  hk_cert_claims c = claims_of(HK_CERT_RESIDENCE_RECEIPT);
  char *qr = qr_text_of(&c);
  unsigned char *a, *b;
  size_t la, lb;
  hk_error err = {0};
  assert_int_equal(hk_cert_pdf_render(&c, qr, &a, &la, &err), HK_OK);
  assert_int_equal(hk_cert_pdf_render(&c, qr, &b, &lb, &err), HK_OK);
  assert_int_equal(la, lb);
  assert_memory_equal(a, b, la);
  assert_memory_equal(a, "%PDF-", 5);
  free(a);
  free(b);
  free(qr);
}

/* Sixteen long fields: the text shrinks and the code keeps at least 0.5 mm a module, or the page
 * is refused by name; the code on a page that renders is still read. */
static void test_many_long_fields(void **state)
{
  (void)state;
  hk_cert_claims c = claims_of(HK_CERT_RESIDENCE_RECEIPT);
  c.nfields = 0;
  char key[16], value[200];
  for (int i = 0; i < 10; i++) {
    snprintf(key, sizeof key, "note%d", i);
    snprintf(value, sizeof value, "浙江省嘉兴市南湖区东栅街道凌公塘路%d号融创望府3幢2单元1502室",
             i);
    add(&c, key, value);
  }
  char *qr = qr_text_of(&c), cmd[600];
  hk_error err = {0};
  const char *pdf = test_path("many.pdf");
  assert_int_equal(hk_cert_pdf_write(&c, qr, pdf, &err), HK_OK);
  snprintf(cmd, sizeof cmd, "pdftoppm -r 150 -png -singlefile '%s' '%s/many'", pdf, test_tmpdir());
  free(run(cmd));
  char *read = zbar_read(test_path("many.png"));
  assert_string_equal(read, qr);
  free(read);

  for (int i = 10; i < HK_CERT_FIELDS_MAX; i++) {
    snprintf(key, sizeof key, "note%d", i);
    memset(value, 0, sizeof value);
    for (int j = 0; j < 60; j++)
      strcat(value, "长");
    add(&c, key, value);
  }
  unsigned char *out = NULL;
  size_t len = 0;
  assert_int_equal(hk_cert_pdf_render(&c, qr, &out, &len, &err), HK_EINVAL);
  assert_string_equal(err.field, "claims.fields");
  assert_null(out);
  free(qr);
}

static void test_bad_claims(void **state)
{
  (void)state;
  hk_cert_claims good = claims_of(HK_CERT_RESIDENCE_PERMIT), c;
  char *qr = qr_text_of(&good);
  unsigned char *pdf = NULL;
  size_t len = 0;
  hk_error err = {0};

  c = good;
  c.type = (hk_cert_type)9;
  assert_int_equal(hk_cert_pdf_render(&c, qr, &pdf, &len, &err), HK_EINVAL);
  assert_string_equal(err.field, "claims.type");

  c = good;
  snprintf(c.name, sizeof c.name, "bad \xff\xfe name");
  assert_int_equal(hk_cert_pdf_render(&c, qr, &pdf, &len, &err), HK_EINVAL);
  assert_string_equal(err.field, "claims.name");

  c = good;
  snprintf(c.issuer, sizeof c.issuer, "33040");
  assert_int_equal(hk_cert_pdf_render(&c, qr, &pdf, &len, &err), HK_EINVAL);
  assert_string_equal(err.field, "claims.issuer");

  c = good;
  c.valid_until = c.valid_from - 1;
  assert_int_equal(hk_cert_pdf_render(&c, qr, &pdf, &len, &err), HK_EINVAL);
  assert_string_equal(err.field, "claims.valid_until");

  c = good;
  memset(c.fields[0].value, 'x', sizeof c.fields[0].value); /* no terminating NUL */
  assert_int_equal(hk_cert_pdf_render(&c, qr, &pdf, &len, &err), HK_EINVAL);
  assert_string_equal(err.field, "claims.fields");

  assert_int_equal(hk_cert_pdf_render(NULL, qr, &pdf, &len, &err), HK_EINVAL);
  assert_string_equal(err.field, "claims");
  assert_int_equal(hk_cert_pdf_render(&good, "", &pdf, &len, &err), HK_EINVAL);
  assert_string_equal(err.field, "qr");
  assert_int_equal(hk_cert_pdf_write(&good, qr, "/nonexistent-dir/x.pdf", &err), HK_EIO);
  assert_string_equal(err.field, "path");
  assert_null(pdf);
  free(qr);
}

/* Longer than version 40 holds at level M (3391 alphanumeric, 2331 bytes): refused, "qr". */
static void test_qr_too_long(void **state)
{
  (void)state;
  hk_cert_claims c = claims_of(HK_CERT_HUKOU_PROOF);
  char *an = malloc(3400), *bytes = malloc(2400);
  assert_non_null(an);
  assert_non_null(bytes);
  memset(an, 'A', 3399);
  an[3399] = '\0';
  memset(bytes, 'a', 2399);
  bytes[2399] = '\0';
  hk_error err = {0};
  int version = 0, modules = 0;
  unsigned char *pdf = NULL;
  size_t len = 0;
  assert_int_equal(hk_cert_qr_measure(an, &version, &modules, &err), HK_EINVAL);
  assert_string_equal(err.field, "qr");
  assert_int_equal(hk_cert_qr_measure(bytes, &version, &modules, &err), HK_EINVAL);
  assert_string_equal(err.field, "qr");
  assert_int_equal(hk_cert_pdf_render(&c, an, &pdf, &len, &err), HK_EINVAL);
  assert_string_equal(err.field, "qr");
  assert_null(pdf);
  char *svg = NULL;
  assert_int_equal(hk_cert_qr_svg(bytes, &svg, &err), HK_EINVAL);
  assert_string_equal(err.field, "qr");
  assert_null(svg);

  /* Just inside: the largest symbol, 177 modules. */
  an[3391] = '\0';
  assert_int_equal(hk_cert_qr_measure(an, &version, &modules, &err), HK_OK);
  assert_int_equal(version, 40);
  assert_int_equal(modules, 177);
  free(an);
  free(bytes);
}

/* Base45 is all alphanumeric, so it is one alphanumeric segment: 5.5 bits a character. The same
 * length in lower case needs byte mode and a larger symbol. */
static void test_qr_alphanumeric_is_smaller(void **state)
{
  (void)state;
  hk_cert_claims c = claims_of(HK_CERT_RESIDENCE_PERMIT);
  char *qr = qr_text_of(&c);
  hk_error err = {0};
  int v_an, m_an, v_b, m_b;
  assert_int_equal(hk_cert_qr_measure(qr, &v_an, &m_an, &err), HK_OK);
  for (char *p = qr + 5; *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p - 'A' + 'a');
  assert_int_equal(hk_cert_qr_measure(qr, &v_b, &m_b, &err), HK_OK);
  assert_true(v_an < v_b);
  assert_int_equal(m_an, 17 + 4 * v_an);
  free(qr);
}

/* ---- the SVG ---- */

/* Rasterise the SVG's one path ("M x y h w v 1 h -w z" runs, in modules) at 4 pixels a module
 * into a PGM, so that zbar can read what the portal shows. */
static void svg_to_pgm(const char *svg, int side, const char *pgm)
{
  const int px = 4, w = side * px;
  unsigned char *img = malloc((size_t)w * w);
  assert_non_null(img);
  memset(img, 255, (size_t)w * w);
  const char *d = strstr(svg, " d=\"");
  assert_non_null(d);
  d += 4;
  int x, y, run, back, used;
  while (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &back, &used) == 4) {
    assert_int_equal(run, back);
    assert_true(x >= 4 && y >= 4 && x + run <= side - 4 && y < side - 4);
    for (int yy = y * px; yy < (y + 1) * px; yy++)
      memset(img + (size_t)yy * w + (size_t)x * px, 0, (size_t)run * px);
    d += used;
  }
  assert_int_equal(*d, '"');
  FILE *f = fopen(pgm, "wb");
  assert_non_null(f);
  fprintf(f, "P5\n%d %d\n255\n", w, w);
  assert_int_equal(fwrite(img, 1, (size_t)w * w, f), (size_t)w * w);
  fclose(f);
  free(img);
}

static void test_svg(void **state)
{
  (void)state;
  for (int t = 0; t < HK_CERT_TYPE_COUNT; t++) {
    hk_cert_claims c = claims_of((hk_cert_type)t);
    char *qr = qr_text_of(&c), *svg = NULL;
    hk_error err = {0};
    assert_int_equal(hk_cert_qr_svg(qr, &svg, &err), HK_OK);
    int version, modules, side = 0, side2 = 0;
    assert_int_equal(hk_cert_qr_measure(qr, &version, &modules, &err), HK_OK);

    const char *vb = strstr(svg, "viewBox=\"0 0 ");
    assert_non_null(vb);
    assert_int_equal(sscanf(vb, "viewBox=\"0 0 %d %d\"", &side, &side2), 2);
    assert_int_equal(side, modules + 8);
    assert_int_equal(side2, side);
    assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
    const char *path = strstr(svg, "<path");
    assert_non_null(path);
    assert_null(strstr(path + 1, "<path"));

    /* Well-formed XML, by an XML parser other than ours. */
    const char *file = test_write_file("qr.svg", svg);
    char cmd[600];
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import sys, xml.etree.ElementTree as E; "
             "r = E.parse(sys.argv[1]).getroot(); print(r.tag)' '%s'",
             file);
    char *tag = run(cmd);
    assert_string_equal(tag, "{http://www.w3.org/2000/svg}svg\n");
    free(tag);

    const char *pgm = test_path("qr.pgm");
    svg_to_pgm(svg, side, pgm);
    char *read = zbar_read(pgm);
    assert_string_equal(read, qr);
    free(read);
    free(svg);
    free(qr);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_residence_permit),
      cmocka_unit_test(test_hukou_proof),
      cmocka_unit_test(test_residence_receipt),
      cmocka_unit_test(test_settlement_approval),
      cmocka_unit_test(test_full_id_never_printed),
      cmocka_unit_test(test_same_file_twice),
      cmocka_unit_test(test_many_long_fields),
      cmocka_unit_test(test_bad_claims),
      cmocka_unit_test(test_qr_too_long),
      cmocka_unit_test(test_qr_alphanumeric_is_smaller),
      cmocka_unit_test(test_svg),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  hk_cert_keyring_free(ring);
  test_tmpdir_remove();
  hk_cert_pdf_shutdown();
  return failed;
}
