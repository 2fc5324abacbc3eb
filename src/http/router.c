/* router.c — the routing table: method and path pattern with {params}. Patterns are matched
 * segment by segment on the decoded path; a path that exists under another method is a 405
 * naming the methods it has, anything else a 404. */
#include "http/http_int.h"

#include <stdio.h>
#include <string.h>

/* Every route of the API. docs/openapi.json describes each one; tests/api checks they agree. */
const hk_http_route hk_http_routes[] = {
    {"GET", "/healthz", hk_h_meta_healthz, 0},
    {"GET", "/metrics", hk_h_meta_metrics, 0},
    {"GET", "/api/v1/openapi.json", hk_h_meta_openapi, 0},
    {"POST", "/api/v1/eligibility", hk_h_eligibility_post, HK_ROUTE_BODY | HK_ROUTE_LIMITED},
    {"GET", "/api/v1/persons/{id}", hk_h_persons_get, HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/persons/{id}/eligibility", hk_h_persons_eligibility, HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/divisions/{code}", hk_h_divisions_get, 0},
    {"GET", "/api/v1/policies/{division}", hk_h_policies_get, 0},
    {"GET", "/api/v1/statistics", hk_h_statistics_get, HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/persons/{id}/residence/declare", hk_h_residence_declare,
     HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/persons/{id}/residence/change", hk_h_residence_change,
     HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/persons/{id}/residence/cancel", hk_h_residence_cancel,
     HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/applications", hk_h_applications_post, HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/applications", hk_h_applications_list, HK_ROUTE_ACCOUNT},
    /* before {id}: the first matching pattern wins */
    {"GET", "/api/v1/applications/counts", hk_h_applications_counts, HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/applications/{id}", hk_h_applications_get, HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/applications/{id}/actions", hk_h_applications_act,
     HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/persons/{id}/permit", hk_h_permit_get, HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/persons/{id}/permit/endorse", hk_h_permit_endorse, HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/persons/{id}/permit/recognise", hk_h_permit_recognise, HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/households", hk_h_households_post, HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/households/{number}", hk_h_households_get, HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/households/{number}/add", hk_h_households_add,
     HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/households/{number}/remove", hk_h_households_remove,
     HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/households/{number}/head", hk_h_households_head,
     HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/households/{number}/split", hk_h_households_split,
     HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/births", hk_h_births_post, HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/persons/{id}/death", hk_h_persons_death, HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    /* Materials (issue 10): files attached to an application, uploaded as the raw body. */
    {"POST", "/api/v1/applications/{id}/materials", hk_h_materials_post,
     HK_ROUTE_UPLOAD | HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/applications/{id}/materials", hk_h_materials_list, HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/applications/{id}/materials/{mid}", hk_h_materials_get, HK_ROUTE_ACCOUNT},
    /* Accounts (九): sign in and out, accounts for admins, departments' yes/no questions. */
    {"POST", "/api/v1/sessions", hk_h_sessions_post, HK_ROUTE_BODY | HK_ROUTE_LIMITED},
    /* Issue 16: residents make their own accounts with a code an officer hands over. */
    {"POST", "/api/v1/activations", hk_h_activations_post, HK_ROUTE_BODY | HK_ROUTE_LIMITED},
    {"POST", "/api/v1/persons/{id}/activation-code", hk_h_activation_code_post, HK_ROUTE_ACCOUNT},
    {"DELETE", "/api/v1/sessions/current", hk_h_sessions_delete, HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/sessions/current", hk_h_sessions_current, HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/users", hk_h_users_get, HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/users", hk_h_users_post, HK_ROUTE_ACCOUNT | HK_ROUTE_BODY},
    {"POST", "/api/v1/users/{name}/disable", hk_h_users_disable, HK_ROUTE_ACCOUNT},
    /* Issue 16: an account's life after creation; department keys in the admin's pages. */
    {"POST", "/api/v1/users/{name}/enable", hk_h_users_enable, HK_ROUTE_ACCOUNT},
    {"PATCH", "/api/v1/users/{name}", hk_h_users_patch, HK_ROUTE_ACCOUNT | HK_ROUTE_BODY},
    {"POST", "/api/v1/users/{name}/password", hk_h_users_password,
     HK_ROUTE_ACCOUNT | HK_ROUTE_BODY},
    {"POST", "/api/v1/sessions/current/password", hk_h_sessions_password,
     HK_ROUTE_ACCOUNT | HK_ROUTE_BODY},
    {"GET", "/api/v1/keys", hk_h_keys_get, HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/keys", hk_h_keys_post, HK_ROUTE_ACCOUNT | HK_ROUTE_BODY},
    {"POST", "/api/v1/keys/{id}/revoke", hk_h_keys_revoke, HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/questions/{question}", hk_h_questions_get, HK_ROUTE_ACCOUNT},
    /* Search and lists for officers (issue 10): ID numbers travel in a body, never a URL. */
    {"POST", "/api/v1/persons/search", hk_h_persons_search, HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/households/search", hk_h_households_search, HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/residence", hk_h_residence_list, HK_ROUTE_ACCOUNT},
    /* Facts with provenance (issue 10): declared, verified, corrected; departments' deliveries. */
    {"POST", "/api/v1/persons/{id}/facts", hk_h_facts_post, HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/persons/{id}/facts", hk_h_facts_list, HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/persons/{id}/facts/{entry}/verify", hk_h_facts_verify, HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/persons/{id}/facts/{entry}/correct", hk_h_facts_correct,
     HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/facts", hk_h_facts_department, HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    /* The officer's worklist of declarations awaiting verification (issue 10/11). */
    {"GET", "/api/v1/facts", hk_h_facts_waiting, HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/facts/{entry}", hk_h_facts_entry, HK_ROUTE_ACCOUNT},
    /* Files behind a fact entry (issue 10): the document a declaration rests on. */
    {"POST", "/api/v1/persons/{id}/facts/{entry}/materials", hk_h_fact_materials_post,
     HK_ROUTE_UPLOAD | HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/persons/{id}/facts/{entry}/materials", hk_h_fact_materials_list,
     HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/persons/{id}/facts/{entry}/materials/{mid}", hk_h_fact_materials_get,
     HK_ROUTE_ACCOUNT},
    /* Electronic certificates (issue 12): the public key set, status list and verification are
     * open to anyone; the rest is the holder's and the officers'. */
    {"GET", "/.well-known/hukou-keys.json", hk_h_cert_jwks, 0},
    /* before {cid}: the first matching pattern wins */
    {"GET", "/api/v1/certificates/status", hk_h_cert_status_list, 0},
    {"POST", "/api/v1/certificates/verify", hk_h_cert_verify, HK_ROUTE_BODY | HK_ROUTE_LIMITED},
    {"GET", "/api/v1/persons/{id}/certificates", hk_h_person_certs_list, HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/persons/{id}/certificates", hk_h_person_certs_issue,
     HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/certificates/{cid}", hk_h_cert_get, HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/certificates/{cid}/pdf", hk_h_cert_pdf, HK_ROUTE_ACCOUNT},
    {"GET", "/api/v1/certificates/{cid}/qr.svg", hk_h_cert_qr_svg, HK_ROUTE_ACCOUNT},
    {"POST", "/api/v1/certificates/{cid}/status", hk_h_cert_set_status,
     HK_ROUTE_BODY | HK_ROUTE_ACCOUNT},
};
const size_t hk_http_route_count = sizeof hk_http_routes / sizeof hk_http_routes[0];

_Static_assert(sizeof hk_http_routes / sizeof hk_http_routes[0] + 1 < HK_HTTP_ROUTES_MAX,
               "metrics keep a slot per route plus one for the portal's files and one for "
               "unmatched requests");

hk_status hk_http_path_check(const char *path, hk_error *err)
{
  size_t len = strlen(path);
  if (len == 0 || path[0] != '/')
    return hk_error_set_both(err, HK_EINVAL, "path", "不是绝对路径", "not an absolute path");
  if (len > HK_HTTP_PATH_MAX)
    return hk_error_set_both(err, HK_EINVAL, "path", "路径超过 %u 字节", "longer than %u bytes",
                             HK_HTTP_PATH_MAX);
  /* Every route is printable ASCII; anything else (including the marker server.c leaves for
   * a malformed or control-character percent escape) cannot name a resource. */
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)path[i] <= 0x20 || (unsigned char)path[i] >= 0x7f)
      return hk_error_set_both(err, HK_EINVAL, "path", "含有不允许的字符或错误的百分号转义",
                               "bad character or percent escape");
  /* Dot segments, decoded or not, are refused rather than resolved: no route has them, and a
   * path that climbs is someone probing. */
  for (const char *s = path; s != NULL; s = strchr(s + 1, '/')) {
    const char *seg = s + 1;
    size_t n = strcspn(seg, "/");
    if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
      return hk_error_set_both(err, HK_EINVAL, "path", "路径中不允许出现 . 或 .. 段",
                               "dot segments are not allowed");
  }
  return HK_OK;
}

/* Match path against one pattern, copying params into req when it matches. */
static bool match(const char *pattern, const char *path, hk_http_req *req)
{
  size_t n = 0, used = 0;
  const char *p = pattern, *s = path;
  while (*p && *s) {
    if (*p != '/' || *s != '/')
      return false;
    p++;
    s++;
    size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
    if (plen > 2 && p[0] == '{' && p[plen - 1] == '}') {
      if (slen == 0 || n == HK_HTTP_PARAMS_MAX || used + slen + 1 > sizeof req->param_buf)
        return false;
      memcpy(req->param_buf + used, s, slen);
      req->param_buf[used + slen] = '\0';
      req->param[n++] = req->param_buf + used;
      used += slen + 1;
    } else if (plen != slen || memcmp(p, s, plen) != 0) {
      return false;
    }
    p += plen;
    s += slen;
  }
  if (*p || *s)
    return false;
  req->n_param = n;
  return true;
}

int hk_http_route_match(const char *method, const char *path, hk_http_req *req, char *allow,
                        size_t allow_size)
{
  /* HEAD is GET without a body (libmicrohttpd leaves the body out). */
  const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
  bool other = false;
  if (allow_size)
    allow[0] = '\0';
  for (size_t i = 0; i < hk_http_route_count; i++) {
    if (!match(hk_http_routes[i].pattern, path, req))
      continue;
    if (strcmp(hk_http_routes[i].method, m) == 0)
      return (int)i;
    size_t used = strlen(allow);
    snprintf(allow + used, allow_size - used, "%s%s", used ? ", " : "", hk_http_routes[i].method);
    other = true;
  }
  req->n_param = 0;
  return other ? HK_ROUTE_BAD_METHOD : HK_ROUTE_NOT_FOUND;
}
