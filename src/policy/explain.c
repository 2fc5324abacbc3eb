/* explain.c — sentences a resident can read, Chinese first and English beside it: one per
 * condition (the answer's text / text_en) and the whole answer for `hukou eval --explain`. */
#include "policy/policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "policy/policy_int.h"

static const char *div_name(int32_t code)
{
  const hk_division *d = code ? hk_division_find(code) : NULL;
  return d ? d->name : "?";
}

static const char *date_or(hk_date d, char buf[11], const char *fallback)
{
  if (d == HK_DATE_NONE || d == HK_HOLDS_ALWAYS || d == HK_DATE_OPEN)
    return fallback;
  return hk_date_format(d, buf);
}

/* "（自 2023-03-01 起满足）" and the like, depending on met and holds_from. */
static void when(const hk_condition *c, char *zh, size_t zn, char *en, size_t en_n)
{
  char d[11];
  if (c->holds_from == HK_HOLDS_ALWAYS) {
    snprintf(zh, zn, "%s", c->met ? "（满足）" : "");
    snprintf(en, en_n, "%s", c->met ? " (met)" : "");
  } else if (c->holds_from == HK_HOLDS_NEVER) {
    snprintf(zh, zn, "（不满足，仅靠等待无法满足）");
    snprintf(en, en_n, " (not met; waiting alone will not change that)");
  } else if (c->met) {
    snprintf(zh, zn, "（自 %s 起满足）", hk_date_format(c->holds_from, d));
    snprintf(en, en_n, " (met since %s)", d);
  } else {
    snprintf(zh, zn, "（尚未满足，预计 %s 起满足）", hk_date_format(c->holds_from, d));
    snprintf(en, en_n, " (not yet met; expected from %s)", d);
  }
}

void policy__cond_text(const hk_answer *a, const hk_condition *c, char *zh, size_t zh_size,
                       char *en, size_t en_size)
{
  char wz[128], we[128], t1[160], t2[160];
  when(c, wz, sizeof wz, we, sizeof we);
  const char *tn = div_name(a->target), *cn = div_name(a->city);
  int64_t v = c->value.i, r = c->required.i;
  switch (c->id) {
  case HK_C_LIVING_IN_TARGET:
    snprintf(t1, sizeof t1, "现居住在%s（有进行中的居住登记）(三)(一)", tn);
    snprintf(t2, sizeof t2, "Lives in %s now (an ongoing residence registration)", tn);
    break;
  case HK_C_LIVING_IN_TARGET_URBAN:
    snprintf(t1, sizeof t1, "现居住在%s的城镇地址", tn);
    snprintf(t2, sizeof t2, "Lives at an urban address in %s now", tn);
    break;
  case HK_C_RESIDENCE_MONTHS:
    if (c->required.kind == HK_V_TEXT) {
      snprintf(t1, sizeof t1, "引进人才免除半年居住期限 (三)");
      snprintf(t2, sizeof t2, "Talents are exempt from the half-year of residence");
    } else {
      snprintf(t1, sizeof t1, "在%s连续居住 %lld 个月，需满 %lld 个月 (三)", cn, (long long)v,
               (long long)r);
      snprintf(t2, sizeof t2, "Lived in %s for %lld months without a break; %lld required", cn,
               (long long)v, (long long)r);
    }
    break;
  case HK_C_PERMIT_BASIS: {
    const char *b = c->value.text;
    const char *bz = !b                             ? "无"
                     : strcmp(b, "housing") == 0    ? "合法稳定住所"
                     : strcmp(b, "employment") == 0 ? "合法稳定就业"
                                                    : "连续就读";
    snprintf(t1, sizeof t1, "在%s有合法稳定就业、合法稳定住所或连续就读之一：%s (三)", cn, bz);
    snprintf(t2, sizeof t2,
             "Has legal stable employment, legal stable housing or schooling in %s: %s", cn,
             b ? b : "none");
    break;
  }
  case HK_C_LEGAL_STABLE_HOUSING:
    snprintf(t1, sizeof t1, "在%s城镇有合法稳定住所（含租赁）(二)", tn);
    snprintf(t2, sizeof t2, "Has legal stable urban housing in %s (a registered lease counts)", tn);
    break;
  case HK_C_RESIDENCE_YEARS:
    snprintf(t1, sizeof t1, "在%s连续居住 %lld 个月，需满 %lld 年 (二)(七)", cn, (long long)v,
             (long long)(r / 12));
    snprintf(t2, sizeof t2, "Lived in %s for %lld months without a break; %lld years required", cn,
             (long long)v, (long long)(r / 12));
    break;
  case HK_C_INSURANCE_MONTHS:
    snprintf(t1, sizeof t1, "社会保险累计 %lld 个月（含转入的长三角缴费），需满 %lld 个月 (七)",
             (long long)v, (long long)r);
    snprintf(t2, sizeof t2,
             "%lld months of social insurance (YRD months with the pension transferred count); "
             "%lld required",
             (long long)v, (long long)r);
    break;
  case HK_C_HZ_PERMIT:
    snprintf(t1, sizeof t1, "持有杭州市区有效居住证 (二)");
    snprintf(t2, sizeof t2, "Holds a valid residence permit of Hangzhou's urban area");
    break;
  case HK_C_ADULT:
    snprintf(t1, sizeof t1, "年满 18 周岁（现 %lld 岁）", (long long)v);
    snprintf(t2, sizeof t2, "Aged 18 or over (now %lld)", (long long)v);
    break;
  case HK_C_POINTS:
    snprintf(t1, sizeof t1, "积分 %g 分，落户分值 %g 分（不设名额）(二)", (double)v / 100.0,
             (double)r / 100.0);
    snprintf(t2, sizeof t2, "%g points; %g required (no quota)", (double)v / 100.0,
             (double)r / 100.0);
    break;
  case HK_C_PERMIT_VALID:
    snprintf(t1, sizeof t1, "持有%s签发的有效居住证 (四)", cn);
    snprintf(t2, sizeof t2, "Holds a residence permit of %s valid today", cn);
    break;
  case HK_C_PERMIT_YEARS:
    snprintf(t1, sizeof t1, "连续持有居住证 %lld 个月，需满 %lld 年 (四)", (long long)v,
             (long long)(r / 12));
    snprintf(t2, sizeof t2, "Held the permit for %lld months without a lapse; %lld years required",
             (long long)v, (long long)(r / 12));
    break;
  case HK_C_TALENT_CATEGORY:
    snprintf(t1, sizeof t1, "属于%s认定的人才类别：%s (五)", cn,
             c->value.text ? c->value.text : "无");
    snprintf(t2, sizeof t2, "Holds a talent category recognised by %s: %s", cn,
             c->value.text ? c->value.text : "none");
    break;
  case HK_C_LIVING_OR_WORKING:
    snprintf(t1, sizeof t1, "现在%s居住或就业 (五)", cn);
    snprintf(t2, sizeof t2, "Lives or works in %s now", cn);
    break;
  case HK_C_NOT_REGISTERED:
    snprintf(t1, sizeof t1, "户口尚不在%s", tn);
    snprintf(t2, sizeof t2, "Hukou is not already in %s", tn);
    break;
  case HK_C_CHILD_ADULT:
    snprintf(t1, sizeof t1, "被投靠的子女已成年 (六)");
    snprintf(t2, sizeof t2, "The child joined is an adult");
    break;
  case HK_C_CHILD_HUKOU:
    snprintf(t1, sizeof t1, "被投靠的子女户口在%s", tn);
    snprintf(t2, sizeof t2, "The child joined has hukou in %s", tn);
    break;
  case HK_C_CHILD_HOUSING:
    snprintf(t1, sizeof t1, "被投靠的子女在%s城镇有合法稳定住所 (六)", cn);
    snprintf(t2, sizeof t2, "The child joined has legal stable urban housing in %s", cn);
    break;
  case HK_C_PARENT_AGE:
    if (c->required.kind == HK_V_NULL) {
      snprintf(t1, sizeof t1, "父母投靠成年子女不受年龄限制 (六)");
      snprintf(t2, sizeof t2, "No age limit for parents joining an adult child");
    } else {
      snprintf(t1, sizeof t1, "投靠的父母年满 %lld 周岁（现 %lld 岁）", (long long)r, (long long)v);
      snprintf(t2, sizeof t2, "The parent is at least %lld (now %lld)", (long long)r, (long long)v);
    }
    break;
  case HK_C_PARENT_HUKOU:
    snprintf(t1, sizeof t1, "被投靠的父母户口在%s", tn);
    snprintf(t2, sizeof t2, "The parent joined has hukou in %s", tn);
    break;
  case HK_C_PARENT_HOUSING:
    snprintf(t1, sizeof t1, "被投靠的父母在%s城镇有合法稳定住所 (六)", cn);
    snprintf(t2, sizeof t2, "The parent joined has legal stable urban housing in %s", cn);
    break;
  case HK_C_MINOR_OR_UNMARRIED:
    snprintf(t1, sizeof t1, "申请人未成年，或未婚（子女投靠父母放宽至未婚子女）(六)");
    snprintf(t2, sizeof t2,
             "The applicant is a minor, or unmarried (unmarried children of any age)");
    break;
  case HK_C_HEAD_RELATIVE:
    snprintf(t1, sizeof t1, "直系亲属、配偶或配偶父母是%s城镇家庭户的户主 (六)", tn);
    snprintf(t2, sizeof t2,
             "A direct relative, spouse or child-in-law heads an urban family household in %s", tn);
    break;
  case HK_C_SAME_AREA:
    snprintf(t1, sizeof t1, "申请人户口与%s在同一县（市）或同一设区市市区 (六)", tn);
    snprintf(t2, sizeof t2,
             "The applicant's hukou is in the same county, or both are districts of one city");
    break;
  default:
    snprintf(t1, sizeof t1, "?");
    snprintf(t2, sizeof t2, "?");
  }
  snprintf(zh, zh_size, "%s%s", t1, wz);
  snprintf(en, en_size, "%s%s", t2, we);
}

const char *policy__reason_zh(const char *reason)
{
  if (strcmp(reason, "already_registered") == 0)
    return "户口已在该地";
  if (strcmp(reason, "hangzhou_urban_area") == 0)
    return "杭州市区实行积分落户，此途径不适用";
  if (strcmp(reason, "outside_hangzhou_urban_area") == 0)
    return "积分落户只适用于杭州市区";
  return reason;
}

const char *policy__reason_en(const char *reason)
{
  if (strcmp(reason, "already_registered") == 0)
    return "The hukou is already registered there";
  if (strcmp(reason, "hangzhou_urban_area") == 0)
    return "Hangzhou's urban area settles by points; this pathway does not apply there";
  if (strcmp(reason, "outside_hangzhou_urban_area") == 0)
    return "Points-based settlement applies only in Hangzhou's urban area";
  return reason;
}

/* A growing text buffer; out of memory truncates rather than fails. */
typedef struct text {
  char *s;
  size_t n, cap;
} text;

__attribute__((format(printf, 2, 3))) static void put(text *t, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char line[1024];
  int len = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (len < 0)
    return;
  if ((size_t)len >= sizeof line)
    len = sizeof line - 1;
  if (t->n + (size_t)len + 1 > t->cap) {
    size_t cap = (t->cap + (size_t)len + 1) * 2;
    char *g = realloc(t->s, cap);
    if (g == NULL)
      return;
    t->s = g;
    t->cap = cap;
  }
  memcpy(t->s + t->n, line, (size_t)len + 1);
  t->n += (size_t)len;
}

static void result_text(text *t, const hk_answer *a, const hk_result *r, const char *title_zh,
                        const char *title_en)
{
  char d[11];
  if (!r->applicable) {
    put(t, "■ %s / %s：不适用 (not applicable) — %s / %s\n", title_zh, title_en,
        policy__reason_zh(r->reason ? r->reason : ""),
        policy__reason_en(r->reason ? r->reason : ""));
    return;
  }
  if (r->eligible)
    put(t, "■ %s / %s：符合条件 (eligible)，自 %s 起 (since)\n", title_zh, title_en,
        date_or(r->eligible_from, d, "?"));
  else if (r->eligible_from != HK_DATE_NONE)
    put(t, "■ %s / %s：尚不符合 (not yet)，预计 %s 起符合 (expected from)\n", title_zh, title_en,
        hk_date_format(r->eligible_from, d));
  else
    put(t, "■ %s / %s：不符合 (not eligible)\n", title_zh, title_en);
  for (uint32_t i = 0; i < r->n_cond; i++) {
    char zh[512], en[512];
    policy__cond_text(a, &r->cond[i], zh, sizeof zh, en, sizeof en);
    put(t, "    %s %s\n      %s\n", r->cond[i].met ? "✓" : "✗", zh, en);
  }
}

char *hk_answer_explain(const hk_answer *a, const hk_situation *s)
{
  (void)s;
  text t = {0};
  char d[11];
  put(&t, "资格评估 / Eligibility as of %s\n", hk_date_format(a->as_of, d));
  put(&t, "申请人 / Applicant: %s, %d 岁 (age), %s\n", a->id_masked, a->age,
      a->sex == 'F' ? "女 (F)" : "男 (M)");
  put(&t, "目标 / Target: %s（%06d），%s（%06d）%s\n", div_name(a->target), (int)a->target,
      div_name(a->city), (int)a->city,
      a->hangzhou_urban ? "，属杭州市区 (Hangzhou's urban area)" : "");
  put(&t,
      "事实 / Facts (七): 连续居住自 (residence since) %s，%d 个月 (months)；"
      "社保 (insurance) %d 个月 (months)；居住证连续自 (permit since) %s，%d 个月 (months)\n\n",
      date_or(a->residence_since, d, "—"), a->residence_months, a->insurance_months,
      date_or(a->permit_since, (char[11]){0}, "—"), a->permit_months);
  result_text(&t, a, &a->permit, "居住证 (三)", "residence permit");
  put(&t, "\n落户 / Settlement: %s\n",
      a->settle_eligible ? "符合至少一种途径 (eligible)" : "暂不符合 (not eligible)");
  static const char *const zh[HK_PW_COUNT] = {"居住地落户 (二)", "杭州积分落户 (二)",
                                              "居住证转户籍 (四)", "人才落户 (五)",
                                              "投靠落户 (六)"};
  static const char *const en[HK_PW_COUNT] = {"settle by residence", "Hangzhou points",
                                              "permit conversion", "talent", "family joining"};
  for (int i = 0; i < HK_PW_COUNT; i++) {
    result_text(&t, a, &a->pathways[i], zh[i], en[i]);
    if (i == HK_PW_HANGZHOU_POINTS && a->has_points) {
      put(&t, "    积分 / points: %g / %g\n", (double)a->points_total_c / 100.0,
          (double)a->points_threshold_c / 100.0);
      for (uint32_t k = 0; k < a->n_points; k++)
        put(&t, "      %-16s %g\n", a->points[k].id, (double)a->points[k].points_c / 100.0);
    }
    if (i == HK_PW_TALENT && a->pathways[i].applicable && a->address != HK_ADDR_NONE) {
      static const char *const az[] = {"", "本人或直系亲属的合法稳定住所", "亲友家庭户",
                                       "单位集体户", "公共就业和人才服务机构集体户"};
      put(&t, "    落户地址 / settlement address (%d): %s / %s, %s\n", (int)a->address,
          az[a->address], hk_address_kind_name(a->address), div_name(a->address_division));
    }
    if (i == HK_PW_FAMILY && a->family_rule != HK_FR_NONE)
      put(&t, "    适用规则 / rule: %s\n", hk_family_rule_name(a->family_rule));
  }
  return t.s;
}
