/* The certificate on paper: one A4 page, drawn with cairo's PDF surface and pango in Noto CJK.
 *
 * From top to bottom: a double border, the registry's name, the certificate type (Chinese large,
 * English small), a table of what the certificate says (identifier, subject, its fields, issuer,
 * dates), and at the foot the QR code of the signed text with the line telling a verifier what
 * to do with it. Every label is Chinese first, English below it (clauses (三), (九)). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "cert/pdf.h"
#include "cert/qr_int.h"
#include "core/date.h"
#include "core/division.h"
#include "core/idnum.h"

/* A4 in PostScript points. */
#define PAGE_W 595.0
#define PAGE_H 842.0
/* The text column, inside the border. */
#define COL_X0 72.0
#define COL_X1 523.0
#define LABEL_W 150.0
#define TABLE_TOP 196.0
/* The QR code: its foot, the size it is drawn at when the page has room, and the smallest
 * module a phone camera reads reliably off paper (0.5 mm). */
#define QR_FOOT 742.0
#define QR_TARGET_SIDE 200.0
#define QR_MIN_MODULE (0.5 * 72.0 / 25.4)

/* Three faces of Debian's fonts-noto-cjk. Each face costs its own subset in every file (about
 * 55 KB) and a read of its CFF table when the file is finished, so the page keeps to three:
 * the serif for the heading, the sans for the rest, bold for the labels. */
#define SANS "Noto Sans CJK SC"
#define SANS_BOLD "Noto Sans CJK SC Bold"
#define SERIF_BOLD "Noto Serif CJK SC Bold"

#define REGISTRY_ZH "浙江省户籍管理信息系统"
#define REGISTRY_EN "Zhejiang household registration system"
#define VERIFY_ZH "扫描二维码或访问 /verify 核验；本证明由系统电子签名，无需盖章"
#define VERIFY_EN                                                                                  \
  "Scan the code or open /verify to check it; signed electronically by the issuing system"

/* ---- checking the claims --------------------------------------------------------------------
 * The claims come from the service layer or a decoded QR text; a field that is not a
 * terminated UTF-8 string is refused by name rather than drawn as garbage. */

static bool text_ok(const char *s, size_t size)
{
  const char *end = memchr(s, '\0', size);
  return end && g_utf8_validate(s, end - s, NULL);
}

/* 0001-01-01 .. 9999-12-31 in Unix seconds: what a date on paper can show. */
static bool time_ok(int64_t t)
{
  return t >= -62135596800LL && t <= 253402300799LL;
}

static hk_status check_claims(const hk_cert_claims *c, int32_t *issuer, hk_error *err)
{
  if (!c)
    return hk_error_set(err, HK_EINVAL, "claims", "missing");
  if ((unsigned)c->type >= HK_CERT_TYPE_COUNT)
    return hk_error_set(err, HK_EINVAL, "claims.type", "unknown certificate type %d", (int)c->type);
  if (!text_ok(c->id, sizeof c->id) || !c->id[0])
    return hk_error_set(err, HK_EINVAL, "claims.id", "empty or not UTF-8");
  if (!text_ok(c->name, sizeof c->name) || !c->name[0])
    return hk_error_set(err, HK_EINVAL, "claims.name", "empty or not UTF-8");
  if (!text_ok(c->id_masked, sizeof c->id_masked))
    return hk_error_set(err, HK_EINVAL, "claims.id_masked", "not a terminated string");
  if (!text_ok(c->issuer, sizeof c->issuer) || !hk_division_parse(c->issuer, issuer))
    return hk_error_set(err, HK_EINVAL, "claims.issuer", "not a six-digit division code");
  if (!time_ok(c->issued_at))
    return hk_error_set(err, HK_EINVAL, "claims.issued_at", "out of range");
  if (!time_ok(c->valid_from))
    return hk_error_set(err, HK_EINVAL, "claims.valid_from", "out of range");
  if (c->valid_until != 0 && (!time_ok(c->valid_until) || c->valid_until < c->valid_from))
    return hk_error_set(err, HK_EINVAL, "claims.valid_until", "out of range or before valid_from");
  if (c->nfields > HK_CERT_FIELDS_MAX)
    return hk_error_set(err, HK_EINVAL, "claims.fields", "more than %d fields", HK_CERT_FIELDS_MAX);
  for (size_t i = 0; i < c->nfields; i++) {
    const hk_cert_field *f = &c->fields[i];
    if (!text_ok(f->key, sizeof f->key) || !f->key[0])
      return hk_error_set(err, HK_EINVAL, "claims.fields", "field %zu: key empty or not UTF-8", i);
    if (!text_ok(f->value, sizeof f->value))
      return hk_error_set(err, HK_EINVAL, "claims.fields", "field \"%s\": value not UTF-8", f->key);
  }
  return HK_OK;
}

/* ---- what the table says ---- */

typedef struct row {
  const char *zh; /* label */
  const char *en; /* NULL for a key the catalogue does not know: zh is the key itself */
  char value[320];
} row;

#define ROWS_MAX (HK_CERT_FIELDS_MAX + 6)

/* A day on paper is the day in China (UTC+8), whatever the server's zone. */
static void format_day(int64_t t, char out[11])
{
  int64_t local = t + 8LL * 3600;
  int64_t days = local / 86400 - (local % 86400 < 0);
  hk_date_format((hk_date)days, out);
}

/* 浙江省嘉兴市南湖区: the county's name preceded by its city's and province's. The "市辖区" and
 * "直辖县级行政区划" groups of the tables are administrative groupings, not names on paper. */
static void issuer_name(int32_t code, char *out, size_t size)
{
  const hk_division *chain[3];
  int n = 0;
  for (const hk_division *d = hk_division_find(code); d && n < 3; d = hk_division_find(d->parent)) {
    chain[n++] = d;
    if (!d->parent)
      break;
  }
  out[0] = '\0';
  size_t len = 0;
  for (int i = n - 1; i >= 0; i--) {
    const char *name = chain[i]->name;
    if (i > 0 && (strcmp(name, "市辖区") == 0 || strstr(name, "直辖县级行政区划")))
      continue;
    len += (size_t)snprintf(out + len, len < size ? size - len : 0, "%s", name);
  }
  size_t used = len < size ? len : size - 1;
  snprintf(out + used, size - used, used ? "（%06d）" : "%06d", (int)code);
}

/* "长期 / no expiry" when valid_until is 0: the permit-style open validity. */
static void validity_text(const hk_cert_claims *c, char *out, size_t size)
{
  char from[11], until[11];
  format_day(c->valid_from, from);
  if (c->valid_until == 0) {
    snprintf(out, size, "%s 起，长期 / from %s, no expiry", from, from);
    return;
  }
  format_day(c->valid_until, until);
  snprintf(out, size, "%s 至 / to %s", from, until);
}

static size_t build_rows(const hk_cert_claims *c, int32_t issuer, row *rows)
{
  size_t n = 0;
  rows[n] = (row){"证照编号", "Certificate No.", ""};
  snprintf(rows[n++].value, sizeof rows[0].value, "%s", c->id);
  rows[n] = (row){"姓名", "Name", ""};
  snprintf(rows[n++].value, sizeof rows[0].value, "%s", c->name);
  /* The masked number only. Should a caller ever pass the full number in id_masked, it is
   * masked here: a full ID number never reaches paper (clause on privacy, core/idnum.h). */
  rows[n] = (row){"公民身份号码", "ID number", ""};
  if (hk_idnum_valid18(c->id_masked))
    hk_idnum_mask(c->id_masked, rows[n].value);
  else
    snprintf(rows[n].value, sizeof rows[0].value, "%s", c->id_masked);
  n++;
  for (size_t i = 0; i < c->nfields; i++) {
    const hk_cert_field *f = &c->fields[i];
    const char *zh = hk_cert_field_zh(f->key);
    rows[n] = (row){zh ? zh : f->key, zh ? hk_cert_field_en(f->key) : NULL, ""};
    snprintf(rows[n++].value, sizeof rows[0].value, "%s", f->value);
  }
  rows[n] = (row){"签发机关", "Issued by", ""};
  issuer_name(issuer, rows[n++].value, sizeof rows[0].value);
  rows[n] = (row){"签发日期", "Date of issue", ""};
  format_day(c->issued_at, rows[n++].value);
  rows[n] = (row){"有效期限", "Valid", ""};
  validity_text(c, rows[n++].value, sizeof rows[0].value);
  return n;
}

/* ---- drawing ---- */

typedef struct page {
  cairo_t *cr;
  PangoContext *pc;
} page;

static PangoLayout *new_layout(page *pg, const char *face, double size, double width)
{
  PangoLayout *l = pango_layout_new(pg->pc);
  PangoFontDescription *fd = pango_font_description_from_string(face);
  pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
  pango_layout_set_font_description(l, fd);
  pango_font_description_free(fd);
  pango_layout_set_width(l, (int)(width * PANGO_SCALE));
  pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  return l;
}

/* Draw the layout with its top-left corner at (x, y) when draw is set; its height in points,
 * so that the same code measures the page before drawing it. Frees the layout. */
static double place(page *pg, PangoLayout *l, double x, double y, double gray, bool draw)
{
  int w, h;
  pango_layout_get_size(l, &w, &h);
  if (draw) {
    cairo_set_source_rgb(pg->cr, gray, gray, gray);
    cairo_move_to(pg->cr, x, y);
    pango_cairo_show_layout(pg->cr, l);
  }
  g_object_unref(l);
  return h / (double)PANGO_SCALE;
}

/* Text in a face at size points, wrapped to width. */
static double text_block(page *pg, const char *face, double size, const char *text, double x,
                         double y, double width, PangoAlignment align, double gray, bool draw)
{
  PangoLayout *l = new_layout(pg, face, size, width);
  pango_layout_set_alignment(l, align);
  pango_layout_set_text(l, text, -1);
  return place(pg, l, x, y, gray, draw);
}

/* A label: the Chinese in bold, the English after it on the same line, small and gray (it
 * wraps below when long), so that a row is one line high. */
static double label_block(page *pg, const char *zh, const char *en, double x, double y,
                          double width, double k, bool draw)
{
  PangoLayout *l = new_layout(pg, SANS_BOLD, 10.5 * k, width);
  char text[160];
  int zh_len = snprintf(text, sizeof text, "%s", zh);
  if (en && zh_len < (int)sizeof text) {
    snprintf(text + zh_len, sizeof text - (size_t)zh_len, "\u2002%s", en);
    PangoAttrList *attrs = pango_attr_list_new();
    PangoAttribute *a[3] = {pango_attr_weight_new(PANGO_WEIGHT_NORMAL),
                            pango_attr_size_new_absolute((int)(7.5 * k * PANGO_SCALE)),
                            pango_attr_foreground_new(0x6000, 0x6000, 0x6000)};
    for (int i = 0; i < 3; i++) {
      a[i]->start_index = (guint)zh_len;
      a[i]->end_index = G_MAXUINT;
      pango_attr_list_insert(attrs, a[i]);
    }
    pango_layout_set_attributes(l, attrs);
    pango_attr_list_unref(attrs);
  }
  pango_layout_set_text(l, text, -1);
  return place(pg, l, x, y, 0.1, draw);
}

static void rule(cairo_t *cr, double y, double width, double gray)
{
  cairo_set_source_rgb(cr, gray, gray, gray);
  cairo_set_line_width(cr, width);
  cairo_move_to(cr, COL_X0, y);
  cairo_line_to(cr, COL_X1, y);
  cairo_stroke(cr);
}

/* The table at y with body text scaled by k; returns its height. */
static double table(page *pg, const row *rows, size_t n, double y, double k, bool draw)
{
  const double pad = 4.5 * k, vx = COL_X0 + LABEL_W, vw = COL_X1 - vx;
  double top = y;
  for (size_t i = 0; i < n; i++) {
    double lh = label_block(pg, rows[i].zh, rows[i].en, COL_X0, y + pad, LABEL_W - 8, k, draw);
    double vh =
        text_block(pg, SANS, 11.0 * k, rows[i].value, vx, y + pad, vw, PANGO_ALIGN_LEFT, 0.0, draw);
    y += (lh > vh ? lh : vh) + 2 * pad;
    if (draw)
      rule(pg->cr, y, 0.4, 0.75);
  }
  return y - top;
}

static void border(cairo_t *cr)
{
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 1.6);
  cairo_rectangle(cr, 28, 28, PAGE_W - 56, PAGE_H - 56);
  cairo_stroke(cr);
  cairo_set_line_width(cr, 0.5);
  cairo_rectangle(cr, 33, 33, PAGE_W - 66, PAGE_H - 66);
  cairo_stroke(cr);
}

static void heading(page *pg, const hk_cert_claims *c)
{
  const double w = COL_X1 - COL_X0;
  double y = 52;
  y += text_block(pg, SERIF_BOLD, 13, REGISTRY_ZH, COL_X0, y, w, PANGO_ALIGN_CENTER, 0.15, true);
  text_block(pg, SANS, 8.5, REGISTRY_EN, COL_X0, y, w, PANGO_ALIGN_CENTER, 0.4, true);
  y = 100;
  y += text_block(pg, SERIF_BOLD, 30, hk_cert_type_zh(c->type), COL_X0, y, w, PANGO_ALIGN_CENTER,
                  0.0, true);
  text_block(pg, SANS, 12.5, hk_cert_type_en(c->type), COL_X0, y, w, PANGO_ALIGN_CENTER, 0.25,
             true);
  rule(pg->cr, TABLE_TOP - 8, 1.2, 0.0);
}

/* The dark modules as one path of horizontal runs filled at once: neighbouring squares merge
 * into one shape, so no hairline seams appear when a viewer or printer rasterises the page. */
static void qr_draw(cairo_t *cr, const QRcode *q, double x, double y, double module)
{
  cairo_set_source_rgb(cr, 1, 1, 1);
  double side = (q->width + 2 * HK_QR_QUIET) * module;
  cairo_rectangle(cr, x, y, side, side);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int r = 0; r < q->width; r++)
    for (int col = 0; col < q->width;) {
      if (!hk_qr_dark(q, col, r)) {
        col++;
        continue;
      }
      int run = 1;
      while (col + run < q->width && hk_qr_dark(q, col + run, r))
        run++;
      cairo_rectangle(cr, x + (col + HK_QR_QUIET) * module, y + (r + HK_QR_QUIET) * module,
                      run * module, module);
      col += run;
    }
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
  cairo_fill(cr);
}

static void footer(page *pg)
{
  const double w = COL_X1 - COL_X0;
  double y = QR_FOOT + 10;
  y += text_block(pg, SANS, 9.5, VERIFY_ZH, COL_X0, y, w, PANGO_ALIGN_CENTER, 0.1, true);
  text_block(pg, SANS, 8, VERIFY_EN, COL_X0, y, w, PANGO_ALIGN_CENTER, 0.35, true);
}

/* ---- the PDF in memory ---- */

typedef struct membuf {
  unsigned char *p;
  size_t n, cap;
} membuf;

static cairo_status_t membuf_write(void *closure, const unsigned char *data, unsigned int length)
{
  membuf *b = closure;
  if (b->n + length > b->cap) {
    size_t cap = b->cap ? b->cap : (size_t)64 * 1024;
    while (cap < b->n + length)
      cap *= 2;
    unsigned char *p = realloc(b->p, cap);
    if (!p)
      return CAIRO_STATUS_WRITE_ERROR;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, data, length);
  b->n += length;
  return CAIRO_STATUS_SUCCESS;
}

/* The body text scale and the QR module size that fit the table above the code. Text at full
 * size matters more than a large code, so the code gives way first (to 0.8 mm a module), then
 * both, down to 70 % text and the smallest module a phone reads off paper (0.5 mm). */
static bool fit(page *pg, const row *rows, size_t n, int qr_width, double *k, double *module)
{
  static const struct {
    double scale, module_mm;
  } steps[] = {{1.0, 99}, {1.0, 0.8}, {0.9, 0.8}, {0.9, 0.6}, {0.8, 0.6}, {0.8, 0.5}, {0.7, 0.5}};
  const double modules = qr_width + 2 * HK_QR_QUIET;
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    double m = QR_TARGET_SIDE / modules, cap = steps[i].module_mm * 72.0 / 25.4;
    if (m > cap)
      m = cap;
    if (m < QR_MIN_MODULE)
      m = QR_MIN_MODULE;
    double h = table(pg, rows, n, TABLE_TOP, steps[i].scale, false);
    if (TABLE_TOP + h + 12 <= QR_FOOT - modules * m) {
      *k = steps[i].scale;
      *module = m;
      return true;
    }
  }
  return false;
}

static void set_metadata(cairo_surface_t *s, const hk_cert_claims *c)
{
  char title[256], date[32];
  snprintf(title, sizeof title, "%s %s", hk_cert_type_zh(c->type), c->id);
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, REGISTRY_ZH);
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "hukou");
  /* The issue day rather than the rendering time: the same certificate gives the same file. */
  char day[11];
  format_day(c->issued_at, day);
  snprintf(date, sizeof date, "%sT00:00:00+08:00", day);
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
}

hk_status hk_cert_pdf_render(const hk_cert_claims *c, const char *qr_text, unsigned char **pdf,
                             size_t *len, hk_error *err)
{
  *pdf = NULL;
  *len = 0;
  int32_t issuer = 0;
  hk_status st = check_claims(c, &issuer, err);
  if (st != HK_OK)
    return st;
  QRcode *q;
  if ((st = hk_qr_encode(qr_text, &q, err)) != HK_OK)
    return st;
  row *rows = malloc(ROWS_MAX * sizeof *rows);
  if (!rows) {
    QRcode_free(q);
    return hk_error_set(err, HK_ENOMEM, "pdf", "out of memory");
  }
  size_t nrows = build_rows(c, issuer, rows);

  membuf buf = {0};
  cairo_surface_t *surface =
      cairo_pdf_surface_create_for_stream(membuf_write, &buf, PAGE_W, PAGE_H);
  set_metadata(surface, c);
  cairo_t *cr = cairo_create(surface);
  page pg = {cr, pango_cairo_create_context(cr)};
  /* Layout independent of any screen: no hinting of metrics on a vector page. */
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(pg.pc, fo);
  cairo_font_options_destroy(fo);

  double k, module;
  if (!fit(&pg, rows, nrows, q->width, &k, &module)) {
    st = hk_error_set(err, HK_EINVAL, "claims.fields", "too much text for one A4 page");
  } else {
    border(cr);
    heading(&pg, c);
    table(&pg, rows, nrows, TABLE_TOP, k, true);
    double side = (q->width + 2 * HK_QR_QUIET) * module;
    qr_draw(cr, q, (PAGE_W - side) / 2, QR_FOOT - side, module);
    footer(&pg);
    cairo_show_page(cr);
  }
  g_object_unref(pg.pc);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_status_t cs = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  QRcode_free(q);
  free(rows);
  if (st == HK_OK && cs != CAIRO_STATUS_SUCCESS)
    st = cs == CAIRO_STATUS_NO_MEMORY || cs == CAIRO_STATUS_WRITE_ERROR
             ? hk_error_set(err, HK_ENOMEM, "pdf", "out of memory")
             : hk_error_set(err, HK_EINTERNAL, "pdf", "cairo: %s", cairo_status_to_string(cs));
  if (st != HK_OK) {
    free(buf.p);
    return st;
  }
  *pdf = buf.p;
  *len = buf.n;
  return HK_OK;
}

/* LeakSanitizer reads this hook in the ASan builds (HK_SANITIZE) of every binary that draws a
 * page. Debian 12's cairo 1.16.0 loses about 3.8 KB a page inside cairo_surface_finish (font
 * subsetting, five 768-byte buffers), and fontconfig keeps its configuration for the process;
 * neither is ours to free. Only those two libraries are excused: a leak in our code still fails
 * the tests. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
  return "leak:libcairo.so\nleak:libfontconfig.so\n";
}

void hk_cert_pdf_shutdown(void)
{
  pango_cairo_font_map_set_default(NULL);
  cairo_debug_reset_static_data();
}

hk_status hk_cert_pdf_write(const hk_cert_claims *c, const char *qr_text, const char *path,
                            hk_error *err)
{
  unsigned char *pdf;
  size_t len;
  hk_status st = hk_cert_pdf_render(c, qr_text, &pdf, &len, err);
  if (st != HK_OK)
    return st;
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    free(pdf);
    return hk_error_set(err, HK_EIO, "path", "%s: %s", path, strerror(errno));
  }
  size_t done = 0;
  while (done < len) {
    ssize_t w = write(fd, pdf + done, len - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      break;
    done += (size_t)w;
  }
  int saved = errno;
  free(pdf);
  if (close(fd) != 0 || done < len) {
    unlink(path);
    return hk_error_set(err, HK_EIO, "path", "%s: %s", path, strerror(done < len ? saved : errno));
  }
  return HK_OK;
}
