/* access.c — who may see what (九): the role and jurisdiction checks the handlers share. */
#include "http/http_int.h"

#include <string.h>

#include "core/label.h"

bool hk_http_may_read_person(const hk_http_req *req, const hk_person *p)
{
  if (!req->signed_in)
    return false;
  const hk_actor *a = &req->actor;
  switch (a->role) {
  case HK_ROLE_SYSTEM:
    return true;
  case HK_ROLE_RESIDENT:
    return a->id_number[0] != '\0' && strcmp(a->id_number, p->id_number) == 0;
  case HK_ROLE_OFFICER:
  case HK_ROLE_SUPERVISOR:
    return hk_actor_holds_person(a, p);
  default: /* analysts see aggregates only; departments ask questions; admins run accounts */
    return false;
  }
}

bool hk_http_require_role(hk_http_req *req, hk_http_resp *resp, unsigned roles)
{
  if (req->signed_in && (roles & HK_ROLE_BIT(req->actor.role)))
    return true;
  if (!req->signed_in)
    hk_http_reply_fail_both(resp, HK_EUNAUTH, "Authorization", "请先登录", "sign in first");
  else {
    hk_error err = {0};
    hk_error_set(&err, HK_EFORBIDDEN, NULL, "not for the role %s", hk_role_name(req->actor.role));
    hk_error_set_zh(&err, "%s账户不能办理此事项",
                    hk_label_zh(HK_LBL_ROLE, hk_role_name(req->actor.role)));
    hk_http_reply_error(resp, &err);
  }
  return false;
}

/* Officers and supervisors are refused a person outside their jurisdiction only after the record
 * is read, so a 403 there and a 404 for an unknown number would tell them who is registered
 * elsewhere. Both are one 404 for them. Residents are refused before any lookup, other roles by
 * role: their answers say nothing about the person. */
void hk_http_reply_hidden(const hk_http_req *req, hk_http_resp *resp, const hk_error *err)
{
  bool staff = req->signed_in &&
               (req->actor.role == HK_ROLE_OFFICER || req->actor.role == HK_ROLE_SUPERVISOR);
  if (staff && (err->code == HK_EFORBIDDEN || err->code == HK_ENOTFOUND))
    hk_http_reply_fail_both(resp, HK_ENOTFOUND, "id", "您的辖区内没有这个身份证号码的记录",
                            "nothing under this ID number in your jurisdiction");
  else
    hk_http_reply_error(resp, err);
}
