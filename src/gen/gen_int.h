#ifndef HK_GEN_GEN_INT_H
#define HK_GEN_GEN_INT_H

/* Internal to the generator: the calibration tables (gen_data.c). */

#include <stdint.h>

#include "gen/gen.h"

/* An origin province of inter-provincial migrants with its assumed share (docs/generator.md:
 * only the ranking of the first five and "each above one million" are published). */
typedef struct gen_origin {
  int code2; /* the first two digits: 34 安徽 */
  double share;
} gen_origin;
extern const gen_origin gen_origins[];
extern const int gen_origin_count;

/* A weighted character or surname. */
typedef struct gen_word {
  const char *text;
  int weight;
} gen_word;
extern const gen_word gen_surnames[];
extern const int gen_surname_count;
extern const char *const gen_given_male[];
extern const int gen_given_male_count;
extern const char *const gen_given_female[];
extern const int gen_given_female_count;

/* YRD city-cluster cities outside Zhejiang where migrants paid social insurance before. */
extern const int32_t gen_yrd_elsewhere[];
extern const int gen_yrd_elsewhere_count;

/* Relative weight of each city as a place migrants within the province come from. */
extern const double gen_intra_origin_factor[HK_GEN_CITIES];

/* Assumed births per year in Zhejiang, 2008..2023, in thousands (only 2023 is sourced; the
 * shape gives the age structure of children). */
extern const int gen_births_k[16];

#endif
