/* The synthetic province generator. One seeded stream of random numbers drives everything, and
 * households are written in a fixed order (city by city, groups interleaved by quota), so a seed
 * gives the same bytes every time. Figures are hit by quotas (persons per city, floating persons
 * per city and origin) and by small feedback controllers (age bands, sex, urban share,
 * education): each choice leans towards whatever is short of its target so far, which keeps the
 * generated totals within a fraction of a percent of the targets at any scale while every
 * household stays internally consistent. docs/generator.md describes the model. */
#include "gen/gen.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "core/idnum.h"
#include "core/person.h"
#include "gen/gen_int.h"

/* ---- random numbers: xoshiro256** seeded by splitmix64 ---- */

typedef struct rng {
  uint64_t s[4];
} rng;

static uint64_t splitmix(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
  uint64_t *s = r->s;
  uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return out;
}

static double unit(rng *r)
{
  return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [0, n). */
static int below(rng *r, int n)
{
  return n <= 1 ? 0 : (int)((rng_next(r) >> 33) % (uint64_t)n);
}

/* Uniform in [lo, hi]. */
static int between(rng *r, int lo, int hi)
{
  return hi <= lo ? lo : lo + below(r, hi - lo + 1);
}

static bool chance(rng *r, double p)
{
  return unit(r) < p;
}

/* Index drawn from weights w[0..n). */
static int pick(rng *r, const double *w, int n)
{
  double total = 0;
  for (int i = 0; i < n; i++)
    total += w[i];
  double x = unit(r) * total;
  for (int i = 0; i < n; i++) {
    if (x < w[i])
      return i;
    x -= w[i];
  }
  return n - 1;
}

/* ---- weighted sets of counties ---- */

typedef struct county_set {
  int32_t *codes;
  double *cum; /* cumulative weights */
  int n;
} county_set;

static bool set_add(county_set *s, int32_t code, double weight)
{
  int32_t *c = realloc(s->codes, (size_t)(s->n + 1) * sizeof *c);
  if (c == NULL)
    return false;
  s->codes = c;
  double *w = realloc(s->cum, (size_t)(s->n + 1) * sizeof *w);
  if (w == NULL)
    return false;
  s->cum = w;
  s->codes[s->n] = code;
  s->cum[s->n] = (s->n ? s->cum[s->n - 1] : 0) + weight;
  s->n++;
  return true;
}

static int32_t set_pick(const county_set *s, rng *r)
{
  double x = unit(r) * s->cum[s->n - 1];
  int lo = 0, hi = s->n - 1;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (s->cum[mid] > x)
      hi = mid;
    else
      lo = mid + 1;
  }
  return s->codes[lo];
}

static void set_free(county_set *s)
{
  free(s->codes);
  free(s->cum);
  memset(s, 0, sizeof *s);
}

static bool is_county_level(const hk_division *d)
{
  return d && d->current &&
         (d->type == HK_DIV_DISTRICT || d->type == HK_DIV_COUNTY || d->type == HK_DIV_COUNTY_CITY);
}

/* Assumed weights: the census per county is not in the research, so districts (denser, urban)
 * weigh more than county-level cities, and those more than counties, as places to live. As
 * places migrants come from the other way round. */
static double live_weight(hk_division_type t)
{
  return t == HK_DIV_DISTRICT ? 1.6 : t == HK_DIV_COUNTY_CITY ? 1.3 : 0.8;
}

static double origin_weight(hk_division_type t)
{
  return t == HK_DIV_DISTRICT ? 0.6 : t == HK_DIV_COUNTY_CITY ? 1.2 : 1.5;
}

/* ---- the generator's state ---- */

enum { MAX_MEMBERS = 8 };
enum { ROLE_HEAD, ROLE_SPOUSE, ROLE_CHILD, ROLE_ELDER };

typedef struct member {
  hk_person p;
  int role;
  int spouse;    /* index in the group, or -1 */
  int parent[2]; /* indices in the group, or -1 */
  int age;
} member;

/* Per-county counters: ID sequence numbers (per birth day and sex, in blocks of one year) and
 * household serial numbers. */
typedef struct county_slot {
  int32_t code;
  uint8_t **years; /* [year - 1900] -> 366 days x 2 sexes, allocated on first use */
  int64_t households;
  int64_t collective_no, collective_fill;
} county_slot;

#define YEAR0 1900
#define YEARS 200

typedef struct gen {
  const hk_gen_options *opt;
  hk_gen_totals *t;
  rng r;
  hk_date as_of;
  int year; /* of as_of */
  FILE *out;
  char *buf;
  size_t len, cap;
  hk_status rc;
  hk_error *err;
  /* divisions */
  county_set live[HK_GEN_CITIES]; /* where people live in each city */
  county_set intra_origin;        /* Zhejiang counties migrants within it come from */
  county_set *origin;             /* per gen_origins entry */
  county_set origin_any;          /* settled migrants' birthplaces */
  int16_t *slot_of;               /* code -> slot + 1 */
  county_slot *slots;
  int n_slots;
  /* controllers: counts so far against the targets */
  int64_t n, n_male, n_urban, n_k, n_e, n_65, n_college, n_senior;
  /* the group being built */
  member m[MAX_MEMBERS];
  int nm;
  int64_t done, total, next_progress;
} gen;

static hk_status oom(gen *g)
{
  if (g->rc == HK_OK)
    g->rc = hk_error_set(g->err, HK_ENOMEM, NULL, "out of memory generating the province");
  return g->rc;
}

static county_slot *slot_for(gen *g, int32_t code)
{
  if (code < 0 || code >= 1000000)
    return NULL;
  int idx = g->slot_of[code];
  if (idx)
    return &g->slots[idx - 1];
  county_slot *s = realloc(g->slots, (size_t)(g->n_slots + 1) * sizeof *s);
  if (s == NULL)
    return NULL;
  g->slots = s;
  county_slot *c = &g->slots[g->n_slots++];
  memset(c, 0, sizeof *c);
  c->code = code;
  c->years = calloc(YEARS, sizeof *c->years);
  if (c->years == NULL) {
    g->n_slots--;
    return NULL;
  }
  g->slot_of[code] = (int16_t)g->n_slots;
  return c;
}

/* ---- small helpers ---- */

static hk_date ymd(int y, int m, int d)
{
  return hk_date_from_ymd(y, m, d);
}

static int year_of(hk_date d)
{
  int y, m, dd;
  hk_date_to_ymd(d, &y, &m, &dd);
  return y;
}

static hk_date min_date(hk_date a, hk_date b)
{
  return a < b ? a : b;
}

static hk_date max_date(hk_date a, hk_date b)
{
  return a > b ? a : b;
}

static int age_on(hk_date birth, hk_date d)
{
  return hk_date_whole_years(birth, d);
}

/* A birth date for someone aged `age` on as_of. */
static hk_date birth_for_age(gen *g, int age)
{
  hk_date anniversary = hk_date_add_years(g->as_of, -age);
  hk_date before = hk_date_add_years(g->as_of, -age - 1);
  return anniversary - below(&g->r, anniversary - before);
}

/* Age bands by weight over 5-year steps from lo. */
static int age_from_bands(gen *g, int lo, const double *w, int n)
{
  int b = pick(&g->r, w, n);
  return lo + 5 * b + below(&g->r, 5);
}

static int age_working(gen *g, bool migrant)
{
  /* 18..59. Assumed shapes: residents follow Zhejiang's pyramid (peaks around 30-34 and 50-54),
   * migrants are younger. */
  static const double local[8] = {0.08, 0.11, 0.14, 0.13, 0.12, 0.13, 0.15, 0.14};
  static const double mig[8] = {0.17, 0.20, 0.19, 0.15, 0.12, 0.09, 0.05, 0.03};
  int age = age_from_bands(g, 20, migrant ? mig : local, 8);
  return age < 60 ? age : 59;
}

static double lean(double base, int64_t count, int64_t n, double target, double step);

static int age_elder(gen *g)
{
  /* 60+: about 72% of them 65 or older (2023: 1021万 of 1424万), leaning to keep that share. */
  static const double w[7] = {0.25, 0.20, 0.13, 0.08, 0.04, 0.012, 0.004};
  if (!chance(&g->r, lean(0.716, g->n_65, g->n, HK_GEN_AGE_65P, 0.2)))
    return 60 + below(&g->r, 5);
  return age_from_bands(g, 65, w, 7);
}

static int age_child(gen *g, int max_age)
{
  /* Birth cohorts follow gen_births_k (2008..2023), shifted to as_of's year. */
  double w[18];
  for (int a = 0; a <= max_age && a < 18; a++)
    w[a] = a <= 15 ? gen_births_k[15 - a] : gen_births_k[0];
  int n = max_age < 17 ? max_age + 1 : 18;
  return pick(&g->r, w, n);
}

/* The ID number: address code, birth date, a sequence number unique for that code, day and
 * sex (odd for men, even for women), check character. */
static bool make_id(gen *g, int32_t code, hk_date *birth, char sex, char out[HK_IDNUM_LEN + 1])
{
  county_slot *c = slot_for(g, code);
  if (c == NULL)
    return false;
  for (int tries = 0; tries < 400; tries++) {
    int y, m, d;
    hk_date_to_ymd(*birth, &y, &m, &d);
    int yi = y - YEAR0;
    if (yi < 0 || yi >= YEARS)
      return false;
    if (c->years[yi] == NULL && (c->years[yi] = calloc((size_t)366 * 2, 1)) == NULL)
      return false;
    int doy = *birth - ymd(y, 1, 1);
    uint8_t *count = &c->years[yi][doy * 2 + (sex == 'F')];
    if (*count < 250) {
      int seq = sex == 'F' ? 2 * (*count) + 2 : 2 * (*count) + 1;
      (*count)++;
      char first[18];
      snprintf(first, sizeof first, "%06d%04d%02d%02d%03d", (int)code, y, m, d, seq);
      memcpy(out, first, 17);
      out[17] = hk_idnum_check_char(first);
      out[18] = '\0';
      return true;
    }
    /* This day is full for this code: the neighbouring day. */
    *birth =
        *birth > ymd(YEAR0, 1, 2) && (tries % 2 || *birth >= g->as_of) ? *birth - 1 : *birth + 1;
  }
  return false;
}

static void make_name(gen *g, member *mb, const char *surname)
{
  char *out = mb->p.name;
  size_t cap = sizeof mb->p.name;
  if (surname == NULL) {
    int total = 0;
    for (int i = 0; i < gen_surname_count; i++)
      total += gen_surnames[i].weight;
    int x = below(&g->r, total);
    int i = 0;
    while (x >= gen_surnames[i].weight)
      x -= gen_surnames[i++].weight;
    surname = gen_surnames[i].text;
  }
  const char *const *chars = mb->p.sex == 'F' ? gen_given_female : gen_given_male;
  int n = mb->p.sex == 'F' ? gen_given_female_count : gen_given_male_count;
  if (chance(&g->r, 0.72))
    snprintf(out, cap, "%s%s%s", surname, chars[below(&g->r, n)], chars[below(&g->r, n)]);
  else
    snprintf(out, cap, "%s%s", surname, chars[below(&g->r, n)]);
}

/* The surname of a name (the first character; 欧阳 is the one two-character surname we use). */
static void surname_of(const char *name, char out[16])
{
  size_t len = strncmp(name, "欧阳", strlen("欧阳")) == 0 ? strlen("欧阳") : 3;
  snprintf(out, 16, "%.*s", (int)len, name);
}

/* A controller nudge: lean towards `yes` when its count is below the target share so far. */
static double lean(double base, int64_t count, int64_t n, double target, double step)
{
  double p = (double)count < target * (double)n ? base + step : base - step;
  return p < 0.02 ? 0.02 : p > 0.98 ? 0.98 : p;
}

static char pick_sex(gen *g, double base_male)
{
  return chance(&g->r, lean(base_male, g->n_male, g->n, HK_GEN_MALE_SHARE, 0.2)) ? 'M' : 'F';
}

/* Start a member of the group: birth, sex, ID number (from `code`), name. */
static member *add_member(gen *g, int role, int age, char sex, int32_t code, const char *surname)
{
  if (g->nm >= MAX_MEMBERS)
    return NULL;
  member *mb = &g->m[g->nm];
  hk_person_reset(&mb->p);
  mb->role = role;
  mb->spouse = -1;
  mb->parent[0] = mb->parent[1] = -1;
  mb->age = age;
  mb->p.sex = sex;
  hk_date birth = birth_for_age(g, age);
  if (!make_id(g, code, &birth, sex, mb->p.id_number)) {
    oom(g);
    return NULL;
  }
  mb->p.birth_date = birth;
  mb->age = age_on(birth, g->as_of);
  make_name(g, mb, surname);
  g->nm++;
  return mb;
}

static void marry(gen *g, int a, int b)
{
  g->m[a].spouse = b;
  g->m[b].spouse = a;
  g->m[a].p.marital_status = g->m[b].p.marital_status = HK_MARITAL_MARRIED;
}

static void parent_of(gen *g, int child, int parent)
{
  member *c = &g->m[child];
  if (c->parent[0] < 0)
    c->parent[0] = parent;
  else
    c->parent[1] = parent;
}

/* Education by age, leaning to hit the census shares of 大专+ and 高中/中专. */
static void set_education(gen *g, member *mb, bool migrant)
{
  hk_person *p = &mb->p;
  int a = mb->age;
  rng *r = &g->r;
  if (a < 6) {
    p->education = HK_EDU_UNSET;
    return;
  }
  if (a <= 11) {
    p->education = HK_EDU_PRIMARY;
    return;
  }
  if (a <= 14) {
    p->education = HK_EDU_JUNIOR;
    return;
  }
  double college = a <= 17   ? 0
                   : a <= 21 ? 0.30
                   : a <= 29 ? 0.42
                   : a <= 39 ? 0.33
                   : a <= 49 ? 0.16
                   : a <= 59 ? 0.07
                   : a <= 69 ? 0.03
                             : 0.015;
  double senior = a <= 17 ? 0.85 : a <= 39 ? 0.24 : a <= 59 ? 0.19 : 0.08;
  if (migrant)
    college *= 0.45;
  if (college > 0)
    college = lean(college, g->n_college, g->n, HK_GEN_EDU_COLLEGE, college * 0.6);
  senior = lean(senior, g->n_senior, g->n, HK_GEN_EDU_SENIOR, senior * 0.3);
  double x = unit(r);
  if (x < college) {
    double y = unit(r);
    p->education = y < 0.45              ? HK_EDU_ASSOCIATE
                   : y < 0.90 || a < 24  ? HK_EDU_BACHELOR
                   : y < 0.985 || a < 27 ? HK_EDU_MASTER
                                         : HK_EDU_DOCTOR;
  } else if (x < college + senior) {
    p->education = chance(r, 0.65) ? HK_EDU_SENIOR : HK_EDU_VOCATIONAL;
  } else if (a >= 60) {
    double y = unit(r);
    p->education = y < 0.35 ? HK_EDU_JUNIOR : y < 0.78 ? HK_EDU_PRIMARY : HK_EDU_NONE;
  } else if (a <= 17) {
    p->education = HK_EDU_JUNIOR;
  } else {
    double y = unit(r);
    p->education = y < 0.62 ? HK_EDU_JUNIOR : y < 0.94 ? HK_EDU_PRIMARY : HK_EDU_NONE;
  }
}

static bool is_college(hk_education e)
{
  return e >= HK_EDU_ASSOCIATE;
}

static bool is_senior(hk_education e)
{
  return e == HK_EDU_SENIOR || e == HK_EDU_VOCATIONAL;
}

/* ---- histories ---- */

#define PUSH(list) HK_LIST_PUSH(list)

/* A random day in [from, to) (to > from). */
static hk_date day_in(gen *g, hk_date from, hk_date to)
{
  return to <= from ? from : from + below(&g->r, to - from);
}

static void add_housing(gen *g, member *mb, int32_t div, bool urban, hk_housing_kind kind,
                        hk_date from)
{
  if (from > g->as_of)
    return;
  hk_housing *h = PUSH(&mb->p.housing);
  if (h == NULL) {
    oom(g);
    return;
  }
  *h = (hk_housing){.division = div,
                    .urban = urban ? HK_TRI_TRUE : HK_TRI_FALSE,
                    .kind = kind,
                    .legal = true,
                    .period = {from, HK_DATE_OPEN}};
  g->t->housing_rows++;
}

/* Employment from `from` (open), sometimes with an earlier job; insurance with it. */
static void add_work(gen *g, member *mb, int32_t div, hk_date from, bool collective,
                     double insured_p)
{
  hk_person *p = &mb->p;
  if (from > g->as_of)
    return;
  int32_t city = hk_division_city_of(div);
  hk_employment *e = PUSH(&p->employment);
  if (e == NULL) {
    oom(g);
    return;
  }
  hk_date change = HK_DATE_NONE;
  if (g->as_of - from > 3 * 365 && chance(&g->r, 0.15))
    change = day_in(g, from + 365, g->as_of - 90);
  *e = (hk_employment){
      .division = div, .collective_household = collective, .period = {from, HK_DATE_OPEN}};
  g->t->employment_rows++;
  if (change != HK_DATE_NONE) {
    e->period.to = change;
    int32_t div2 = chance(&g->r, 0.7) ? div : set_pick(&g->live[(city / 100) % 100 - 1], &g->r);
    hk_employment *e2 = PUSH(&p->employment);
    if (e2 == NULL) {
      oom(g);
      return;
    }
    *e2 = (hk_employment){.division = div2, .period = {change, HK_DATE_OPEN}};
    g->t->employment_rows++;
  }
  if (!chance(&g->r, insured_p))
    return;
  /* Insurance in the city of work, from the month work started; a few had a break. */
  hk_month start = hk_month_of(from), now = hk_month_of(g->as_of);
  hk_insurance *in = PUSH(&p->social_insurance);
  if (in == NULL) {
    oom(g);
    return;
  }
  *in = (hk_insurance){.city = city, .months = {start, HK_MONTH_OPEN}};
  g->t->insurance_rows++;
  if (now - start > 36 && chance(&g->r, 0.08)) {
    hk_month stop = start + 12 + below(&g->r, (int)(now - start) - 24);
    hk_month again = stop + 1 + between(&g->r, 1, 6);
    if (again <= now) {
      in->months.to = stop;
      hk_insurance *in2 = PUSH(&p->social_insurance);
      if (in2 == NULL) {
        oom(g);
        return;
      }
      *in2 = (hk_insurance){.city = city, .months = {again, HK_MONTH_OPEN}};
      g->t->insurance_rows++;
    }
  }
}

/* Insurance paid earlier in a YRD city outside Zhejiang, before arriving; sometimes the pension
 * was transferred in (clause (七)). Inserted first so months stay in order. */
static void add_yrd_insurance(gen *g, member *mb, hk_date arrival)
{
  hk_person *p = &mb->p;
  hk_date adult = hk_date_add_years(p->birth_date, 18);
  hk_date from = hk_date_add_years(arrival, -between(&g->r, 1, 6));
  if (from < adult)
    from = adult;
  hk_month m0 = hk_month_of(from), m1 = hk_month_of(arrival) - 1;
  if (m1 - m0 < 6)
    return;
  hk_insurance *in = PUSH(&p->social_insurance);
  if (in == NULL) {
    oom(g);
    return;
  }
  /* Keep the list in time order: move the new span to the front. */
  memmove(p->social_insurance.items + 1, p->social_insurance.items,
          (p->social_insurance.n - 1) * sizeof *in);
  in = &p->social_insurance.items[0];
  bool transferred = chance(&g->r, 0.55);
  *in = (hk_insurance){.city = gen_yrd_elsewhere[below(&g->r, gen_yrd_elsewhere_count)],
                       .pension_transferred = transferred,
                       .months = {m0, m1}};
  g->t->insurance_rows++;
  g->t->insured_yrd_elsewhere++;
  g->t->pension_transferred += transferred;
}

/* Residence permits (clause (三)): first issued half a year or more after arriving, when a basis
 * (work, legal stable housing) holds; endorsed yearly, sometimes late (a lapse), sometimes not
 * any more. */
static void add_permits(gen *g, member *mb, int32_t div, hk_date arrival, hk_date basis_from)
{
  hk_person *p = &mb->p;
  hk_date earliest = max_date(hk_date_add_months(arrival, 6), basis_from);
  earliest = max_date(earliest, hk_date_add_years(p->birth_date, 16));
  earliest = max_date(earliest, ymd(2016, 1, 1)); /* 居住证暂行条例 in force 2016-01-01 */
  hk_date issue = earliest + below(&g->r, 400);
  if (issue > g->as_of)
    return;
  bool lapsed = false;
  g->t->permit_holders++;
  for (hk_date from = issue; from <= g->as_of;) {
    hk_date to = hk_date_add_years(from, 1);
    hk_permit *pm = PUSH(&p->residence_permits);
    if (pm == NULL) {
      oom(g);
      return;
    }
    *pm = (hk_permit){.division = div, .period = {from, to}};
    g->t->permit_periods++;
    if (chance(&g->r, 0.03))
      break; /* not endorsed any more */
    if (chance(&g->r, 0.03)) {
      from = hk_date_add_months(to, between(&g->r, 1, 8)); /* endorsed late: a lapse */
      lapsed = true;
    } else {
      from = to;
    }
  }
  g->t->permit_lapses += lapsed;
}

static void add_talent(gen *g, member *mb, int32_t div, hk_date not_before)
{
  hk_person *p = &mb->p;
  hk_talent_category cat = HK_TALENT_UNSET;
  switch (p->education) {
  case HK_EDU_ASSOCIATE:
    cat = HK_TALENT_ASSOCIATE;
    break;
  case HK_EDU_BACHELOR:
    cat = chance(&g->r, 0.1) ? HK_TALENT_TITLE_INTERMEDIATE : HK_TALENT_BACHELOR;
    break;
  case HK_EDU_MASTER:
    cat = chance(&g->r, 0.15) ? HK_TALENT_TITLE_SENIOR : HK_TALENT_MASTER;
    break;
  case HK_EDU_DOCTOR:
    cat = HK_TALENT_DOCTOR;
    break;
  case HK_EDU_SENIOR:
  case HK_EDU_VOCATIONAL: {
    static const hk_talent_category skills[3] = {HK_TALENT_SKILL_SENIOR, HK_TALENT_TECHNICIAN,
                                                 HK_TALENT_SENIOR_TECHNICIAN};
    static const double w[3] = {0.7, 0.25, 0.05};
    cat = skills[pick(&g->r, w, 3)];
    break;
  }
  default:
    return;
  }
  hk_date from = max_date(not_before, hk_date_add_years(p->birth_date, 21));
  if (from > g->as_of)
    return;
  hk_talent *t = PUSH(&p->talent);
  if (t == NULL) {
    oom(g);
    return;
  }
  *t = (hk_talent){
      .category = cat, .division = div, .recognised = min_date(g->as_of, from + below(&g->r, 700))};
  g->t->talent_rows++;
}

/* The day a residence registration was declared (一): within the 3 days local practice allows
 * (policy-facts §3.1) for most, later for some, who are then flagged late. */
static void declare(gen *g, hk_residence *r)
{
  bool late = chance(&g->r, 0.07);
  hk_date on = r->period.from + (late ? between(&g->r, 4, 60) : below(&g->r, 4));
  if (on > g->as_of)
    on = g->as_of;
  if (r->period.to != HK_DATE_OPEN && on >= r->period.to)
    on = r->period.from;
  r->declared_on = on;
  r->late = on - r->period.from > 3;
  g->t->residence_late += r->late;
}

/* ---- households ---- */

typedef struct place {
  int city;      /* index 0..10 */
  int32_t live;  /* county lived in */
  int32_t hukou; /* county of hukou */
  bool urban;    /* the address lived at */
  bool hukou_urban;
  bool migrant;
  bool interprovince;
} place;

static bool pick_urban(gen *g, int32_t div, bool migrant)
{
  const hk_division *d = hk_division_find(div);
  double base = !d                              ? 0.7
                : d->type == HK_DIV_DISTRICT    ? 0.86
                : d->type == HK_DIV_COUNTY_CITY ? 0.66
                                                : 0.48;
  if (migrant)
    base += 0.05;
  return chance(&g->r, lean(base, g->n_urban, g->n, HK_GEN_URBAN, 0.12));
}

/* The birthplace code of a resident whose hukou is in `hukou`: mostly the same county, some
 * born elsewhere in the province, a few settled migrants from other provinces. */
static int32_t birthplace(gen *g, int32_t hukou, bool local)
{
  double x = unit(&g->r);
  if (!local || x < 0.85)
    return hukou;
  if (x < 0.95)
    return set_pick(&g->intra_origin, &g->r);
  return set_pick(&g->origin_any, &g->r);
}

/* A local family household of one of seven kinds, leaning towards the age band (children,
 * working age, elderly) that is furthest below its target so far. */
static void build_local(gen *g, const place *pl)
{
  enum { T1, T2, T3, T4, T5, T6, T7 };
  static const double base[7] = {0.08, 0.14, 0.10, 0.14, 0.22, 0.14, 0.18};
  rng *r = &g->r;
  int type;
  if (chance(r, 0.08)) {
    type = pick(r, base, 7);
  } else {
    double n = (double)g->n + 1;
    double dk = (HK_GEN_AGE_0_15 * n - (double)g->n_k) / (HK_GEN_AGE_0_15 * n);
    double de = (HK_GEN_AGE_60P * n - (double)g->n_e) / (HK_GEN_AGE_60P * n);
    double nw = (double)(g->n - g->n_k - g->n_e);
    double dw = (HK_GEN_AGE_16_59 * n - nw) / (HK_GEN_AGE_16_59 * n);
    if (dk >= de && dk >= dw) {
      static const double w[7] = {0, 0, 0, 0, 0.6, 0.4, 0};
      type = pick(r, w, 7);
    } else if (de >= dw) {
      static const double w[7] = {0.30, 0.45, 0, 0, 0, 0.25, 0};
      type = pick(r, w, 7);
    } else {
      static const double w[7] = {0, 0, 0.25, 0.30, 0, 0, 0.45};
      type = pick(r, w, 7);
    }
  }
  int32_t code = pl->hukou;
  member *h;
  switch (type) {
  case T1: {
    h = add_member(g, ROLE_HEAD, age_elder(g), chance(r, 0.62) ? 'F' : 'M',
                   birthplace(g, code, true), NULL);
    if (!h)
      return;
    double x = unit(r);
    h->p.marital_status = x < 0.80   ? HK_MARITAL_WIDOWED
                          : x < 0.92 ? HK_MARITAL_DIVORCED
                                     : HK_MARITAL_UNMARRIED;
    break;
  }
  case T2: {
    int ha = age_elder(g);
    h = add_member(g, ROLE_HEAD, ha, 'M', birthplace(g, code, true), NULL);
    if (!h)
      return;
    int wa = ha - between(r, 0, 5);
    member *w = add_member(g, ROLE_SPOUSE, wa < 60 ? 60 : wa, 'F', birthplace(g, code, true), NULL);
    if (!w)
      return;
    marry(g, 0, 1);
    break;
  }
  case T3: {
    int a = age_working(g, false);
    h = add_member(g, ROLE_HEAD, a, pick_sex(g, 0.52), birthplace(g, code, true), NULL);
    if (!h)
      return;
    h->p.marital_status = a < 35 ? (chance(r, 0.92) ? HK_MARITAL_UNMARRIED : HK_MARITAL_DIVORCED)
                                 : (chance(r, 0.45) ? HK_MARITAL_UNMARRIED : HK_MARITAL_DIVORCED);
    break;
  }
  case T4: {
    int ha = age_working(g, false);
    if (ha < 22)
      ha = 22 + below(r, 10);
    h = add_member(g, ROLE_HEAD, ha, 'M', birthplace(g, code, true), NULL);
    if (!h)
      return;
    int wa = ha - between(r, 0, 4);
    if (!add_member(g, ROLE_SPOUSE, wa < 20 ? 20 : wa, 'F', birthplace(g, code, true), NULL))
      return;
    marry(g, 0, 1);
    break;
  }
  case T5:
  case T6:
  case T7: {
    static const double kids_w[3] = {0.55, 0.40, 0.05};
    int kids = type == T7 ? 1 : 1 + pick(r, kids_w, 3);
    int ages[3], oldest = 0;
    for (int i = 0; i < kids; i++) {
      ages[i] = type == T7 ? between(r, 18, 30) : age_child(g, type == T5 ? 17 : 15);
      if (ages[i] > oldest)
        oldest = ages[i];
    }
    int mother = oldest + between(r, 22, 35);
    if (type == T7 && mother < 45)
      mother = 45 + below(r, 10);
    if (mother > 59)
      mother = 59;
    int father = mother + between(r, 0, 4);
    if (father > 62)
      father = 62;
    h = add_member(g, ROLE_HEAD, father, 'M', birthplace(g, code, true), NULL);
    if (!h)
      return;
    char surname[16];
    surname_of(h->p.name, surname);
    if (!add_member(g, ROLE_SPOUSE, mother, 'F', birthplace(g, code, true), NULL))
      return;
    marry(g, 0, 1);
    for (int i = 0; i < kids; i++) {
      int c = g->nm;
      if (!add_member(g, ROLE_CHILD, ages[i], pick_sex(g, 0.53), code, surname))
        return;
      g->m[c].p.marital_status = HK_MARITAL_UNMARRIED;
      parent_of(g, c, 0);
      parent_of(g, c, 1);
    }
    if (type == T6) {
      int elders = chance(r, 0.55) ? 2 : 1;
      int ea = father + between(r, 24, 32);
      if (ea < 60)
        ea = 60 + below(r, 5);
      int gf = g->nm;
      char esex = elders == 2 || chance(r, 0.3) ? 'M' : 'F';
      /* The husband's father shares his surname. */
      if (!add_member(g, ROLE_ELDER, ea, esex, birthplace(g, code, true),
                      esex == 'M' ? surname : NULL))
        return;
      parent_of(g, 0, gf);
      g->m[gf].p.marital_status = elders == 2 ? HK_MARITAL_MARRIED : HK_MARITAL_WIDOWED;
      if (elders == 2) {
        int gm = g->nm;
        if (!add_member(g, ROLE_ELDER, ea - between(r, 0, 4) < 60 ? 60 : ea - between(r, 0, 4), 'F',
                        birthplace(g, code, true), NULL))
          return;
        parent_of(g, 0, gm);
        marry(g, gf, gm);
      }
    }
    break;
  }
  }
}

/* A group of migrants who live together in Zhejiang and share a hukou household at home. */
static void build_migrant(gen *g, const place *pl)
{
  enum { G1, G2, G3, G4, G5 };
  /* Families with children are fewer, and smaller, while children are above their share. */
  static const double w[5] = {0.52, 0.18, 0.22, 0.05, 0.03};
  static const double w_fewer[5] = {0.58, 0.22, 0.12, 0.05, 0.03};
  rng *r = &g->r;
  bool kids_over = (double)g->n_k > HK_GEN_AGE_0_15 * (double)g->n;
  int type = pick(r, kids_over ? w_fewer : w, 5);
  int32_t code = pl->hukou;
  member *h;
  switch (type) {
  case G1: {
    int a = age_working(g, true);
    h = add_member(g, ROLE_HEAD, a, pick_sex(g, 0.62), code, NULL);
    if (!h)
      return;
    h->p.marital_status = a < 28           ? HK_MARITAL_UNMARRIED
                          : chance(r, 0.7) ? HK_MARITAL_MARRIED /* spouse stayed at home */
                                           : HK_MARITAL_DIVORCED;
    break;
  }
  case G2:
  case G3:
  case G4: {
    int kids = type == G2 ? 0 : chance(r, kids_over ? 0.85 : 0.6) ? 1 : 2;
    int ages[2], oldest = 0;
    for (int i = 0; i < kids; i++) {
      ages[i] = age_child(g, 15);
      if (ages[i] > oldest)
        oldest = ages[i];
    }
    int mother = kids ? oldest + between(r, 20, 33) : age_working(g, true);
    if (mother < 20)
      mother = 20 + below(r, 8);
    if (mother > 58)
      mother = 58;
    int father = mother + between(r, 0, 4);
    h = add_member(g, ROLE_HEAD, father, 'M', code, NULL);
    if (!h)
      return;
    char surname[16];
    surname_of(h->p.name, surname);
    if (!add_member(g, ROLE_SPOUSE, mother, 'F', code, NULL))
      return;
    marry(g, 0, 1);
    for (int i = 0; i < kids; i++) {
      int c = g->nm;
      if (!add_member(g, ROLE_CHILD, ages[i], pick_sex(g, 0.53), code, surname))
        return;
      g->m[c].p.marital_status = HK_MARITAL_UNMARRIED;
      parent_of(g, c, 0);
      parent_of(g, c, 1);
    }
    if (type == G4) {
      int e = g->nm;
      int ea = father + between(r, 24, 30);
      if (!add_member(g, ROLE_ELDER, ea < 55 ? 55 : ea, chance(r, 0.35) ? 'M' : 'F', code, NULL))
        return;
      g->m[e].p.marital_status = HK_MARITAL_WIDOWED;
      parent_of(g, 0, e);
    }
    break;
  }
  case G5: {
    int ha = age_elder(g);
    if (ha > 85)
      ha = 70 + below(r, 10);
    h = add_member(g, ROLE_HEAD, ha, 'M', code, NULL);
    if (!h)
      return;
    if (chance(r, 0.6)) {
      int wa = ha - between(r, 0, 4);
      if (!add_member(g, ROLE_SPOUSE, wa < 60 ? 60 : wa, 'F', code, NULL))
        return;
      marry(g, 0, 1);
    } else {
      h->p.marital_status = HK_MARITAL_WIDOWED;
    }
    break;
  }
  }
}

/* Drop members beyond `keep` (a city's last group may overfill its quota), with their links. */
static void truncate_group(gen *g, int keep)
{
  if (keep >= g->nm)
    return;
  g->nm = keep;
  for (int i = 0; i < g->nm; i++) {
    member *mb = &g->m[i];
    if (mb->spouse >= keep)
      mb->spouse = -1;
    for (int k = 0; k < 2; k++)
      if (mb->parent[k] >= keep)
        mb->parent[k] = -1;
  }
}

static void link(gen *g, member *from, hk_relation rel, const member *to)
{
  hk_relative_link *l = hk_list_push((void **)&from->p.relatives.items, &from->p.relatives.n,
                                     &from->p.relatives.cap, sizeof *l, HK_RELATIVES_MAX);
  if (l == NULL) {
    oom(g);
    return;
  }
  l->relation = rel;
  memcpy(l->id_number, to->p.id_number, sizeof l->id_number);
  g->t->links++;
}

/* Hukou, histories and links for everyone in the group. */
static void fill_group(gen *g, const place *pl)
{
  rng *r = &g->r;
  county_slot *hs = slot_for(g, pl->hukou);
  if (hs == NULL) {
    oom(g);
    return;
  }
  /* The household: family households by default; young local singles often in their employer's
   * or school's collective household (at most 200 to one). */
  bool collective = !pl->migrant && g->nm == 1 && g->m[0].age >= 18 && g->m[0].age <= 30 &&
                    g->m[0].role == ROLE_HEAD && g->m[0].p.marital_status == HK_MARITAL_UNMARRIED &&
                    chance(r, 0.35);
  char hh[HK_HOUSEHOLD_NO_MAX + 1];
  if (collective) {
    if (hs->collective_fill == 0 || hs->collective_fill >= 200) {
      hs->collective_no++;
      hs->collective_fill = 0;
      g->t->households++;
      g->t->collective_households++;
    }
    hs->collective_fill++;
    snprintf(hh, sizeof hh, "%06d-J%07lld", (int)pl->hukou, (long long)hs->collective_no);
  } else {
    hs->households++;
    g->t->households++;
    g->t->family_households++;
    g->t->family_members += g->nm;
    snprintf(hh, sizeof hh, "%06d-%08lld", (int)pl->hukou, (long long)hs->households);
  }
  bool head_present = pl->migrant ? chance(r, 0.6) || g->nm > 1 : true;

  /* When the group came (migrants) and what they live in. */
  hk_date arrival = HK_DATE_NONE, prev_from = HK_DATE_NONE;
  int32_t prev_div = 0;
  hk_housing_kind kind = HK_HOUSING_UNSET;
  hk_date buy = HK_DATE_NONE;
  if (pl->migrant) {
    static const double yrs_w[5] = {0.12, 0.20, 0.25, 0.23, 0.20};
    static const int yrs_lo[5] = {0, 1, 3, 6, 10}, yrs_hi[5] = {1, 3, 6, 10, 20};
    int b = pick(r, yrs_w, 5);
    int days = between(r, yrs_lo[b] * 365, yrs_hi[b] * 365);
    /* Nobody in the group arrived before the oldest adult turned 16. */
    int oldest = 0;
    for (int i = 0; i < g->nm; i++)
      if (g->m[i].role != ROLE_CHILD && g->m[i].age > oldest)
        oldest = g->m[i].age;
    int youngest_adult = 200;
    for (int i = 0; i < g->nm; i++)
      if (g->m[i].role != ROLE_CHILD && g->m[i].age < youngest_adult)
        youngest_adult = g->m[i].age;
    int max_days = (youngest_adult - 16) * 365;
    if (max_days < 30)
      max_days = 30;
    if (days > max_days)
      days = below(r, max_days);
    arrival = g->as_of - days;
    if (g->as_of - arrival > 2 * 365 && chance(r, 0.2)) {
      /* An earlier stay elsewhere in the province. */
      int c = below(r, HK_GEN_CITIES);
      if (c == pl->city)
        c = (c + 1) % HK_GEN_CITIES;
      prev_div = set_pick(&g->live[c], r);
      prev_from = hk_date_add_years(arrival, -between(r, 1, 5));
    }
    static const hk_housing_kind kinds[5] = {HK_HOUSING_RENTED, HK_HOUSING_EMPLOYER,
                                             HK_HOUSING_RELATIVE, HK_HOUSING_OWNED,
                                             HK_HOUSING_UNSET};
    static const double kw[5] = {0.55, 0.20, 0.10, 0.08, 0.07};
    kind = kinds[pick(r, kw, 5)];
    if (kind == HK_HOUSING_OWNED) {
      buy = arrival + between(r, 365, 5 * 365);
      if (buy > g->as_of)
        kind = HK_HOUSING_RENTED, buy = HK_DATE_NONE;
    }
  } else {
    static const hk_housing_kind kinds[4] = {HK_HOUSING_OWNED, HK_HOUSING_RENTED,
                                             HK_HOUSING_RELATIVE, HK_HOUSING_EMPLOYER};
    static const double kw[4] = {0.82, 0.10, 0.05, 0.03};
    kind = kinds[pick(r, kw, 4)];
  }
  int city_code = hk_gen_cities[pl->city].code;

  for (int i = 0; i < g->nm; i++) {
    member *mb = &g->m[i];
    hk_person *p = &mb->p;
    bool adult = mb->age >= 18;
    p->has_hukou = true;
    p->hukou = (hk_hukou){.division = pl->hukou,
                          .household = collective ? HK_HOUSEHOLD_COLLECTIVE : HK_HOUSEHOLD_FAMILY,
                          .head = !collective && i == 0 && head_present,
                          .urban = pl->hukou_urban ? HK_TRI_TRUE : HK_TRI_FALSE};
    memcpy(p->hukou.household_no, hh, sizeof hh);
    set_education(g, mb, pl->migrant);
    if (p->marital_status == HK_MARITAL_UNSET)
      p->marital_status = HK_MARITAL_UNMARRIED;

    bool working = adult && mb->age <= (p->sex == 'F' ? 55 : 60) && mb->role != ROLE_ELDER;
    if (pl->migrant) {
      /* Residence registrations (clause (一)): the earlier stay, then here since arrival (or
       * birth, for children born here). */
      hk_date here = max_date(arrival, p->birth_date);
      if (prev_div && prev_from >= hk_date_add_years(p->birth_date, 16) && adult) {
        hk_residence *rp = PUSH(&p->residence);
        if (rp == NULL)
          return (void)oom(g);
        hk_date prev_to = arrival - between(r, 0, 60);
        if (prev_to <= prev_from)
          prev_to = arrival;
        *rp = (hk_residence){.division = prev_div,
                             .urban = HK_TRI_TRUE,
                             .period = {prev_from, prev_to},
                             .ended = HK_RES_END_MOVED}; /* the registration here replaced it */
        declare(g, rp);
        g->t->residence_rows++;
        if (working && chance(r, 0.5)) {
          hk_insurance *in = PUSH(&p->social_insurance);
          if (in == NULL)
            return (void)oom(g);
          *in = (hk_insurance){.city = hk_division_city_of(prev_div),
                               .months = {hk_month_of(prev_from), hk_month_of(prev_to) - 1}};
          if (in->months.to < in->months.from)
            p->social_insurance.n--;
          else
            g->t->insurance_rows++;
        }
      }
      hk_residence *rc = PUSH(&p->residence);
      if (rc == NULL)
        return (void)oom(g);
      *rc = (hk_residence){.division = pl->live,
                           .urban = pl->urban ? HK_TRI_TRUE : HK_TRI_FALSE,
                           .period = {here, HK_DATE_OPEN}};
      declare(g, rc);
      g->t->residence_rows++;
      hk_date legal_from = HK_DATE_NONE;
      if (adult && kind != HK_HOUSING_UNSET) {
        hk_date from = max_date(here, hk_date_add_years(p->birth_date, 18));
        if (kind == HK_HOUSING_OWNED) {
          if (from < buy) {
            add_housing(g, mb, pl->live, pl->urban, HK_HOUSING_RENTED, from);
            if (p->housing.n)
              p->housing.items[p->housing.n - 1].period.to = buy;
          }
          add_housing(g, mb, pl->live, pl->urban, HK_HOUSING_OWNED, max_date(from, buy));
        } else {
          add_housing(g, mb, pl->live, pl->urban, kind, from);
        }
        if (kind != HK_HOUSING_RELATIVE)
          legal_from = from;
      }
      hk_date work_from = HK_DATE_NONE;
      if (working && chance(r, 0.88)) {
        work_from = max_date(here, hk_date_add_years(p->birth_date, 18)) + below(r, 90);
        if (work_from <= g->as_of) {
          if (p->social_insurance.n == 0 && chance(r, 0.12))
            add_yrd_insurance(g, mb, here);
          add_work(g, mb, pl->live, work_from, kind == HK_HOUSING_EMPLOYER && chance(r, 0.5), 0.72);
        } else {
          work_from = HK_DATE_NONE;
        }
      }
      if (mb->age >= 6 && mb->age < 18) {
        hk_schooling *s = PUSH(&p->schooling);
        if (s == NULL)
          return (void)oom(g);
        *s = (hk_schooling){
            .division = pl->live,
            .period = {max_date(here, hk_date_add_years(p->birth_date, 6)), HK_DATE_OPEN}};
        g->t->schooling_rows++;
      }
      /* A permit needs half a year here and a basis: work or legal stable housing. */
      hk_date basis = work_from != HK_DATE_NONE && legal_from != HK_DATE_NONE
                          ? min_date(work_from, legal_from)
                      : work_from != HK_DATE_NONE ? work_from
                                                  : legal_from;
      if (mb->age >= 16 && basis != HK_DATE_NONE && chance(r, 0.78))
        add_permits(g, mb, pl->live, here, basis);
      if (adult && (is_college(p->education) ? chance(r, 0.30) : working && chance(r, 0.04)))
        add_talent(g, mb, pl->live, here);
      if (city_code == 330100 && adult && chance(r, 0.15)) {
        static const int blood[3] = {0, 200, 400};
        p->points_facts = (hk_points_facts){.present = true,
                                            .volunteer_hours = chance(r, 0.5) ? below(r, 200) : 0,
                                            .blood_ml = blood[below(r, 3)],
                                            .donation_yuan = chance(r, 0.2) ? below(r, 5000) : 0,
                                            .skill = HK_TALENT_NONE};
        g->t->points_facts++;
      }
    } else {
      /* Locals live at their hukou address: no residence registration. */
      if (adult && (mb->role == ROLE_HEAD || mb->role == ROLE_SPOUSE)) {
        int span = mb->age - 18 < 30 ? mb->age - 18 : 30;
        hk_date from = hk_date_add_years(g->as_of, -below(r, span + 1)) - below(r, 365);
        from = max_date(from, hk_date_add_years(p->birth_date, 18));
        add_housing(g, mb, pl->hukou, pl->urban, collective ? HK_HOUSING_EMPLOYER : kind, from);
      }
      if (working && chance(r, collective ? 0.9 : 0.72)) {
        int start_age = is_college(p->education) ? 22 : 18;
        int span = mb->age - start_age;
        if (span >= 0) {
          hk_date from =
              hk_date_add_years(g->as_of, -below(r, (span < 20 ? span : 20) + 1)) - below(r, 365);
          from = max_date(from, hk_date_add_years(p->birth_date, start_age));
          int32_t div = chance(r, 0.85) ? pl->hukou : set_pick(&g->live[pl->city], r);
          add_work(g, mb, div, from, collective, 0.88);
        }
      }
      if (adult && is_college(p->education) && chance(r, 0.10))
        add_talent(g, mb, pl->hukou, hk_date_add_years(p->birth_date, 22));
    }
  }
  /* Kinship: spouses, parents and children, each link in both directions. */
  for (int i = 0; i < g->nm; i++) {
    member *mb = &g->m[i];
    if (mb->spouse >= 0)
      link(g, mb, HK_REL_SPOUSE, &g->m[mb->spouse]);
    for (int k = 0; k < 2; k++)
      if (mb->parent[k] >= 0)
        link(g, mb, HK_REL_PARENT, &g->m[mb->parent[k]]);
    for (int j = 0; j < g->nm; j++)
      if (g->m[j].parent[0] == i || g->m[j].parent[1] == i)
        link(g, mb, HK_REL_CHILD, &g->m[j]);
  }
}

/* ---- writing JSON lines ---- */

static void out_reserve(gen *g, size_t more)
{
  if (g->len + more <= g->cap)
    return;
  size_t cap = g->cap ? g->cap : 1 << 20;
  while (cap < g->len + more)
    cap *= 2;
  char *b = realloc(g->buf, cap);
  if (b == NULL) {
    oom(g);
    g->len = 0;
    return;
  }
  g->buf = b;
  g->cap = cap;
}

static void put(gen *g, const char *s)
{
  size_t n = strlen(s);
  out_reserve(g, n);
  if (g->rc == HK_OK) {
    memcpy(g->buf + g->len, s, n);
    g->len += n;
  }
}

static void putf_int(gen *g, long long v)
{
  char tmp[24];
  snprintf(tmp, sizeof tmp, "%lld", v);
  put(g, tmp);
}

static void put_str(gen *g, const char *key, const char *v)
{
  put(g, "\"");
  put(g, key);
  put(g, "\":\"");
  put(g, v);
  put(g, "\"");
}

static void put_div(gen *g, const char *key, int32_t d)
{
  char tmp[8];
  snprintf(tmp, sizeof tmp, "%06d", (int)d);
  put_str(g, key, tmp);
}

static void put_date(gen *g, const char *key, hk_date d)
{
  put(g, "\"");
  put(g, key);
  if (d == HK_DATE_OPEN || d == HK_DATE_NONE) {
    put(g, "\":null");
    return;
  }
  char tmp[11];
  put(g, "\":\"");
  put(g, hk_date_format(d, tmp));
  put(g, "\"");
}

static void put_month(gen *g, const char *key, hk_month m)
{
  put(g, "\"");
  put(g, key);
  if (m == HK_MONTH_OPEN) {
    put(g, "\":null");
    return;
  }
  char tmp[8];
  put(g, "\":\"");
  put(g, hk_month_format(m, tmp));
  put(g, "\"");
}

static void put_tri(gen *g, const char *key, hk_tri t)
{
  if (t == HK_TRI_UNSET)
    return;
  put(g, ",\"");
  put(g, key);
  put(g, t == HK_TRI_TRUE ? "\":true" : "\":false");
}

static void write_person(gen *g, const hk_person *p)
{
  put(g, "{");
  put_str(g, "id_number", p->id_number);
  put(g, ",");
  put_str(g, "name", p->name);
  if (p->marital_status) {
    put(g, ",");
    put_str(g, "marital_status", hk_marital_name(p->marital_status));
  }
  if (p->education) {
    put(g, ",");
    put_str(g, "education", hk_education_name(p->education));
  }
  put(g, ",\"hukou\":{");
  put_div(g, "division", p->hukou.division);
  put(g, ",");
  put_str(g, "household", hk_household_kind_name(p->hukou.household));
  put(g, p->hukou.head ? ",\"head\":true" : ",\"head\":false");
  put_tri(g, "urban", p->hukou.urban);
  put(g, ",");
  put_str(g, "household_no", p->hukou.household_no);
  put(g, "}");
  if (p->residence.n) {
    put(g, ",\"residence\":[");
    for (uint32_t i = 0; i < p->residence.n; i++) {
      const hk_residence *e = &p->residence.items[i];
      put(g, i ? ",{" : "{");
      put_div(g, "division", e->division);
      put_tri(g, "urban", e->urban);
      put(g, ",");
      put_date(g, "from", e->period.from);
      put(g, ",");
      put_date(g, "to", e->period.to);
      if (e->declared_on != 0) {
        put(g, ",");
        put_date(g, "declared_on", e->declared_on);
      }
      if (e->late)
        put(g, ",\"late\":true");
      if (e->ended) {
        put(g, ",");
        put_str(g, "ended", hk_residence_end_name((hk_residence_end)e->ended));
      }
      put(g, "}");
    }
    put(g, "]");
  }
  if (p->housing.n) {
    put(g, ",\"housing\":[");
    for (uint32_t i = 0; i < p->housing.n; i++) {
      const hk_housing *e = &p->housing.items[i];
      put(g, i ? ",{" : "{");
      put_div(g, "division", e->division);
      put_tri(g, "urban", e->urban);
      put(g, ",");
      put_str(g, "kind", hk_housing_kind_name(e->kind));
      put(g, ",");
      put_date(g, "from", e->period.from);
      put(g, ",");
      put_date(g, "to", e->period.to);
      put(g, "}");
    }
    put(g, "]");
  }
  if (p->employment.n) {
    put(g, ",\"employment\":[");
    for (uint32_t i = 0; i < p->employment.n; i++) {
      const hk_employment *e = &p->employment.items[i];
      put(g, i ? ",{" : "{");
      put_div(g, "division", e->division);
      put(g, ",");
      put_date(g, "from", e->period.from);
      put(g, ",");
      put_date(g, "to", e->period.to);
      put(g, e->collective_household ? ",\"collective_household\":true}"
                                     : ",\"collective_household\":false}");
    }
    put(g, "]");
  }
  if (p->schooling.n) {
    put(g, ",\"schooling\":[");
    for (uint32_t i = 0; i < p->schooling.n; i++) {
      const hk_schooling *e = &p->schooling.items[i];
      put(g, i ? ",{" : "{");
      put_div(g, "division", e->division);
      put(g, ",");
      put_date(g, "from", e->period.from);
      put(g, ",");
      put_date(g, "to", e->period.to);
      put(g, "}");
    }
    put(g, "]");
  }
  if (p->social_insurance.n) {
    put(g, ",\"social_insurance\":[");
    for (uint32_t i = 0; i < p->social_insurance.n; i++) {
      const hk_insurance *e = &p->social_insurance.items[i];
      put(g, i ? ",{" : "{");
      put_div(g, "city", e->city);
      put(g, ",");
      put_month(g, "from", e->months.from);
      put(g, ",");
      put_month(g, "to", e->months.to);
      put(g, e->pension_transferred ? ",\"pension_transferred\":true}"
                                    : ",\"pension_transferred\":false}");
    }
    put(g, "]");
  }
  if (p->residence_permits.n) {
    put(g, ",\"residence_permits\":[");
    for (uint32_t i = 0; i < p->residence_permits.n; i++) {
      const hk_permit *e = &p->residence_permits.items[i];
      put(g, i ? ",{" : "{");
      put_div(g, "division", e->division);
      put(g, ",");
      put_date(g, "from", e->period.from);
      put(g, ",");
      put_date(g, "to", e->period.to);
      put(g, "}");
    }
    put(g, "]");
  }
  if (p->talent.n) {
    put(g, ",\"talent\":[");
    for (uint32_t i = 0; i < p->talent.n; i++) {
      const hk_talent *e = &p->talent.items[i];
      put(g, i ? ",{" : "{");
      put_str(g, "category", hk_talent_category_name(e->category));
      put(g, ",");
      put_div(g, "division", e->division);
      if (e->recognised != HK_DATE_NONE) {
        put(g, ",");
        put_date(g, "recognised", e->recognised);
      }
      put(g, "}");
    }
    put(g, "]");
  }
  if (p->points_facts.present) {
    const hk_points_facts *f = &p->points_facts;
    put(g, ",\"points_facts\":{\"volunteer_hours\":");
    putf_int(g, f->volunteer_hours);
    put(g, ",\"blood_ml\":");
    putf_int(g, f->blood_ml);
    put(g, ",\"donation_yuan\":");
    putf_int(g, f->donation_yuan);
    put(g, ",");
    put_str(g, "skill", hk_talent_category_name(f->skill));
    put(g, "}");
  }
  if (p->relatives.n) {
    put(g, ",\"relatives\":[");
    for (uint32_t i = 0; i < p->relatives.n; i++) {
      const hk_relative_link *l = &p->relatives.items[i];
      put(g, i ? ",{" : "{");
      put_str(g, "relation", hk_relation_name(l->relation));
      put(g, ",");
      put_str(g, "id_number", l->id_number);
      put(g, "}");
    }
    put(g, "]");
  }
  put(g, "}\n");
}

static void flush_out(gen *g)
{
  if (g->rc != HK_OK || g->len == 0)
    return;
  if (fwrite(g->buf, 1, g->len, g->out) != g->len)
    g->rc = hk_error_set(g->err, HK_EIO, "output", "write failed");
  g->len = 0;
}

/* Count the group into the controllers and the report, then write it. */
static void emit_group(gen *g, const place *pl)
{
  hk_gen_totals *t = g->t;
  for (int i = 0; i < g->nm; i++) {
    const member *mb = &g->m[i];
    const hk_person *p = &mb->p;
    int a = mb->age;
    g->n++;
    t->persons++;
    if (p->sex == 'M')
      g->n_male++, t->male++;
    else
      t->female++;
    if (pl->urban)
      g->n_urban++, t->urban++;
    if (a <= 15)
      g->n_k++, t->age_0_15++;
    if (a >= 60)
      g->n_e++, t->age_60p++;
    if (a >= 65)
      g->n_65++;
    t->age_0_14 += a <= 14;
    t->age_15_59 += a >= 15 && a <= 59;
    t->age_16_59 += a >= 16 && a <= 59;
    t->age_65p += a >= 65;
    if (is_college(p->education))
      g->n_college++, t->edu_college++;
    if (is_senior(p->education))
      g->n_senior++, t->edu_senior++;
    t->resident[pl->city]++;
    if (pl->migrant) {
      t->floating++;
      t->floating_city[pl->city]++;
      if (pl->interprovince) {
        t->floating_interprovince++;
        t->origin_province[pl->hukou / 10000 % 100]++;
      } else {
        t->floating_intraprovince++;
      }
    }
    if (pl->hukou / 10000 == 33) {
      int c = (int)(hk_division_city_of(pl->hukou) / 100 % 100) - 1;
      if (c >= 0 && c < HK_GEN_CITIES)
        t->registered[c]++;
    }
    int by = year_of(p->birth_date);
    if (by > g->year - 10 && by <= g->year)
      t->born_year[by - (g->year - 9)]++;
    write_person(g, p);
  }
  g->done += g->nm;
  if (g->len > (1 << 20))
    flush_out(g);
  if (g->opt->on_progress && g->done >= g->next_progress) {
    g->opt->on_progress(g->done, g->total, g->opt->cls);
    g->next_progress = g->done + 65536;
  }
}

/* ---- setting up ---- */

static hk_status build_sets(gen *g)
{
  for (int c = 0; c < HK_GEN_CITIES; c++) {
    int32_t city = hk_gen_cities[c].code;
    for (int32_t code = city + 1; code < city + 100; code++) {
      const hk_division *d = hk_division_find(code);
      if (!is_county_level(d))
        continue;
      if (!set_add(&g->live[c], code, live_weight(d->type)) ||
          !set_add(&g->intra_origin, code, origin_weight(d->type) * gen_intra_origin_factor[c]))
        return oom(g);
    }
    if (g->live[c].n == 0)
      return hk_error_set(g->err, HK_EINTERNAL, NULL, "no counties for city %06d", (int)city);
  }
  g->origin = calloc((size_t)gen_origin_count, sizeof *g->origin);
  if (g->origin == NULL)
    return oom(g);
  for (int o = 0; o < gen_origin_count; o++) {
    int32_t prov = gen_origins[o].code2 * 10000;
    for (int32_t code = prov + 101; code < prov + 10000; code++) {
      if (code % 100 == 0)
        continue;
      const hk_division *d = hk_division_find(code);
      if (!is_county_level(d))
        continue;
      if (!set_add(&g->origin[o], code, origin_weight(d->type)) ||
          !set_add(&g->origin_any, code, origin_weight(d->type) * gen_origins[o].share))
        return oom(g);
    }
    if (g->origin[o].n == 0)
      return hk_error_set(g->err, HK_EINTERNAL, NULL, "no counties for province %d",
                          gen_origins[o].code2);
  }
  return HK_OK;
}

/* Split `total` over n parts by weight, rounding so that the parts add up exactly (largest
 * remainders). */
static void apportion(int64_t total, const double *w, int n, int64_t *out)
{
  double sum = 0;
  for (int i = 0; i < n; i++)
    sum += w[i];
  int64_t given = 0;
  double rem[64];
  for (int i = 0; i < n; i++) {
    double exact = sum > 0 ? (double)total * w[i] / sum : 0;
    out[i] = (int64_t)floor(exact);
    rem[i] = exact - (double)out[i];
    given += out[i];
  }
  while (given < total) {
    int best = 0;
    for (int i = 1; i < n; i++)
      if (rem[i] > rem[best])
        best = i;
    out[best]++;
    rem[best] = -1;
    given++;
  }
}

int64_t hk_gen_target_persons(const hk_gen_options *opt)
{
  if (opt->persons > 0)
    return opt->persons;
  return (int64_t)llround(opt->scale * (double)HK_GEN_PROVINCE_2023);
}

static int32_t origin_county(gen *g, bool inter, int city, int32_t live)
{
  if (inter) {
    double w[64];
    for (int o = 0; o < gen_origin_count; o++)
      w[o] = gen_origins[o].share;
    int o = pick(&g->r, w, gen_origin_count);
    return set_pick(&g->origin[o], &g->r);
  }
  /* Within the province: from another county, not both districts of the same city (moves
   * between one city's districts are not 流动人口). */
  for (;;) {
    int32_t c = set_pick(&g->intra_origin, &g->r);
    if (hk_division_city_of(c) != hk_gen_cities[city].code)
      return c;
    if (c != live && chance(&g->r, 0.25)) {
      const hk_division *d = hk_division_find(c), *l = hk_division_find(live);
      if (d && l && (d->type != HK_DIV_DISTRICT || l->type != HK_DIV_DISTRICT))
        return c;
    }
  }
}

hk_status hk_gen_write(const hk_gen_options *opt, FILE *out, hk_gen_totals *totals, hk_error *err)
{
  hk_gen_totals local_totals;
  if (totals == NULL)
    totals = &local_totals;
  memset(totals, 0, sizeof *totals);
  int64_t total = hk_gen_target_persons(opt);
  if (total <= 0 || total > 200000000)
    return hk_error_set(err, HK_EINVAL, "scale", "the number of persons must be 1..200000000");

  gen *g = calloc(1, sizeof *g);
  if (g == NULL)
    return hk_error_set(err, HK_ENOMEM, NULL, "out of memory");
  g->opt = opt;
  g->t = totals;
  g->err = err;
  g->out = out;
  g->total = total;
  g->next_progress = 65536;
  g->as_of = opt->as_of == HK_DATE_NONE ? ymd(2023, 12, 31) : opt->as_of;
  g->year = year_of(g->as_of);
  totals->as_of_year = g->year;
  uint64_t seed = opt->seed;
  for (int i = 0; i < 4; i++)
    g->r.s[i] = splitmix(&seed);
  for (int i = 0; i < MAX_MEMBERS; i++)
    hk_person_init(&g->m[i].p);
  g->slot_of = calloc(1000000, sizeof *g->slot_of);
  if (g->slot_of == NULL)
    oom(g);
  else
    build_sets(g);

  /* Quotas: persons per city (2023 year-end), floating persons per city. 66.8% of the
   * inter-provincial migrants live in 杭州, 宁波, 温州 and 金华 (sourced); within those two
   * groups, and for migrants within the province, by residents. */
  int64_t city_n[HK_GEN_CITIES], inter_n[HK_GEN_CITIES], intra_n[HK_GEN_CITIES];
  double w[HK_GEN_CITIES], wbig[HK_GEN_CITIES], wsmall[HK_GEN_CITIES];
  for (int c = 0; c < HK_GEN_CITIES; c++) {
    w[c] = (double)hk_gen_cities[c].end_2023;
    int32_t code = hk_gen_cities[c].code;
    bool big = code == 330100 || code == 330200 || code == 330300 || code == 330700;
    wbig[c] = big ? w[c] : 0;
    wsmall[c] = big ? 0 : w[c];
  }
  apportion(total, w, HK_GEN_CITIES, city_n);
  int64_t inter = llround((double)total * HK_GEN_FLOATING_INTER / HK_GEN_PROVINCE_2023);
  int64_t floating = llround((double)total * HK_GEN_FLOATING / HK_GEN_PROVINCE_2023);
  int64_t inter_big = llround((double)inter * 0.668), big_n[HK_GEN_CITIES], small_n[HK_GEN_CITIES];
  apportion(inter_big, wbig, HK_GEN_CITIES, big_n);
  apportion(inter - inter_big, wsmall, HK_GEN_CITIES, small_n);
  apportion(floating - inter, w, HK_GEN_CITIES, intra_n);
  for (int c = 0; c < HK_GEN_CITIES; c++)
    inter_n[c] = big_n[c] + small_n[c];

  for (int c = 0; c < HK_GEN_CITIES && g->rc == HK_OK; c++) {
    int64_t quota[3] = {city_n[c] - inter_n[c] - intra_n[c], inter_n[c], intra_n[c]};
    int64_t filled[3] = {0, 0, 0};
    if (quota[0] < 0) /* tiny runs: keep the city's total */
      quota[0] = 0;
    for (;;) {
      /* The kind of group least filled so far comes next, so kinds interleave evenly. */
      int k = -1;
      double best = 2;
      for (int i = 0; i < 3; i++) {
        if (filled[i] >= quota[i])
          continue;
        double f = (double)filled[i] / (double)quota[i];
        if (f < best)
          best = f, k = i;
      }
      if (k < 0 || g->rc != HK_OK)
        break;
      place pl = {.city = c, .migrant = k > 0, .interprovince = k == 1};
      pl.live = set_pick(&g->live[c], &g->r);
      pl.hukou = k == 0 ? pl.live : origin_county(g, k == 1, c, pl.live);
      pl.urban = pick_urban(g, pl.live, k > 0);
      pl.hukou_urban = k == 0 ? pl.urban : chance(&g->r, 0.25);
      g->nm = 0;
      if (k == 0)
        build_local(g, &pl);
      else
        build_migrant(g, &pl);
      if (g->rc != HK_OK)
        break;
      int64_t room = quota[k] - filled[k];
      if (g->nm > room)
        truncate_group(g, (int)room);
      fill_group(g, &pl);
      if (g->rc != HK_OK)
        break;
      filled[k] += g->nm;
      emit_group(g, &pl);
    }
  }
  flush_out(g);
  if (g->rc == HK_OK && fflush(out) != 0)
    g->rc = hk_error_set(err, HK_EIO, "output", "write failed");
  if (g->rc == HK_OK && opt->on_progress)
    opt->on_progress(g->done, g->total, opt->cls);
  /* Deaths are modelled, not written: the registry holds the living (docs/generator.md). */
  for (int i = 0; i < 10; i++)
    totals->deaths_year[i] = llround((double)totals->persons * HK_GEN_DEATH_RATE);

  hk_status rc = g->rc;
  for (int i = 0; i < MAX_MEMBERS; i++)
    hk_person_clear(&g->m[i].p);
  for (int i = 0; i < g->n_slots; i++) {
    for (int y = 0; y < YEARS; y++)
      free(g->slots[i].years[y]);
    free(g->slots[i].years);
  }
  free(g->slots);
  free(g->slot_of);
  for (int c = 0; c < HK_GEN_CITIES; c++)
    set_free(&g->live[c]);
  set_free(&g->intra_origin);
  set_free(&g->origin_any);
  if (g->origin)
    for (int o = 0; o < gen_origin_count; o++)
      set_free(&g->origin[o]);
  free(g->origin);
  free(g->buf);
  free(g);
  return rc;
}
