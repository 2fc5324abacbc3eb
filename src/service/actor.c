#include "service/actor.h"

#include "core/division.h"

static const char *const role_names[HK_ROLE_COUNT] = {
    "resident", "officer", "supervisor", "analyst", "department", "admin", "system"};

const char *hk_role_name(hk_role role)
{
  return (int)role >= 0 && role < HK_ROLE_COUNT ? role_names[role] : "unknown";
}

bool hk_actor_may_decide(const hk_actor *a, int32_t division)
{
  if (a->role == HK_ROLE_SYSTEM)
    return true;
  if (a->role != HK_ROLE_OFFICER && a->role != HK_ROLE_SUPERVISOR)
    return false;
  return a->jurisdiction != 0 && hk_division_within(division, a->jurisdiction);
}

bool hk_actor_holds_person(const hk_actor *a, const hk_person *p)
{
  if ((a->role != HK_ROLE_OFFICER && a->role != HK_ROLE_SUPERVISOR) || a->jurisdiction == 0)
    return false;
  if (p->has_hukou && p->hukou.division != 0 &&
      hk_division_within(p->hukou.division, a->jurisdiction))
    return true;
  for (uint32_t i = 0; i < p->residence.n; i++) {
    const hk_residence *r = &p->residence.items[i];
    if (r->period.to == HK_DATE_OPEN && r->ended == HK_RES_END_NONE && r->division != 0 &&
        hk_division_within(r->division, a->jurisdiction))
      return true;
  }
  return false;
}
