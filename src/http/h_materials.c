/* h_materials.c — materials attached to an application (issue 10) over HTTP:
 *   POST /api/v1/applications/{id}/materials?step=   the file as the raw body (what a browser's
 *        fetch sends with a File body), X-Filename its name percent-encoded as UTF-8
 *        (encodeURIComponent): 201 {id, sha256, size, media_type, name, ...}, or 200 with the
 *        material already there when the same content was attached to this application before
 *   GET  /api/v1/applications/{id}/materials         the list
 *   GET  /api/v1/applications/{id}/materials/{mid}   the file: Content-Disposition: attachment,
 *        Cache-Control: no-store, X-Content-Type-Options: nosniff (server.c sets it on all)
 * The type is the content's (service/material.h); the declared Content-Type is not trusted. The
 * body limit of this one route is the materials' (server.c, HK_ROUTE_UPLOAD). Lists and
 * downloads are reads of the applicant's data: each is in the access log (九). */
#include "http/http_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/label.h"
#include "core/json.h"
#include "service/material.h"

/* Those who may have an application to read (as h_applications.c): residents, officers and
 * supervisors; the service then applies hk_app_show's rule. */
static bool may_use(hk_http_req *req, hk_http_resp *resp)
{
  hk_role role = req->actor.role;
  if (role == HK_ROLE_RESIDENT || role == HK_ROLE_OFFICER || role == HK_ROLE_SUPERVISOR)
    return true;
  hk_error err = {0};
  hk_error_set(&err, HK_EFORBIDDEN, "role", "%s accounts have no access to applications",
               hk_role_name(role));
  hk_error_set_zh(&err, "%s账户无权查看申请材料", hk_label_zh(HK_LBL_ROLE, hk_role_name(role)));
  hk_http_reply_error(resp, &err);
  return false;
}

/* A positive decimal number from the path. */
static bool number_param(hk_http_req *req, size_t i, const char *field, hk_http_resp *resp,
                         int64_t *out)
{
  const char *s = req->param[i];
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (s[0] < '1' || s[0] > '9' || *end || errno || v <= 0) {
    hk_http_reply_fail_both(resp, HK_EINVAL, field, "不是数字", "not a number");
    return false;
  }
  *out = v;
  return true;
}

static int hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* X-Filename: percent-encoded UTF-8 (a header carries ASCII). The decoded bytes go to the
 * service, which checks them as UTF-8 and sanitises them. */
static bool decode_name(const char *in, char *out, size_t size, size_t *len, hk_http_resp *resp)
{
  size_t n = 0;
  for (const char *s = in; *s; s++) {
    if (n + 1 >= size) {
      hk_http_reply_fail_both(resp, HK_EINVAL, "X-Filename", "文件名超过 %d 字节",
                              "longer than %d bytes", HK_MATERIAL_NAME_IN_MAX);
      return false;
    }
    if (*s != '%') {
      out[n++] = *s;
      continue;
    }
    int hi = hexval(s[1]), lo = hi >= 0 ? hexval(s[2]) : -1;
    if (hi < 0 || lo < 0) {
      hk_http_reply_fail_both(resp, HK_EINVAL, "X-Filename",
                              "百分号转义有误：请用 encodeURIComponent 编码文件名",
                              "a bad percent escape: encode the name with encodeURIComponent");
      return false;
    }
    out[n++] = (char)(hi * 16 + lo);
    s += 2;
  }
  out[n] = '\0';
  *len = n;
  return true;
}

void hk_h_materials_post(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const allowed[] = {"step", NULL};
  resp->no_store = true;
  int64_t id;
  if (!hk_http_query_only(req, allowed, resp) || !may_use(req, resp) ||
      !number_param(req, 0, "id", resp, &id))
    return;
  char name[HK_MATERIAL_NAME_IN_MAX + 2];
  size_t name_len = 0;
  const char *x = hk_http_header(req, "X-Filename");
  if (x && !decode_name(x, name, sizeof name, &name_len, resp))
    return;
  hk_material_upload up = {.data = req->body ? req->body : "",
                           .size = req->body ? req->body_len : 0,
                           .name = x ? name : NULL,
                           .name_len = name_len,
                           .name_field = "X-Filename",
                           .step = hk_http_query(req, "step")};
  hk_material_config cfg = {.max_bytes = req->srv->cfg.material_max_bytes,
                            .per_application = req->srv->cfg.materials_per_application};
  hk_error err = {0};
  json_t *out = NULL;
  bool created = false;
  hk_store *st = hk_http_writer_acquire(req->srv, &err);
  hk_status rc = st ? hk_material_attach(st, &cfg, &req->actor, id, &up, &out, &created, NULL, &err)
                    : err.code;
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_http_reply_json(resp, created ? 201 : 200, out);
  resp->no_store = true;
}

void hk_h_materials_list(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  int64_t id;
  if (!hk_http_query_only(req, none, resp) || !may_use(req, resp) ||
      !number_param(req, 0, "id", resp, &id))
    return;
  hk_error err = {0};
  json_t *out = NULL;
  char applicant[HK_IDNUM_LEN + 1] = "";
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  hk_status rc = st ? hk_material_list(st, &req->actor, id, &out, applicant, &err) : err.code;
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_http_access_record(req, applicant, "GET /api/v1/applications/{id}/materials");
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}

/* RFC 6266: an ASCII fallback name (anything else as '_') and the UTF-8 name (RFC 8187). */
static void disposition(const char *name, char *out, size_t size)
{
  char ascii[HK_MATERIAL_NAME_MAX + 1];
  size_t n = 0;
  for (const char *s = name; *s && n + 1 < sizeof ascii; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 0x80 && (c & 0xc0) == 0x80)
      continue; /* a continuation byte: its lead already became '_' */
    ascii[n++] = c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ? '_' : (char)c;
  }
  ascii[n] = '\0';
  size_t used =
      (size_t)snprintf(out, size, "attachment; filename=\"%s\"; filename*=UTF-8''", ascii);
  static const char keep[] = "!#$&+-.^_`|~";
  for (const char *s = name; *s && used + 4 < size; s++) {
    unsigned char c = (unsigned char)*s;
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 (c && strchr(keep, c));
    used += (size_t)snprintf(out + used, size - used, plain ? "%c" : "%%%02X", c);
  }
}

void hk_h_materials_get(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  int64_t id, mid;
  if (!hk_http_query_only(req, none, resp) || !may_use(req, resp) ||
      !number_param(req, 0, "id", resp, &id) || !number_param(req, 1, "mid", resp, &mid))
    return;
  hk_error err = {0};
  hk_material_row row;
  memset(&row, 0, sizeof row);
  uint8_t *data = NULL;
  size_t size = 0;
  char applicant[HK_IDNUM_LEN + 1] = "";
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  hk_status rc =
      st ? hk_material_read(st, &req->actor, id, mid, &row, &data, &size, applicant, &err)
         : err.code;
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    free(data);
    hk_http_reply_error(resp, &err);
    return;
  }
  hk_http_access_record(req, applicant, "GET /api/v1/applications/{id}/materials/{mid}");
  resp->status = 200;
  resp->body = (char *)data;
  resp->len = size;
  /* The response outlives row: the type as one of the static strings material.c takes. */
  static const char *const types[] = {"application/pdf", "image/jpeg", "image/png"};
  resp->content_type = "application/octet-stream";
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcmp(row.media_type, types[i]) == 0)
      resp->content_type = types[i];
  resp->no_store = true;
  disposition(row.name, resp->disposition, sizeof resp->disposition);
}

/* ---- materials behind a fact entry (issue 10) ----
 *   POST /api/v1/persons/{id}/facts/{entry}/materials        the file, as above: 201, or 200
 *   GET  /api/v1/persons/{id}/facts/{entry}/materials        the list
 *   GET  /api/v1/persons/{id}/facts/{entry}/materials/{mid}  the file
 * Residents for their own number ("me"), officers and supervisors in their jurisdiction (the
 * service applies hk_facts_list's rule); an officer gets one 404 for "elsewhere" and "none". */

void hk_h_fact_materials_post(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  hk_idnum pid;
  int64_t entry;
  if (!hk_http_query_only(req, none, resp) || !hk_http_param_idnum(req, 0, resp, &pid) ||
      !hk_http_may_touch_person(req, pid.number, resp) ||
      !number_param(req, 1, "entry", resp, &entry))
    return;
  char name[HK_MATERIAL_NAME_IN_MAX + 2];
  size_t name_len = 0;
  const char *x = hk_http_header(req, "X-Filename");
  if (x && !decode_name(x, name, sizeof name, &name_len, resp))
    return;
  hk_material_upload up = {.data = req->body ? req->body : "",
                           .size = req->body ? req->body_len : 0,
                           .name = x ? name : NULL,
                           .name_len = name_len,
                           .name_field = "X-Filename"};
  hk_material_config cfg = {.max_bytes = req->srv->cfg.material_max_bytes,
                            .per_application = req->srv->cfg.materials_per_application};
  hk_error err = {0};
  json_t *out = NULL;
  bool created = false;
  hk_store *st = hk_http_writer_acquire(req->srv, &err);
  hk_status rc = st ? hk_material_fact_attach(st, &cfg, &req->actor, pid.number, entry, &up, &out,
                                              &created, &err)
                    : err.code;
  hk_http_writer_release(req->srv);
  if (rc != HK_OK) {
    hk_http_reply_hidden(req, resp, &err);
    return;
  }
  hk_http_reply_json(resp, created ? 201 : 200, out);
  resp->no_store = true;
}

void hk_h_fact_materials_list(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  hk_idnum pid;
  int64_t entry;
  if (!hk_http_query_only(req, none, resp) || !hk_http_param_idnum(req, 0, resp, &pid) ||
      !hk_http_may_touch_person(req, pid.number, resp) ||
      !number_param(req, 1, "entry", resp, &entry))
    return;
  hk_error err = {0};
  json_t *out = NULL;
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  hk_status rc =
      st ? hk_material_fact_list(st, &req->actor, pid.number, entry, &out, &err) : err.code;
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    hk_http_reply_hidden(req, resp, &err);
    return;
  }
  hk_http_access_record(req, pid.number, "GET /api/v1/persons/{id}/facts/{entry}/materials");
  hk_http_reply_json(resp, 200, out);
  resp->no_store = true;
}

void hk_h_fact_materials_get(hk_http_req *req, hk_http_resp *resp)
{
  static const char *const none[] = {NULL};
  resp->no_store = true;
  hk_idnum pid;
  int64_t entry, mid;
  if (!hk_http_query_only(req, none, resp) || !hk_http_param_idnum(req, 0, resp, &pid) ||
      !hk_http_may_touch_person(req, pid.number, resp) ||
      !number_param(req, 1, "entry", resp, &entry) || !number_param(req, 2, "mid", resp, &mid))
    return;
  hk_error err = {0};
  hk_material_row row;
  memset(&row, 0, sizeof row);
  uint8_t *data = NULL;
  size_t size = 0;
  hk_http_worker *w = hk_http_worker_acquire(req->srv);
  hk_store *st = hk_http_worker_store(req->srv, w, &err);
  hk_status rc =
      st ? hk_material_fact_read(st, &req->actor, pid.number, entry, mid, &row, &data, &size, &err)
         : err.code;
  hk_http_worker_release(w);
  if (rc != HK_OK) {
    free(data);
    /* A missing material of a readable entry is a plain 404 naming "material". */
    if (err.code == HK_ENOTFOUND && strcmp(err.field, "material") == 0)
      hk_http_reply_error(resp, &err);
    else
      hk_http_reply_hidden(req, resp, &err);
    return;
  }
  hk_http_access_record(req, pid.number, "GET /api/v1/persons/{id}/facts/{entry}/materials/{mid}");
  resp->status = 200;
  resp->body = (char *)data;
  resp->len = size;
  static const char *const types[] = {"application/pdf", "image/jpeg", "image/png"};
  resp->content_type = "application/octet-stream";
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcmp(row.media_type, types[i]) == 0)
      resp->content_type = types[i];
  resp->no_store = true;
  disposition(row.name, resp->disposition, sizeof resp->disposition);
}
