#ifndef HK_SERVICE_MATERIAL_H
#define HK_SERVICE_MATERIAL_H

/* Materials (issue 10): the files a resident or an officer attaches to an application (a lease,
 * a labour contract, a degree, a birth medical certificate), for its submission or for the
 * supply_material step an officer asked for (八: the whole process digital).
 *
 * - The type is read from the bytes (libmagic), never from the name or the declared
 *   Content-Type: PDF, JPEG and PNG are taken, anything else is HK_EMEDIA (415) naming what it is.
 * - At most max_bytes each (413) and per_application per application (413), configurable.
 * - The name is the original file name, sanitised (hk_material_name).
 * - Content is stored once per SHA-256 (store_material.h); the same bytes attached to the same
 *   application again give back the material already there (idempotent retries).
 * - Only those who may read the application (hk_app_show's rule: the applicant, officers of the
 *   deciding or the filing county) attach, list or read, and only while it is open for
 *   attaching; for anyone else the application does not exist (HK_ENOTFOUND).
 * Each attachment appends "material.attach" (no name: a file name may hold an ID number). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/error.h"
#include "core/idnum.h"
#include "service/actor.h"
#include "store/store.h"
#include "store/store_material.h"

#define HK_MATERIAL_MAX_BYTES_DEFAULT ((size_t)10 << 20) /* 10 MiB a file */
#define HK_MATERIAL_PER_APP_DEFAULT 20                   /* files per application */
#define HK_MATERIAL_NAME_IN_MAX 240 /* bytes of a file name as given (before an extension) */

typedef struct hk_material_config {
  size_t max_bytes;    /* 0: HK_MATERIAL_MAX_BYTES_DEFAULT */
  int per_application; /* 0: HK_MATERIAL_PER_APP_DEFAULT */
} hk_material_config;

size_t hk_material_max_bytes(const hk_material_config *cfg);
int hk_material_per_application(const hk_material_config *cfg);

/* The media type of the content, when it is one we take ("application/pdf", "image/jpeg",
 * "image/png"): otherwise HK_EMEDIA naming field and what the content is. Empty content is
 * HK_EINVAL. */
hk_status hk_material_detect(const void *data, size_t size, const char *field,
                             const char **media_type, hk_error *err);

/* The stored form of a file name: UTF-8 checked (HK_EINVAL naming field otherwise), at most
 * HK_MATERIAL_NAME_IN_MAX bytes (HK_EINVAL), the last path component only, control and bidi
 * characters dropped, characters that mean something to shells or file systems (\ / : * ? " <
 * > |) replaced by '_', leading and trailing dots and spaces trimmed; "material" when nothing
 * is left; and the type's extension appended when the name does not end in one of its
 * extensions (a PNG named lease.pdf is stored as lease.pdf.png). name may be NULL. */
hk_status hk_material_name(const char *name, size_t len, const char *media_type, const char *field,
                           char out[HK_MATERIAL_NAME_MAX + 1], hk_error *err);

typedef struct hk_material_upload {
  const void *data;
  size_t size;
  const char *name; /* the original file name (UTF-8), or NULL */
  size_t name_len;
  const char *name_field; /* how errors name it ("X-Filename"); NULL: "name" */
  const char *data_field; /* how errors name the content ("FILE"); NULL: "body" */
  const char *step;       /* "submit" or an action's name; NULL: "supply_material" while material is
                             requested, "submit" otherwise */
} hk_material_upload;

/* What every upload goes through before it is stored, wherever it is attached: the size limit
 * (HK_ETOOBIG naming up->data_field), the type by content, the sanitised name and the SHA-256. */
hk_status hk_material_prepare(const hk_material_config *cfg, const hk_material_upload *up,
                              const char **media_type, char name[HK_MATERIAL_NAME_MAX + 1],
                              uint8_t sha256[HK_HASH_LEN], hk_error *err);

/* Attach a file to application app_id. *out is the material (hk_material_json); *created false
 * when the same content was attached to this application already (that one is returned).
 * applicant (when not NULL) receives the applicant's ID number, for the access log. */
hk_status hk_material_attach(hk_store *st, const hk_material_config *cfg, const hk_actor *who,
                             int64_t app_id, const hk_material_upload *up, json_t **out,
                             bool *created, char applicant[HK_IDNUM_LEN + 1], hk_error *err);

/* The application's materials, in the order they came. */
hk_status hk_material_list(hk_store *st, const hk_actor *who, int64_t app_id, json_t **out,
                           char applicant[HK_IDNUM_LEN + 1], hk_error *err);

/* One material's metadata and content (*data malloc'd). */
hk_status hk_material_read(hk_store *st, const hk_actor *who, int64_t app_id, int64_t material_id,
                           hk_material_row *row, uint8_t **data, size_t *size,
                           char applicant[HK_IDNUM_LEN + 1], hk_error *err);

/* For the supply_material step (app_service.c), inside its transaction with the application
 * locked: each id must be a material of app_id that no step took yet (HK_EINVAL / HK_ECONFLICT
 * naming "materials[i]"); each is marked as taken by step number step_index, and *list
 * receives their summaries for the step. */
hk_status hk_material_take(hk_store *st, int64_t app_id, const int64_t *ids, size_t n,
                           int step_index, json_t **list, hk_error *err);

/* {id, application, sha256, size, media_type, name, uploaded_by, uploaded_at, step, step_index}. */
json_t *hk_material_json(const hk_material_row *row);

/* Materials behind a fact entry (issue 10, material_fact.c): the lease, labour contract or
 * degree certificate that backs a declaration, for the officer who verifies it. The same type
 * and size checks, names and content store as an application's; at most per_application files
 * an entry. The material row names the person and the entry ("housing/12" in its fact column).
 * Who may: whoever may read the person's facts (hk_facts_list's rule: the resident themself,
 * officers and supervisors of the person's jurisdiction); a resident attaches only to their own
 * declared entries, and only while the entry is in force (a verified or corrected entry is a
 * new one). Anyone else finds no such person or entry (HK_ENOTFOUND). Each attachment appends
 * "material.attach" with subject "fact/ENTRY" and the number masked. */
hk_status hk_material_fact_attach(hk_store *st, const hk_material_config *cfg, const hk_actor *who,
                                  const char *id_number, int64_t entry,
                                  const hk_material_upload *up, json_t **out, bool *created,
                                  hk_error *err);
/* The entry's materials, in the order they came (entry 0: every fact entry's of the person). */
hk_status hk_material_fact_list(hk_store *st, const hk_actor *who, const char *id_number,
                                int64_t entry, json_t **out, hk_error *err);
/* One of the entry's materials, metadata and content (*data malloc'd). */
hk_status hk_material_fact_read(hk_store *st, const hk_actor *who, const char *id_number,
                                int64_t entry, int64_t material_id, hk_material_row *row,
                                uint8_t **data, size_t *size, hk_error *err);

#endif
