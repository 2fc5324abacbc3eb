/* The calibration report: generated totals against the public figures, each target scaled from
 * the full province (6627.0万) to the number of persons generated. */
#include <stdbool.h>
#include <stdio.h>

#include "gen/gen.h"

static void row(FILE *out, bool *first, const char *figure, double target, double got)
{
  double diff = target != 0 ? 100.0 * (got - target) / target : 0;
  fprintf(out,
          "%s\n    {\"figure\": \"%s\", \"target\": %.0f, \"generated\": %.0f, \"diff_pct\": %.3f}",
          *first ? "" : ",", figure, target, got, diff);
  *first = false;
}

void hk_gen_report(const hk_gen_totals *t, FILE *out)
{
  double n = (double)t->persons, k = n / HK_GEN_PROVINCE_2023;
  bool first = true;
  fprintf(out, "{\n  \"persons\": %lld,\n  \"scale\": %.6f,\n  \"figures\": [",
          (long long)t->persons, k);
  row(out, &first, "persons", HK_GEN_PROVINCE_2023 * k, n);
  for (int c = 0; c < HK_GEN_CITIES; c++) {
    char name[64];
    snprintf(name, sizeof name, "residents %06d %s", (int)hk_gen_cities[c].code,
             hk_gen_cities[c].name);
    row(out, &first, name, (double)hk_gen_cities[c].end_2023 * k, (double)t->resident[c]);
  }
  row(out, &first, "floating (流动人口)", HK_GEN_FLOATING * k, (double)t->floating);
  row(out, &first, "floating from other provinces (省外流入)", HK_GEN_FLOATING_INTER * k,
      (double)t->floating_interprovince);
  row(out, &first, "floating within the province (省内流动)",
      (HK_GEN_FLOATING - HK_GEN_FLOATING_INTER) * k, (double)t->floating_intraprovince);
  row(out, &first, "male", HK_GEN_MALE_SHARE * n, (double)t->male);
  row(out, &first, "female", (1 - HK_GEN_MALE_SHARE) * n, (double)t->female);
  row(out, &first, "age 0-15", HK_GEN_AGE_0_15 * n, (double)t->age_0_15);
  row(out, &first, "age 16-59", HK_GEN_AGE_16_59 * n, (double)t->age_16_59);
  row(out, &first, "age 60+", HK_GEN_AGE_60P * n, (double)t->age_60p);
  row(out, &first, "age 65+", HK_GEN_AGE_65P * n, (double)t->age_65p);
  row(out, &first, "urban residents", HK_GEN_URBAN * n, (double)t->urban);
  row(out, &first, "college (大专及以上)", HK_GEN_EDU_COLLEGE * n, (double)t->edu_college);
  row(out, &first, "senior secondary (高中/中专)", HK_GEN_EDU_SENIOR * n, (double)t->edu_senior);
  fprintf(out, "\n  ],\n");
  fprintf(out, "  \"sex_ratio\": %.2f,\n",
          t->female ? 100.0 * (double)t->male / (double)t->female : 0.0);
  fprintf(out,
          "  \"households\": %lld, \"family_households\": %lld, \"collective_households\": %lld,\n"
          "  \"mean_family_household_size\": %.3f,\n",
          (long long)t->households, (long long)t->family_households,
          (long long)t->collective_households,
          t->family_households ? (double)t->family_members / (double)t->family_households : 0.0);
  fprintf(out, "  \"age_0_14\": %lld, \"age_15_59\": %lld,\n", (long long)t->age_0_14,
          (long long)t->age_15_59);
  fprintf(out, "  \"registered_by_city\": {");
  for (int c = 0; c < HK_GEN_CITIES; c++)
    fprintf(out, "%s\"%06d\": %lld", c ? ", " : "", (int)hk_gen_cities[c].code,
            (long long)t->registered[c]);
  fprintf(out, "},\n  \"floating_by_city\": {");
  for (int c = 0; c < HK_GEN_CITIES; c++)
    fprintf(out, "%s\"%06d\": %lld", c ? ", " : "", (int)hk_gen_cities[c].code,
            (long long)t->floating_city[c]);
  fprintf(out, "},\n  \"interprovince_by_origin\": {");
  bool f = true;
  for (int p = 0; p < 100; p++)
    if (t->origin_province[p]) {
      fprintf(out, "%s\"%02d\": %lld", f ? "" : ", ", p, (long long)t->origin_province[p]);
      f = false;
    }
  fprintf(out, "},\n  \"born_by_year\": {");
  for (int i = 0; i < 10; i++)
    fprintf(out, "%s\"%d\": %lld", i ? ", " : "", t->as_of_year - 9 + i,
            (long long)t->born_year[i]);
  fprintf(out, "},\n  \"deaths_modelled_by_year\": {");
  for (int i = 0; i < 10; i++)
    fprintf(out, "%s\"%d\": %lld", i ? ", " : "", t->as_of_year - 9 + i,
            (long long)t->deaths_year[i]);
  fprintf(out,
          "},\n  \"links\": %lld, \"rows\": {\"residence\": %lld, \"housing\": %lld, "
          "\"employment\": %lld, \"schooling\": %lld, \"insurance\": %lld, \"permit\": %lld, "
          "\"talent\": %lld, \"points_facts\": %lld},\n",
          (long long)t->links, (long long)t->residence_rows, (long long)t->housing_rows,
          (long long)t->employment_rows, (long long)t->schooling_rows, (long long)t->insurance_rows,
          (long long)t->permit_periods, (long long)t->talent_rows, (long long)t->points_facts);
  fprintf(out,
          "  \"residence_declared_late\": %lld,\n"
          "  \"permit_holders\": %lld, \"permit_holders_with_a_lapse\": %lld,\n"
          "  \"insured_in_other_yrd_cities\": %lld, \"pension_transferred\": %lld\n}\n",
          (long long)t->residence_late, (long long)t->permit_holders, (long long)t->permit_lapses,
          (long long)t->insured_yrd_elsewhere, (long long)t->pension_transferred);
}
