/* hukou cert render-pdf : a certificate's PDF from its QR text, for hukou serve, which renders
 * each page in a child process of its own (src/http/pdf_child.c): Debian 12's cairo loses about
 * 3.8 KB a page (docs/certificates.md "On paper"), which a long-running server must not
 * accumulate, and a fault in the font or PDF code then ends a child, not the server. The QR text
 * (on stdin) carries everything the page prints; it is not verified here, the server read it
 * from its own registry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cert/cert.h"
#include "cert/pdf.h"
#include "cli/cli.h"
#include "core/error.h"

#define QR_TEXT_MAX 8192 /* a certificate's QR text is well under 1,000 characters */

int hk_cli_cert_render(int argc, char **argv)
{
  (void)argv;
  hk_error err = {0};
  if (argc != 1) {
    fputs("用法 / usage: hukou cert render-pdf < QRTEXT > FILE.pdf\n"
          "  供 hukou serve 使用：从标准输入读证照二维码文本，向标准输出写 PDF。\n"
          "  For hukou serve: reads a certificate's QR text on stdin, writes its PDF on stdout.\n",
          stderr);
    return HK_EXIT_USAGE;
  }
  char *text = malloc(QR_TEXT_MAX + 1);
  if (text == NULL)
    return hk_cli_fail("cert render-pdf", &err);
  size_t n = fread(text, 1, QR_TEXT_MAX + 1, stdin);
  if (n > QR_TEXT_MAX) {
    free(text);
    hk_error_set(&err, HK_ETOOBIG, "qr", "longer than %d bytes", QR_TEXT_MAX);
    return hk_cli_fail("cert render-pdf", &err);
  }
  text[n] = '\0';
  text[strcspn(text, "\r\n")] = '\0';
  hk_cert_claims *claims = calloc(1, sizeof *claims);
  unsigned char *pdf = NULL;
  size_t len = 0;
  hk_status rc = claims ? hk_cert_decode(text, claims, NULL, &err)
                        : hk_error_set(&err, HK_ENOMEM, NULL, "out of memory");
  if (rc == HK_OK)
    rc = hk_cert_pdf_render(claims, text, &pdf, &len, &err);
  free(claims);
  free(text);
  if (rc == HK_OK && fwrite(pdf, 1, len, stdout) != len)
    rc = hk_error_set(&err, HK_EIO, "stdout", "write failed");
  free(pdf);
  hk_cert_pdf_shutdown();
  if (rc == HK_OK && fflush(stdout) != 0)
    rc = hk_error_set(&err, HK_EIO, "stdout", "write failed");
  return rc == HK_OK ? HK_EXIT_OK : hk_cli_fail("cert render-pdf", &err);
}
