/* check.c — `hukou policy check`: every policy file against its schema and against the
 * provincial notice's constraints (spec/eligibility.md, table of parameters): no points quota,
 * residence and insurance items at least half of Hangzhou's maximum points (二), residence years
 * not lengthened outside Hangzhou (二)(十一), no city or county value stricter than the
 * province's in force on the same day (十一), a half-year at most for permits (三), talent
 * categories non-empty (五), no parents' age limit and unmarried children admitted outside
 * Hangzhou's urban area, Hangzhou's counties included (六), and the province-only lists. */
#include "policy/policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "policy/policy_int.h"

typedef struct checker {
  void (*report)(const hk_violation *v, void *cls);
  void *cls;
  int count;
} checker;

__attribute__((format(printf, 6, 7))) static void violation(checker *ck, const char *file,
                                                            const char *param, const char *clause,
                                                            const char *zh, const char *en_fmt, ...)
{
  hk_violation v;
  memset(&v, 0, sizeof v);
  snprintf(v.file, sizeof v.file, "%s", file);
  snprintf(v.param, sizeof v.param, "%s", param ? param : "");
  snprintf(v.clause, sizeof v.clause, "%s", clause ? clause : "");
  snprintf(v.message, sizeof v.message, "%s", zh);
  va_list ap;
  va_start(ap, en_fmt);
  vsnprintf(v.message_en, sizeof v.message_en, en_fmt, ap);
  va_end(ap);
  ck->count++;
  if (ck->report)
    ck->report(&v, ck->cls);
}

/* The most a points item can give, in centi-points; -1 when unbounded. */
static int64_t item_max(const hk_points_item *it)
{
  int64_t m = 0;
  switch (it->kind) {
  case HK_PK_LINEAR:
    return it->cap_c;
  case HK_PK_TABLE:
    for (int i = 0; i < HK_POINTS_TABLE_MAX; i++)
      if (it->table_c[i] > m)
        m = it->table_c[i];
    return m;
  case HK_PK_BANDS:
    for (uint32_t i = 0; i < it->n_bands; i++)
      if (it->band_points_c[i] > m)
        m = it->band_points_c[i];
    return m;
  }
  return 0;
}

static void check_items(checker *ck, const policy__file *f, const policy__entry *e)
{
  int64_t total = 0, core = 0;
  bool unbounded = false;
  for (uint32_t i = 0; i < e->value.n_items; i++) {
    const hk_points_item *it = &e->value.items[i];
    int64_t m = item_max(it);
    if (m < 0) {
      unbounded = true;
      violation(ck, f->path, "points.items", "(二)",
                "积分项目未设上限，总分无上限，无法核验居住和社保年限的占比",
                "item \"%s\" has no cap, so the maximum is unbounded and the share of residence "
                "and insurance cannot be checked",
                it->id);
      continue;
    }
    total += m;
    if (it->basis == HK_PB_RESIDENCE_MONTHS || it->basis == HK_PB_INSURANCE_MONTHS)
      core += m;
  }
  if (!unbounded && core * 2 < total)
    violation(ck, f->path, "points.items", "(二)",
              "居住年限和社保年限积分应占主要比重（不少于总分的一半）",
              "residence and insurance items give at most %.2f of %.2f points: less than half",
              (double)core / 100.0, (double)total / 100.0);
}

static bool in_hz(const hk_pvalue *hz, int32_t division)
{
  return policy__in_codes(hz, division);
}

/* The requirements a locality may only loosen against what it inherits from the province
 * (十一): higher numbers, or a relief (true) turned off, are stricter. */
static const struct {
  const char *clause;
  hk_param_id id;
  bool hz_urban_exempt; /* the pathway does not exist in Hangzhou's urban area (二)(四) */
} loosen_only[] = {
    {"(三)(十一)", HK_P_PERMIT_MIN_MONTHS, false},
    {"(三)(十一)", HK_P_PERMIT_TALENT_WAIVES, false},
    {"(二)(十一)", HK_P_RESIDENCE_MIN_YEARS, true},
    {"(二)(十一)", HK_P_RESIDENCE_MIN_INS, true},
    {"(七)(十一)", HK_P_RESIDENCE_YRD, false},
    {"(四)(十一)", HK_P_CONVERSION_MIN_YEARS, true},
};

/* The province's entry of parameter p in force on day d, or NULL. */
static const policy__entry *province_at(const policy__file *prov, int p, hk_date d)
{
  const policy__entry *e = NULL;
  for (uint32_t i = 0; prov && i < prov->n_entries[p] && prov->entries[p][i].from <= d; i++)
    e = &prov->entries[p][i];
  return e;
}

static void value_text(const hk_pvalue *v, char *buf, size_t size)
{
  if (v->type == HK_PT_BOOL)
    snprintf(buf, size, "%s", v->b ? "true" : "false");
  else
    snprintf(buf, size, "%lld", (long long)v->i);
}

/* (十一): every value of a city or county file against the province's value in force on the
 * same days: on the entry's first day and on each day the province's value changes while the
 * entry is in force. One finding per entry, at the first day it is stricter. */
static void check_loosen_only(checker *ck, const policy__file *f, const policy__file *prov,
                              bool hz_urban)
{
  if (prov == NULL || f == prov)
    return;
  for (size_t k = 0; k < sizeof loosen_only / sizeof loosen_only[0]; k++) {
    int p = loosen_only[k].id;
    if (hz_urban && loosen_only[k].hz_urban_exempt)
      continue;
    for (uint32_t i = 0; i < f->n_entries[p]; i++) {
      const policy__entry *e = &f->entries[p][i];
      hk_date end = i + 1 < f->n_entries[p] ? f->entries[p][i + 1].from : HK_DATE_OPEN;
      /* The days to compare on: the entry's first, then each provincial change inside it. */
      hk_date days[1 + 64];
      uint32_t n = 0;
      days[n++] = e->from;
      for (uint32_t j = 0; j < prov->n_entries[p] && n < 65; j++)
        if (prov->entries[p][j].from > e->from && prov->entries[p][j].from < end)
          days[n++] = prov->entries[p][j].from;
      for (uint32_t j = 0; j < n; j++) {
        const policy__entry *pe = province_at(prov, p, days[j]);
        if (pe == NULL)
          continue; /* the province published nothing then: nothing inherited */
        const hk_pvalue *v = &e->value, *pv = &pe->value;
        bool stricter =
            v->type == HK_PT_BOOL ? (pv->b && !v->b) : (v->set && pv->set && v->i > pv->i);
        if (!stricter)
          continue;
        char day[11], cv[24], ppv[24];
        value_text(v, cv, sizeof cv);
        value_text(pv, ppv, sizeof ppv);
        hk_date_format(days[j], day);
        violation(ck, f->path, hk_param_name((hk_param_id)p), loosen_only[k].clause,
                  "地方只能在省级规定基础上放宽，不得提高要求",
                  "%s from %s is stricter than the province's %s in force that day (330000.json): "
                  "a locality may only loosen",
                  cv, day, ppv);
        break;
      }
    }
  }
}

/* (六): Hangzhou's city file may set a parents' age limit or turn off unmarried children for
 * its urban area, but its counties outside the urban area must not inherit them: each needs
 * its own value (null / true) in force whenever the city's is. */
static void check_hz_counties(checker *ck, const policy__file *hzf, const policy__file *const *by,
                              size_t n_by, const hk_pvalue *hz)
{
  static const hk_param_id fam[] = {HK_P_FAMILY_PARENT_MIN_AGE, HK_P_FAMILY_UNMARRIED};
  for (int32_t code = 330101; code <= 330199; code++) {
    const hk_division *d = hk_division_find(code);
    if (d == NULL || !d->current || in_hz(hz, code))
      continue;
    const policy__file *cf = NULL;
    for (size_t i = 0; i < n_by; i++)
      if (by[i]->division == code)
        cf = by[i];
    for (size_t k = 0; k < 2; k++) {
      int p = fam[k];
      for (uint32_t i = 0; i < hzf->n_entries[p]; i++) {
        const policy__entry *e = &hzf->entries[p][i];
        bool strict = p == HK_P_FAMILY_PARENT_MIN_AGE ? e->value.set : !e->value.b;
        if (!strict)
          continue;
        const policy__entry *own = NULL;
        for (uint32_t j = 0; cf && j < cf->n_entries[p] && cf->entries[p][j].from <= e->from; j++)
          own = &cf->entries[p][j];
        if (own)
          continue;
        char day[11];
        violation(ck, hzf->path, hk_param_name((hk_param_id)p), "(六)",
                  "杭州市区以外的县（市）不得沿用杭州市区的投靠限制，应在县级文件中另行规定",
                  "from %s %06d %s (outside Hangzhou's urban area) inherits it: its own file must "
                  "set %s",
                  hk_date_format(e->from, day), (int)code, d->name,
                  p == HK_P_FAMILY_PARENT_MIN_AGE ? "null" : "true");
        break;
      }
    }
  }
}

static void check_file(checker *ck, const policy__file *f, const hk_pvalue *hz)
{
  char expect[16];
  snprintf(expect, sizeof expect, "%06d.json", (int)f->division);
  if (strcmp(expect, f->path) != 0)
    violation(ck, f->path, "division", "", "文件名应为区划代码",
              "the file of division %06d "
              "should be named %s",
              (int)f->division, expect);
  const hk_division *d = hk_division_find(f->division);
  if (d && !d->current)
    violation(ck, f->path, "division", "", "区划代码已撤销", "%06d is no longer a current division",
              (int)f->division);
  bool province = f->division == 330000;
  bool hz_urban = in_hz(hz, f->division);
  bool in_hangzhou = hk_division_city_of(f->division) == 330100;
  for (int p = 0; p < HK_P_COUNT; p++) {
    const char *name = hk_param_name((hk_param_id)p);
    for (uint32_t i = 0; i < f->n_entries[p]; i++) {
      const policy__entry *e = &f->entries[p][i];
      const hk_pvalue *v = &e->value;
      switch (p) {
      case HK_P_HANGZHOU_URBAN:
        if (!province)
          violation(ck, f->path, name, "(二)", "杭州市区范围只能由省级文件规定",
                    "set by the province only");
        for (uint32_t k = 0; k < v->n_codes; k++)
          if (hk_division_city_of(v->codes[k]) != 330100 || v->codes[k] % 100 == 0)
            violation(ck, f->path, name, "(二)", "杭州市区应由杭州市所辖县级区划组成",
                      "%06d is not a county-level division of Hangzhou", (int)v->codes[k]);
        break;
      case HK_P_YRD_CITIES:
        if (!province)
          violation(ck, f->path, name, "(七)", "长三角城市群名单只能由省级文件规定",
                    "set by the province only");
        for (uint32_t k = 0; k < v->n_codes; k++)
          if (v->codes[k] % 100 != 0 || v->codes[k] % 10000 == 0)
            violation(ck, f->path, name, "(七)", "长三角城市群名单应为设区市代码",
                      "%06d is not a city code", (int)v->codes[k]);
        break;
      case HK_P_PERMIT_MIN_MONTHS:
        if (v->i > 6)
          violation(ck, f->path, name, "(三)", "申领居住证的居住期限不得超过半年",
                    "%lld months from %s: more than half a year", (long long)v->i, "this date");
        break;
      case HK_P_RESIDENCE_MIN_YEARS:
      case HK_P_RESIDENCE_MIN_INS:
        /* (二)(十一): outside Hangzhou's urban area the years may only be shortened. */
        if (!hz_urban && i > 0 && v->i > f->entries[p][i - 1].value.i) {
          char day[11];
          violation(ck, f->path, name, "(二)(十一)", "杭州市区以外的年限要求只能缩短，不得提高",
                    "rises from %lld to %lld on %s", (long long)f->entries[p][i - 1].value.i,
                    (long long)v->i, hk_date_format(e->from, day));
        }
        break;
      case HK_P_TALENT_CATEGORIES:
        if (v->categories == 0)
          violation(ck, f->path, name, "(五)", "人才类别不得为空", "empty");
        break;
      case HK_P_FAMILY_PARENT_MIN_AGE:
        if (v->set && !hz_urban && !(f->division == 330100))
          violation(ck, f->path, name, "(六)", "杭州市区以外父母投靠成年子女不受年龄限制",
                    "a parents' age limit outside Hangzhou's urban area");
        break;
      case HK_P_FAMILY_UNMARRIED:
        if (!v->b && !hz_urban && !(f->division == 330100))
          violation(ck, f->path, name, "(六)", "杭州市区以外子女投靠父母应放宽至未婚子女",
                    "must be true outside Hangzhou's urban area");
        break;
      case HK_P_POINTS_QUOTA:
        if (v->set)
          violation(ck, f->path, name, "(二)", "积分落户不得设名额限制", "a quota is set (%lld)",
                    (long long)v->i);
        break;
      case HK_P_POINTS_ITEMS:
        if (!in_hangzhou && !province)
          violation(ck, f->path, name, "(二)", "积分落户只适用于杭州市区",
                    "points are Hangzhou's scheme only");
        check_items(ck, f, e);
        break;
      case HK_P_POINTS_THRESHOLD:
        if (!in_hangzhou && !province)
          violation(ck, f->path, name, "(二)", "积分落户只适用于杭州市区",
                    "points are Hangzhou's scheme only");
        if (v->i <= 0)
          violation(ck, f->path, name, "(二)", "落户分值应为正数", "not positive");
        break;
      default:
        break;
      }
    }
  }
}

int hk_policy_check(const char *dir, void (*report)(const hk_violation *v, void *cls), void *cls,
                    hk_error *err)
{
  char **names;
  size_t n;
  if (policy__list_dir(dir, &names, &n, err) != HK_OK)
    return -1;
  checker ck = {report, cls, 0};
  policy__file *files = calloc(n ? n : 1, sizeof *files);
  bool *ok = calloc(n ? n : 1, sizeof *ok);
  const hk_pvalue *hz = NULL;
  if (files == NULL || ok == NULL) {
    hk_error_set(err, HK_ENOMEM, dir, "out of memory");
    ck.count = -1;
    goto out;
  }
  /* Schema first: a file that does not load is one violation, and the rest still checked. */
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    json_error_t jerr;
    hk_error e = {0};
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL) {
      violation(&ck, names[i], "", "", "不是有效的 JSON", "line %d: %s", jerr.line, jerr.text);
      continue;
    }
    if (policy__file_read(doc, names[i], &files[i], &e) != HK_OK) {
      char text[600];
      violation(&ck, names[i], e.field, "", "不符合政策文件格式", "%s",
                hk_error_text(&e, text, sizeof text));
      policy__file_clear(&files[i]);
    } else {
      ok[i] = true;
      for (size_t k = 0; k < i; k++)
        if (ok[k] && files[k].division == files[i].division)
          violation(&ck, names[i], "division", "", "同一区划有两个文件",
                    "a second file for division %06d (first: %s)", (int)files[i].division,
                    files[k].path);
      if (files[i].division == 330000 && files[i].n_entries[HK_P_HANGZHOU_URBAN])
        hz = &files[i]
                  .entries[HK_P_HANGZHOU_URBAN][files[i].n_entries[HK_P_HANGZHOU_URBAN] - 1]
                  .value;
    }
    json_decref(doc);
  }
  bool have_province = false;
  const policy__file *prov = NULL, *hzf = NULL;
  const policy__file **by = calloc(n ? n : 1, sizeof(const policy__file *));
  size_t n_by = 0;
  if (by == NULL) {
    hk_error_set(err, HK_ENOMEM, dir, "out of memory");
    ck.count = -1;
    goto out;
  }
  for (size_t i = 0; i < n; i++)
    if (ok[i]) {
      by[n_by++] = &files[i];
      if (files[i].division == 330000)
        prov = &files[i];
      if (files[i].division == 330100)
        hzf = &files[i];
    }
  for (size_t i = 0; i < n_by; i++)
    check_loosen_only(&ck, by[i], prov, in_hz(hz, by[i]->division));
  if (hzf)
    check_hz_counties(&ck, hzf, by, n_by, hz);
  free(by);
  for (size_t i = 0; i < n; i++)
    if (ok[i]) {
      check_file(&ck, &files[i], hz);
      if (files[i].division == 330000) {
        have_province = true;
        static const hk_param_id needed[] = {HK_P_HANGZHOU_URBAN,      HK_P_YRD_CITIES,
                                             HK_P_PERMIT_MIN_MONTHS,   HK_P_PERMIT_TALENT_WAIVES,
                                             HK_P_RESIDENCE_MIN_YEARS, HK_P_RESIDENCE_MIN_INS,
                                             HK_P_RESIDENCE_YRD,       HK_P_CONVERSION_MIN_YEARS,
                                             HK_P_TALENT_CATEGORIES,   HK_P_FAMILY_UNMARRIED};
        for (size_t k = 0; k < sizeof needed / sizeof needed[0]; k++)
          if (files[i].n_entries[needed[k]] == 0)
            violation(&ck, files[i].path, hk_param_name(needed[k]), "",
                      "省级文件应规定每个参数的默认值", "the province gives no default");
      }
    }
  if (!have_province)
    violation(&ck, "330000.json", "", "", "缺少省级文件", "the province's file is missing");
out:
  for (size_t i = 0; i < n; i++) {
    if (files && ok && ok[i])
      policy__file_clear(&files[i]);
    free(names[i]);
  }
  free(names);
  free(files);
  free(ok);
  return ck.count;
}
