#ifndef HK_SERVICE_CERTIFICATE_H
#define HK_SERVICE_CERTIFICATE_H

/* Electronic certificates of the registry, clauses (三) and (九): which certificate a person
 * holds, issued from their records, withdrawn when the registry says so (docs/certificates.md).
 *
 * A certificate is recorded in the transaction of the event that gives rise to it: its
 * identifier, claims (cert/cert.h) and status-list index are fixed there, so the registry never
 * holds an event without its certificate nor the reverse, and no signing key is needed to
 * approve an application. It is signed when first asked for (hk_certificate_get): Ed25519 is
 * deterministic, the issue time is the event's, and the token is kept once signed.
 *
 *   residence_permit     recorded when a permit is issued and again at each endorsement or
 *                        recognition (the previous one revoked, reason "superseded");
 *                        suspended with the permit (endorsement overdue), revoked when it ends
 *   hukou_proof          on request: the person's hukou, household and address on that day;
 *                        revoked when the hukou moves or the person dies
 *   residence_receipt    recorded at each residence declaration or change; revoked when that
 *                        registration ends
 *   settlement_approval  recorded when a settlement application is approved; revoked if the
 *                        application is later withdrawn or refused at completion
 * Every certificate of a person is revoked (reason "died") at a death registration. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cert/cert.h"
#include "core/date.h"
#include "core/error.h"
#include "core/person.h"
#include "service/actor.h"
#include "store/store.h"

/* Record a certificate of `type` for the person inside the caller's transaction (their row
 * locked, *p as read from the store): claims from *p on `today`, a new identifier and status
 * index, the row, and a "certificate.issue" event. `source` names what gave rise to it (the
 * permit number, the application id, "request"); `issuer` is the issuing county. The
 * identifier is written to id_out when not NULL. */
hk_status hk_certificate_record_locked(hk_store *st, const hk_actor *who, hk_cert_type type,
                                       const hk_person *p, int32_t issuer, const char *source,
                                       hk_date today, char id_out[HK_CERT_ID_MAX + 1],
                                       hk_error *err);

/* Set the status of every valid or suspended certificate of the person whose type is in
 * type_mask (bit 1u << hk_cert_type) inside the caller's transaction, with a reason
 * ("superseded", "suspended", "ended", "moved", "died", ...) and one "certificate.status" event
 * per certificate. status VALID lifts a suspension (a permit endorsed late). */
hk_status hk_certificate_set_status_locked(hk_store *st, const hk_actor *who, const char *id_number,
                                           unsigned type_mask, hk_cert_status status,
                                           const char *reason, hk_error *err);

/* The same as hk_certificate_set_status_locked(type, REVOKED, "superseded") followed by
 * hk_certificate_record_locked: the holder's certificate of this type replaced by a new one
 * (a permit endorsed or recognised, a residence changed). */
hk_status hk_certificate_reissue_locked(hk_store *st, const hk_actor *who, hk_cert_type type,
                                        const hk_person *p, int32_t issuer, const char *source,
                                        hk_date today, char id_out[HK_CERT_ID_MAX + 1],
                                        hk_error *err);

/* Issue on request, one transaction: a resident for themself, an officer for a person whose
 * hukou or residence registration is in their jurisdiction (the issuer is that county).
 * hukou_proof and residence_receipt only (the others come with their events); HK_ECONFLICT
 * when the person has nothing to prove (no hukou here, no active residence registration).
 * *out: the certificate as hk_certificate_get gives it. */
hk_status hk_certificate_issue(hk_store *st, const hk_cert_keyring *kr, const hk_actor *who,
                               hk_cert_type type, const char *id_number, hk_date today,
                               json_t **out, hk_error *err);

/* Every living holder of a permit active today in `area` (a county, a city or the province)
 * who has no valid electronic permit gets one, recorded and, when kr holds a key, signed, in
 * batches of one transaction each (`hukou cert issue --all --area`). An officer or supervisor of
 * the area, or the system. progress (may be NULL) is told done/total after each batch. */
typedef void (*hk_certificate_progress)(size_t done, size_t total, void *cls);
hk_status hk_certificate_issue_permits(hk_store *st, const hk_cert_keyring *kr, const hk_actor *who,
                                       int32_t area, hk_date today,
                                       hk_certificate_progress progress, void *cls, size_t *issued,
                                       hk_error *err);

/* A person's certificates, newest first: id, type, type_zh, type_en, issuer, issued_at,
 * valid_from, valid_until, status, status_reason. The holder, or an officer whose jurisdiction
 * holds the issuer. */
hk_status hk_certificate_list(hk_store *st, const hk_actor *who, const char *id_number,
                              json_t **out, hk_error *err);

/* One certificate, signed now if it never was (kr with a private key needed then;
 * HK_EUNAVAILABLE otherwise): the list's members plus "qr" (the HKC1: text) and "fields"
 * ([{key, label_zh, label_en, value}]). *claims and *qr_text (caller frees) when not NULL, for
 * the PDF. Same access as the list; one answer (HK_ENOTFOUND) for unknown and not allowed. */
hk_status hk_certificate_get(hk_store *st, const hk_cert_keyring *kr, const hk_actor *who,
                             const char *cert_id, json_t **out, hk_cert_claims *claims,
                             char **qr_text, hk_error *err);

/* Revoke or suspend (or reinstate, VALID) one certificate: an officer whose jurisdiction holds
 * its issuer; reason required. One transaction, with its event. */
hk_status hk_certificate_set_status(hk_store *st, const hk_actor *who, const char *cert_id,
                                    hk_cert_status status, const char *reason, hk_error *err);

/* The signed status list of every certificate (index → status), valid for ttl_seconds. */
hk_status hk_certificate_status_list(hk_store *st, const hk_cert_keyring *kr, int64_t now,
                                     int64_t ttl_seconds, uint8_t **token, size_t *len,
                                     hk_error *err);

/* Verify a QR text for anyone: signature, validity, and the registry's current status. *out
 * holds only what the certificate prints: {verdict, status_checked, id, type, type_zh,
 * type_en, issuer, issued_at, valid_from, valid_until, name, id_masked} (and nothing but the
 * verdict and a reason when it does not verify). When id_number is given, "holder_matches"
 * tells whether it is the holder's. */
hk_status hk_certificate_verify(hk_store *st, const hk_cert_keyring *kr, const char *qr_text,
                                const char *id_number, int64_t now, json_t **out, hk_error *err);

#endif
