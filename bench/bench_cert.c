/* bench_cert — the certificate on paper: the QR symbol of each of the four types signed with a
 * fresh key (realistic claims, the keys the service fills), then N PDF pages rendered in a loop
 * on one core (the four types in turn) and N SVGs of the code. Prints one machine-readable line
 * per measure (docs/certificates.md "On paper", docs/benchmarks.md).
 * Usage: bench_cert [N]   (N pages, default 100) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cert/cert.h"
#include "cert/pdf.h"
#include "core/idnum.h"

#define ISSUED 1796176800LL /* 2026-12-02 10:00 in China */

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const hk_error *err)
{
  fprintf(stderr, "bench_cert: %s: %s: %s\n", what, err->field, err->detail);
  exit(1);
}

static void add(hk_cert_claims *c, const char *key, const char *value)
{
  hk_error err = {0};
  if (hk_cert_claims_add(c, key, value, &err) != HK_OK)
    die("claims", &err);
}

/* A valid number for the holder binding (the check character computed). */
static void holder(hk_cert_claims *c, const char *first17)
{
  char id[19];
  memcpy(id, first17, 17);
  id[17] = hk_idnum_check_char(first17);
  id[18] = '\0';
  hk_idnum_mask(id, c->id_masked);
  hk_cert_claims_bind_holder(c, id);
}

/* The same claims as tests/unit/test_cert_pdf.c: what each paper form carries. */
static hk_cert_claims claims_of(hk_cert_type type)
{
  hk_cert_claims c;
  memset(&c, 0, sizeof c);
  c.type = type;
  c.issued_at = c.valid_from = ISSUED;
  c.status_index = 1234567 + (uint32_t)type;
  switch (type) {
  case HK_CERT_RESIDENCE_PERMIT:
    snprintf(c.id, sizeof c.id, "0133040220261234567X");
    snprintf(c.issuer, sizeof c.issuer, "330402");
    snprintf(c.name, sizeof c.name, "欧阳晓峰");
    holder(&c, "41272619910317157");
    c.valid_until = ISSUED + 365LL * 86400;
    add(&c, "permit", "330402202600417");
    add(&c, "sex", "男");
    add(&c, "birth", "1991-03-17");
    add(&c, "addr", "浙江省嘉兴市南湖区东栅街道凌公塘路1288号融创望府3幢2单元1502室");
    add(&c, "endorsed", "2026");
    break;
  case HK_CERT_HUKOU_PROOF:
    snprintf(c.id, sizeof c.id, "02330106202612345685");
    snprintf(c.issuer, sizeof c.issuer, "330106");
    snprintf(c.name, sizeof c.name, "林雨桐");
    holder(&c, "33010619880625042");
    c.valid_until = ISSUED + 90LL * 86400;
    add(&c, "sex", "女");
    add(&c, "birth", "1988-06-25");
    add(&c, "household", "330106000123456");
    add(&c, "relation", "户主");
    add(&c, "hukou_addr", "浙江省杭州市西湖区 文新街道学院路77号3幢401室");
    add(&c, "since", "2012-09-01");
    add(&c, "as_of", "2026-12-02");
    break;
  case HK_CERT_RESIDENCE_RECEIPT:
    snprintf(c.id, sizeof c.id, "03330402202612345693");
    snprintf(c.issuer, sizeof c.issuer, "330402");
    snprintf(c.name, sizeof c.name, "张伟");
    holder(&c, "36073119990105311");
    add(&c, "addr", "浙江省嘉兴市南湖区新兴街道中环南路456号");
    add(&c, "county", "浙江省嘉兴市南湖区");
    add(&c, "declared", "2026-11-28");
    add(&c, "since", "2026-11-20");
    break;
  default:
    snprintf(c.id, sizeof c.id, "04330782202612345701");
    snprintf(c.issuer, sizeof c.issuer, "330782");
    snprintf(c.name, sizeof c.name, "阿丽亚·吐尔逊");
    holder(&c, "65010219950812088");
    c.valid_until = ISSUED + 180LL * 86400;
    add(&c, "app", "33817");
    add(&c, "pathway", "人才引进");
    add(&c, "from", "新疆维吾尔自治区乌鲁木齐市天山区");
    add(&c, "to", "浙江省金华市义乌市 稠城街道工人北路18号");
    add(&c, "approved", "2026-12-02");
    break;
  }
  return c;
}

int main(int argc, char **argv)
{
  int n = argc > 1 ? atoi(argv[1]) : 100;
  if (n <= 0)
    n = 100;
  char dir[] = "/tmp/bench_cert_XXXXXX", keys[64];
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  snprintf(keys, sizeof keys, "%s/keys", dir);
  hk_error err = {0};
  hk_cert_keyring *ring;
  if (hk_cert_keys_init(keys, NULL, &err) != HK_OK ||
      hk_cert_keyring_open(keys, true, &ring, &err) != HK_OK)
    die("keys", &err);

  hk_cert_claims claims[HK_CERT_TYPE_COUNT];
  char *qr[HK_CERT_TYPE_COUNT];
  for (int t = 0; t < HK_CERT_TYPE_COUNT; t++) {
    claims[t] = claims_of((hk_cert_type)t);
    if (hk_cert_sign(ring, &claims[t], &qr[t], &err) != HK_OK)
      die("sign", &err);
    int version, modules;
    if (hk_cert_qr_measure(qr[t], &version, &modules, &err) != HK_OK)
      die("measure", &err);
    printf("bench_cert qr type=%s fields=%zu chars=%zu version=%d modules=%d\n",
           hk_cert_type_name((hk_cert_type)t), claims[t].nfields, strlen(qr[t]), version, modules);
  }

  /* The first page loads the fonts (fontconfig, the Noto CJK collections): timed apart. */
  unsigned char *pdf;
  size_t len, bytes = 0;
  double t0 = now();
  if (hk_cert_pdf_render(&claims[0], qr[0], &pdf, &len, &err) != HK_OK)
    die("render", &err);
  free(pdf);
  printf("bench_cert first_page seconds=%.3f\n", now() - t0);

  /* CPU time beside wall time: on a shared machine the wall clock counts the others' work. */
  t0 = now();
  clock_t c0 = clock();
  for (int i = 0; i < n; i++) {
    int t = i % HK_CERT_TYPE_COUNT;
    if (hk_cert_pdf_render(&claims[t], qr[t], &pdf, &len, &err) != HK_OK)
      die("render", &err);
    bytes += len;
    free(pdf);
  }
  double s = now() - t0, cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
  printf("bench_cert pdf pages=%d seconds=%.3f pages_per_second=%.1f ms_per_page=%.2f "
         "cpu_ms_per_page=%.2f mean_bytes=%zu\n",
         n, s, n / s, 1000 * s / n, 1000 * cpu / n, bytes / (size_t)n);

  int svgs = n * 10;
  t0 = now();
  for (int i = 0; i < svgs; i++) {
    char *svg;
    if (hk_cert_qr_svg(qr[i % HK_CERT_TYPE_COUNT], &svg, &err) != HK_OK)
      die("svg", &err);
    free(svg);
  }
  s = now() - t0;
  printf("bench_cert svg codes=%d seconds=%.3f per_second=%.0f\n", svgs, s, svgs / s);

  for (int t = 0; t < HK_CERT_TYPE_COUNT; t++)
    free(qr[t]);
  hk_cert_keyring_free(ring);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "bench_cert: could not remove %s\n", dir);
  hk_cert_pdf_shutdown();
  return 0;
}
