/* stats_report.c — one area's population figures from the store's summary (stats_report.h). */
#include "service/stats_report.h"

#include "core/division.h"
#include "core/json.h"

typedef struct figures {
  int64_t registered, resident, floating, inter;
} figures;

static void add(figures *f, const hk_stats_area *a)
{
  f->registered += a->registered;
  f->resident += a->resident;
  f->floating += a->floating;
  f->inter += a->floating_interprovince;
}

static json_t *figures_json(int32_t code, const figures *f)
{
  json_t *o = json_object();
  if (code != 0) {
    const hk_division *d = hk_division_find(code);
    hk_json_set_division(o, "code", code);
    json_object_set_new(o, "name", json_string(d ? d->name : ""));
  }
  json_object_set_new(o, "registered", json_integer(f->registered));
  json_object_set_new(o, "resident", json_integer(f->resident));
  json_object_set_new(o, "floating", json_integer(f->floating));
  json_object_set_new(o, "floating_interprovince", json_integer(f->inter));
  return o;
}

/* The part of `area` a county belongs to: its city for the province, itself otherwise. */
static int32_t part_of(int32_t area, int32_t county)
{
  return area == 330000 ? hk_division_city_of(county) : county;
}

hk_status hk_stats_area_check(int32_t area, hk_error *err)
{
  if (area == 0)
    return HK_OK;
  const hk_division *d = hk_division_find(area);
  if (d == NULL || hk_division_province_of(area) != 330000)
    return hk_error_set_both(err, HK_EINVAL, "area", "%06d 不是浙江省的行政区划",
                             "%06d is not a division of Zhejiang", (int)area);
  return HK_OK;
}

hk_status hk_stats_report(const hk_stats_summary *s, int32_t area, json_t **out, hk_error *err)
{
  *out = NULL;
  hk_status rc = hk_stats_area_check(area, err);
  if (rc != HK_OK)
    return rc;
  if (area == 0)
    area = 330000;
  const hk_division *d = hk_division_find(area);
  bool province = d->type == HK_DIV_PROVINCE, city = d->type == HK_DIV_CITY;
  figures total = {0}, outside = {0};
  /* Parts in code order (the summary's areas are sorted by code, and a city's counties follow
   * one another): at most one part per city or county. */
  int32_t part_code[128];
  figures part[128];
  size_t n_parts = 0;
  for (size_t i = 0; i < s->n_areas; i++) {
    const hk_stats_area *a = &s->areas[i];
    if (hk_division_province_of(a->division) != 330000) {
      add(&outside, a);
      continue;
    }
    bool inside =
        province || (city && hk_division_city_of(a->division) == area) || a->division == area;
    if (!inside)
      continue;
    add(&total, a);
    if (!province && !city)
      continue;
    int32_t code = part_of(area, a->division);
    if (n_parts == 0 || part_code[n_parts - 1] != code) {
      if (n_parts == sizeof part_code / sizeof part_code[0])
        return hk_error_set_both(err, HK_EINVAL, "area", "超出报表可容纳的分项数",
                                 "more parts than a report holds");
      part_code[n_parts] = code;
      part[n_parts++] = (figures){0};
    }
    add(&part[n_parts - 1], a);
  }
  json_t *o = json_object(), *area_json = json_object(), *reg = json_object(),
         *parts = json_array();
  hk_json_set_division(area_json, "code", area);
  json_object_set_new(area_json, "name", json_string(d->name));
  json_object_set_new(area_json, "type", json_string(hk_division_type_name(d->type)));
  json_object_set_new(o, "area", area_json);
  json_object_set_new(o, "as_of_event", json_integer(s->as_of_event));
  json_object_set_new(o, "from_cache", json_boolean(s->from_cache));
  json_object_set_new(reg, "persons", json_integer(s->persons));
  json_object_set_new(reg, "households", json_integer(s->households));
  json_object_set_new(reg, "family_households", json_integer(s->family_households));
  json_object_set_new(reg, "collective_households", json_integer(s->collective_households));
  json_object_set_new(o, "registry", reg);
  json_object_set_new(o, "totals", figures_json(0, &total));
  for (size_t i = 0; i < n_parts; i++)
    json_array_append_new(parts, figures_json(part_code[i], &part[i]));
  json_object_set_new(o, "parts", parts);
  if (province)
    json_object_set_new(o, "resident_outside_province", json_integer(outside.resident));
  *out = o;
  return HK_OK;
}
