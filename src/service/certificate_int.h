#ifndef HK_SERVICE_CERTIFICATE_INT_H
#define HK_SERVICE_CERTIFICATE_INT_H

/* Private to the certificate service (certificate.c, certificate_claims.c): the identifier,
 * the claims of each type built from a person's records, and the claims kept as JSON. */

#include <stdint.h>

#include <jansson.h>

#include "cert/cert.h"
#include "core/date.h"
#include "core/error.h"
#include "core/person.h"
#include "store/store.h"

/* Terms of the certificates that have one of their own (docs/certificates.md): */
/* 户籍证明: a statement of the hukou on one day. Ours: receiving offices commonly accept such a
 * proof for three months, and a move revokes it earlier anyway. */
#define HK_CERT_HUKOU_PROOF_DAYS 90
/* 准予迁入证明: research/policy-facts.md gives no figure for the term; ours is 40 days, about
 * the settlement deadline (30 days, app_service.h) with time to travel. */
#define HK_CERT_SETTLEMENT_DAYS 40

/* The GB/T 36902-shaped identifier: 2-digit type code, 6-digit issuing county, 4-digit year,
 * the serial (the status-list index, 7 digits or more), one ISO 7064 MOD 11-2 character. */
void cert__identifier(hk_cert_type type, int32_t issuer, int year, int64_t index,
                      char out[HK_CERT_ID_MAX + 1]);

/* Unix seconds of 00:00 Beijing time (UTC+8) on day d. */
int64_t cert__day_start(hk_date d);

/* Fill the type's claims from *p on `today` (the common part, the holder binding, the fields
 * and valid_until); `source` is the permit number or the application id. HK_ECONFLICT naming
 * what is missing when the person has nothing the certificate could state. */
hk_status cert__claims_build(hk_store *st, hk_cert_type type, const hk_person *p, int32_t issuer,
                             const char *source, hk_date today, int64_t index, hk_cert_claims *out,
                             hk_error *err);

/* The claims as canonical JSON (sorted keys, compact; caller frees) and back. */
char *cert__claims_dump(const hk_cert_claims *c);
hk_status cert__claims_load(const char *text, hk_cert_claims *out, hk_error *err);

/* "2026-01-01T16:00:00Z"; null for 0 when nullable. */
json_t *cert__time_json(int64_t t, int nullable);

#endif
