#ifndef HK_CERT_PDF_H
#define HK_CERT_PDF_H

/* A certificate on paper: one A4 page drawn with cairo and pango in Noto CJK, the QR code of its
 * signed text (libqrencode) and a human-readable summary of what the QR carries, so that a
 * counter without a scanner can still read it and one with a scanner can verify it. */

#include <stddef.h>

#include "cert/cert.h"
#include "core/error.h"

/* Render the page into memory (caller frees *pdf). HK_EINVAL when qr_text cannot be encoded. */
hk_status hk_cert_pdf_render(const hk_cert_claims *c, const char *qr_text, unsigned char **pdf,
                             size_t *len, hk_error *err);
/* The same, written to path (created 0600 under the CLI's umask). */
hk_status hk_cert_pdf_write(const hk_cert_claims *c, const char *qr_text, const char *path,
                            hk_error *err);

/* Release the font caches of fontconfig, cairo and pango that the first page filled (they live
 * for the process otherwise). Call once at exit, after the last page, so that a leak checker
 * (the ASan builds) sees only real leaks; nothing may be rendered afterwards. */
void hk_cert_pdf_shutdown(void);

/* The QR symbol the PDF draws for qr_text: its version and modules per side (docs measure
 * each certificate's size); HK_EINVAL when it does not fit a QR code. */
hk_status hk_cert_qr_measure(const char *qr_text, int *version, int *modules, hk_error *err);

/* The same symbol as an SVG document for a screen (the portal shows it on a phone): a viewBox
 * in modules with the 4-module quiet zone, a white background and one path of the dark modules,
 * shape-rendering crispEdges. Caller frees *svg. HK_EINVAL naming "qr" as above. */
hk_status hk_cert_qr_svg(const char *qr_text, char **svg, hk_error *err);

#endif
