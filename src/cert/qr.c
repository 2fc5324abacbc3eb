/* The QR code of a certificate: encoding, measurement and the SVG the portal shows. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/pdf.h"
#include "cert/qr_int.h"
#include "core/text.h"

/* The 45 characters of QR alphanumeric mode (ISO/IEC 18004 §7.4.4), which are also base45's. */
static bool qr_alphanumeric(const char *s)
{
  for (; *s; s++)
    if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') || strchr(" $%*+-./:", *s)))
      return false;
  return true;
}

hk_status hk_qr_encode(const char *qr_text, QRcode **out, hk_error *err)
{
  *out = NULL;
  /* Each refusal returns its status literally (not hk_error_set's result) so that the static
   * analyser sees *out set on every HK_OK path. */
  if (!qr_text || !*qr_text) {
    hk_error_set(err, HK_EINVAL, "qr", "empty: nothing to encode");
    return HK_EINVAL;
  }
  size_t len = strlen(qr_text);
  QRcode *q = NULL;
  errno = 0;
  if (qr_alphanumeric(qr_text)) {
    /* One alphanumeric segment: 5.5 bits a character instead of 8 (a base45 text of ~450
     * characters fits version 12 instead of 15 at level M). QRcode_encodeString only accepts
     * 8-bit or Kanji as its hint, so the segment is appended by hand. */
    QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
    if (!in) {
      hk_error_set(err, HK_ENOMEM, "qr", "out of memory");
      return HK_ENOMEM;
    }
    if (QRinput_append(in, QR_MODE_AN, (int)len, (const unsigned char *)qr_text) == 0)
      q = QRcode_encodeInput(in);
    QRinput_free(in);
  } else {
    q = QRcode_encodeString(qr_text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  }
  if (!q && errno == ENOMEM) {
    hk_error_set(err, HK_ENOMEM, "qr", "out of memory");
    return HK_ENOMEM;
  }
  if (!q) {
    hk_error_set(err, HK_EINVAL, "qr", "%zu characters do not fit a QR code (version 40, level M)",
                 len);
    return HK_EINVAL;
  }
  *out = q;
  return HK_OK;
}

hk_status hk_cert_qr_measure(const char *qr_text, int *version, int *modules, hk_error *err)
{
  QRcode *q;
  hk_status s = hk_qr_encode(qr_text, &q, err);
  if (s != HK_OK)
    return s;
  if (version)
    *version = q->version;
  if (modules)
    *modules = q->width;
  QRcode_free(q);
  return HK_OK;
}

/* One path of horizontal runs of dark modules ("M x y h w v 1 h -w z"), offset by the quiet
 * zone, in a viewBox measured in modules: the browser scales it with crisp edges, so the code
 * stays sharp at any size on a phone screen. */
hk_status hk_cert_qr_svg(const char *qr_text, char **svg, hk_error *err)
{
  *svg = NULL;
  QRcode *q;
  hk_status s = hk_qr_encode(qr_text, &q, err);
  if (s != HK_OK)
    return s;
  int n = q->width, side = n + 2 * HK_QR_QUIET;
  hk_text t = {0};
  char buf[256];
  snprintf(buf, sizeof buf,
           "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
           "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR\">"
           "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
           side, side, side, side);
  hk_text_str(&t, buf);
  for (int y = 0; y < n; y++) {
    for (int x = 0; x < n;) {
      if (!hk_qr_dark(q, x, y)) {
        x++;
        continue;
      }
      int run = 1;
      while (x + run < n && hk_qr_dark(q, x + run, y))
        run++;
      snprintf(buf, sizeof buf, "M%d %dh%dv1h-%dz", x + HK_QR_QUIET, y + HK_QR_QUIET, run, run);
      hk_text_str(&t, buf);
      x += run;
    }
  }
  hk_text_str(&t, "\"/></svg>\n");
  QRcode_free(q);
  if (t.failed) {
    free(t.s);
    return hk_error_set(err, HK_ENOMEM, "qr", "out of memory");
  }
  *svg = t.s;
  return HK_OK;
}
