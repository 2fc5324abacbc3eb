#ifndef HK_CERT_QR_INT_H
#define HK_CERT_QR_INT_H

/* Inside src/cert: the one place a certificate's text becomes a QR symbol, shared by the PDF
 * page, the SVG and the size measurement so that all three draw the same code. */

#include <qrencode.h>

#include "core/error.h"

/* Quiet zone around the symbol, in modules (ISO/IEC 18004 asks for 4). */
#define HK_QR_QUIET 4

/* Encode qr_text at error-correction level M: one alphanumeric segment when every character is
 * in the QR alphanumeric set (base45 is, by design, RFC 9285 §4), byte mode otherwise.
 * HK_EINVAL naming "qr" when it is empty or too long for version 40. Free with QRcode_free. */
hk_status hk_qr_encode(const char *qr_text, QRcode **out, hk_error *err);

/* Is module (x, y) of the symbol dark? (libqrencode keeps other flags in the upper bits.) */
static inline int hk_qr_dark(const QRcode *q, int x, int y)
{
  return q->data[y * q->width + x] & 1;
}

#endif
