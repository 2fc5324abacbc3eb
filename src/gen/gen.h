#ifndef HK_GEN_GEN_H
#define HK_GEN_GEN_H

/* The synthetic province: a population of Zhejiang calibrated to the public figures (2023
 * year-end residents per city, the 2020 census's floating population and its origins, age
 * structure, sex ratio, urban share, education), written as the JSON lines `hukou import`
 * reads. Households are generated one after another from one seeded random stream, so the same
 * seed and options give the same file byte for byte. See docs/generator.md for the calibration. */

#include <stdint.h>
#include <stdio.h>

#include "core/date.h"
#include "core/error.h"

#define HK_GEN_CITIES 11 /* Zhejiang's prefecture-level cities, 330100 .. 331100 */

typedef struct hk_gen_options {
  int64_t persons; /* exactly this many persons; 0: use scale */
  double scale;    /* fraction of the full province (1.0: about 66.27 million) */
  uint64_t seed;
  hk_date as_of; /* the day the population is taken; HK_DATE_NONE: 2023-12-31 */
  /* Called every few tens of thousands of persons (and at the end) from the writing thread.
   * May be NULL. */
  void (*on_progress)(int64_t done, int64_t total, void *cls);
  void *cls;
} hk_gen_options;

/* What was generated, counted as it was written: the calibration report. "Resident" means living
 * in Zhejiang on as_of; the dead are not in the registry (see docs/generator.md). */
typedef struct hk_gen_totals {
  int64_t persons;
  int64_t households, family_households, collective_households;
  int64_t family_members; /* persons in family households (for the mean size) */
  int64_t male, female;
  int64_t age_0_14, age_0_15, age_15_59, age_16_59, age_60p, age_65p;
  int64_t urban;                   /* living at an urban address */
  int64_t edu_college, edu_senior; /* 大专及以上; 高中/中专 */
  int64_t floating, floating_interprovince, floating_intraprovince;
  int64_t resident[HK_GEN_CITIES], floating_city[HK_GEN_CITIES];
  int64_t registered[HK_GEN_CITIES]; /* hukou in the city */
  int64_t origin_province[100];      /* inter-provincial floating persons by hukou province */
  int64_t born_year[10];             /* persons born in each of the ten years up to as_of */
  int64_t deaths_year[10];           /* deaths modelled (not in the registry) for those years */
  int64_t links, residence_late, residence_rows, housing_rows, employment_rows, schooling_rows,
      insurance_rows;
  int64_t insured_yrd_elsewhere, pension_transferred;
  int64_t permit_holders, permit_periods, permit_lapses, talent_rows, points_facts;
  int as_of_year;
} hk_gen_totals;

/* How many persons the options ask for. */
int64_t hk_gen_target_persons(const hk_gen_options *opt);

/* Write the province to out as JSON lines. Returns HK_EIO when a write fails (a closed pipe),
 * HK_EINVAL on bad options, HK_ENOMEM when memory runs out. totals may be NULL. */
hk_status hk_gen_write(const hk_gen_options *opt, FILE *out, hk_gen_totals *totals, hk_error *err);

/* The calibration report: every figure of docs/generator.md with its target scaled to the
 * generated population, the generated value and the difference in percent, as one JSON object
 * {"persons": N, "figures": [{"figure", "target", "generated", "diff_pct"}...], ...}. */
void hk_gen_report(const hk_gen_totals *t, FILE *out);

/* The calibration targets of docs/generator.md, for reports and tests. */
typedef struct hk_gen_city_target {
  int32_t code;
  const char *name;
  int64_t census_2020; /* 7th census residents */
  int64_t end_2023;    /* 2023 year-end residents (derived for 衢州, 台州, 丽水) */
} hk_gen_city_target;
extern const hk_gen_city_target hk_gen_cities[HK_GEN_CITIES];

#define HK_GEN_PROVINCE_2023 66270000  /* 6627.0万 */
#define HK_GEN_FLOATING 25557450       /* 2020 census 流动人口 */
#define HK_GEN_FLOATING_INTER 16186454 /* of whom from other provinces */
#define HK_GEN_MALE_SHARE 0.5220       /* 2023: 3459万 / 6627万 */
#define HK_GEN_AGE_0_15 0.1343         /* 2023: 890万 */
#define HK_GEN_AGE_16_59 0.6507        /* 2023: 4312万 */
#define HK_GEN_AGE_60P 0.2149          /* 2023: 1424万 */
#define HK_GEN_AGE_65P 0.1541          /* 2023: 1021万 */
#define HK_GEN_URBAN 0.7423            /* 2023: 4919万 */
#define HK_GEN_EDU_COLLEGE 0.1699      /* 2020 census, share of all residents */
#define HK_GEN_EDU_SENIOR 0.1455       /* 2020 census */
#define HK_GEN_FAMILY_SIZE 2.62        /* 2020 census, national family household */
#define HK_GEN_DEATH_RATE 0.00666      /* 2023: 6.66 per mille */

#endif
