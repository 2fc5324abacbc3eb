/* explain.c — sentences a resident can read, Chinese first and English beside it: one per
 * condition (the answer's text / text_en) and the whole answer for `hukou eval --explain`. */
#include "policy/policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "core/label.h"
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

/* What to do about an unmet condition that waiting alone will not meet (an action). */
static bool action_text(const hk_answer *a, const hk_condition *c, char *zh, size_t zn, char *en,
                        size_t en_n)
{
  char d[11];
  switch (c->action) {
  case HK_ACT_APPLY_PERMIT:
    if (c->action_from == HK_HOLDS_NEVER || c->action_from == HK_HOLDS_ALWAYS || c->met)
      return false;
    if (c->action_from <= a->as_of) {
      snprintf(zh, zn, "（尚未满足：现在即可申领居住证 (三)，领证后即满足）");
      snprintf(en, en_n,
               " (not met yet: you can apply for a residence permit now (三); met once it is "
               "issued)");
    } else {
      hk_date_format(c->action_from, d);
      snprintf(zh, zn, "（尚未满足：%s 起可申领居住证 (三)，领证后即满足）", d);
      snprintf(en, en_n,
               " (not met yet: you can apply for a residence permit from %s (三); met once it "
               "is issued)",
               d);
    }
    return true;
  case HK_ACT_PERMIT_BASIS:
    snprintf(zh, zn,
             "（尚未满足：须先在当地有合法稳定就业、合法稳定住所或连续就读，居住满半年后申领居住证 "
             "(三)）");
    snprintf(en, en_n,
             " (not met yet: first take up legal stable employment, legal stable housing or "
             "schooling there, then apply for a residence permit after half a year (三))");
    return true;
  case HK_ACT_NONE:
    break;
  }
  return false;
}

/* "（自 2023-03-01 起满足）" and the like, depending on met and holds_from. */
static void when(const hk_answer *a, const hk_condition *c, char *zh, size_t zn, char *en,
                 size_t en_n)
{
  char d[11];
  if (action_text(a, c, zh, zn, en, en_n))
    return;
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

/* "需满 2 年" / "需满 18 个月" / "不要求…": a requirement in months said the way a person
 * would say it, never "需满 0 年". */
static void need_months(int64_t r, char *zh, size_t zn, char *en, size_t en_n)
{
  if (r % 12 == 0) {
    snprintf(zh, zn, "需满 %lld 年", (long long)(r / 12));
    snprintf(en, en_n, "%lld year%s required", (long long)(r / 12), r == 12 ? "" : "s");
  } else {
    snprintf(zh, zn, "需满 %lld 个月", (long long)r);
    snprintf(en, en_n, "%lld months required", (long long)r);
  }
}

void policy__cond_text(const hk_answer *a, const hk_condition *c, char *zh, size_t zh_size,
                       char *en, size_t en_size)
{
  char wz[256], we[256], t1[320], t2[320], nz[64], ne[64], d[11];
  when(a, c, wz, sizeof wz, we, sizeof we);
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
    snprintf(t1, sizeof t1, "在%s有合法稳定就业、合法稳定住所或连续就读之一：%s (三)", cn,
             b ? hk_label_zh(HK_LBL_PERMIT_BASIS, b) : "三者均无");
    snprintf(t2, sizeof t2,
             "Has legal stable employment, legal stable housing or schooling in %s: %s", cn,
             b ? hk_label_en(HK_LBL_PERMIT_BASIS, b) : "none of the three");
    break;
  }
  case HK_C_LEGAL_STABLE_HOUSING:
    snprintf(t1, sizeof t1, "在%s城镇有合法稳定住所（含租赁）(二)", tn);
    snprintf(t2, sizeof t2, "Has legal stable urban housing in %s (a registered lease counts)", tn);
    break;
  case HK_C_RESIDENCE_YEARS:
    if (r == 0) {
      snprintf(t1, sizeof t1, "%s不要求居住年限（已在%s连续居住 %lld 个月）(二)(七)", cn, cn,
               (long long)v);
      snprintf(t2, sizeof t2,
               "%s requires no years of residence (lived there %lld months without a break)", cn,
               (long long)v);
    } else {
      need_months(r, nz, sizeof nz, ne, sizeof ne);
      snprintf(t1, sizeof t1, "在%s连续居住 %lld 个月，%s (二)(七)", cn, (long long)v, nz);
      snprintf(t2, sizeof t2, "Lived in %s for %lld months without a break; %s", cn, (long long)v,
               ne);
    }
    break;
  case HK_C_INSURANCE_MONTHS:
    if (r == 0) {
      snprintf(t1, sizeof t1, "%s不要求社会保险缴纳年限（已累计 %lld 个月）(七)", cn, (long long)v);
      snprintf(t2, sizeof t2, "%s requires no years of social insurance (%lld months paid so far)",
               cn, (long long)v);
    } else {
      need_months(r, nz, sizeof nz, ne, sizeof ne);
      snprintf(t1, sizeof t1, "社会保险累计缴纳 %lld 个月（含已转入的长三角缴费），%s (七)",
               (long long)v, nz);
      snprintf(t2, sizeof t2,
               "%lld months of social insurance paid (months in the Yangtze River Delta count "
               "once the pension is transferred); %s",
               (long long)v, ne);
    }
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
    if (r == 0) {
      snprintf(t1, sizeof t1, "%s不要求持证年限 (四)", cn);
      snprintf(t2, sizeof t2, "%s requires no years of holding the permit", cn);
    } else {
      need_months(r, nz, sizeof nz, ne, sizeof ne);
      snprintf(t1, sizeof t1, "连续持有居住证 %lld 个月，%s (四)", (long long)v, nz);
      snprintf(t2, sizeof t2, "Held the permit for %lld months without a lapse; %s", (long long)v,
               ne);
    }
    break;
  case HK_C_TALENT_CATEGORY:
    if (c->value.text)
      snprintf(t1, sizeof t1, "具有%s认定的人才类别：%s (五)", cn,
               hk_label_zh(HK_LBL_TALENT, c->value.text));
    else
      snprintf(t1, sizeof t1, "具有%s认定的人才类别（未登记%s认定类别的学历、技能或职称）(五)", cn,
               cn);
    snprintf(t2, sizeof t2, "Holds a talent qualification %s recognises: %s", cn,
             c->value.text ? hk_label_en(HK_LBL_TALENT, c->value.text) : "none");
    break;
  case HK_C_TALENT_AGE: {
    /* The day the limit is reached: the last chance to apply is the day before. */
    const char *until = date_or(c->holds_until, d, NULL);
    bool say = c->met && until;
    snprintf(t1, sizeof t1, "%s规定此类人才须未满 %lld 周岁（现 %lld 岁%s%s%s）(五)", cn,
             (long long)r, (long long)v, say ? "，须在 " : "", say ? until : "",
             say ? " 之前申请" : "");
    snprintf(t2, sizeof t2, "%s admits this qualification under the age of %lld (now %lld%s%s)", cn,
             (long long)r, (long long)v, say ? "; apply before " : "", say ? until : "");
    break;
  }
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
      const char *sz = a->sex == 'F' ? "女性" : a->sex == 'M' ? "男性" : "";
      const char *se = a->sex == 'F' ? "women: " : a->sex == 'M' ? "men: " : "";
      snprintf(t1, sizeof t1, "投靠子女的父母须年满 %lld 周岁（%s现 %lld 岁）", (long long)r, sz,
               (long long)v);
      snprintf(t2, sizeof t2, "A parent joining a child must be at least %lld (%snow %lld)",
               (long long)r, se, (long long)v);
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
    snprintf(t1, sizeof t1, "申请人未成年，或未婚（子女投靠父母放宽至未婚子女）：%s (六)",
             c->value.text ? hk_label_zh(HK_LBL_MARITAL, c->value.text) : "婚姻状况未登记");
    snprintf(
        t2, sizeof t2, "The applicant is a minor, or unmarried (unmarried children of any age): %s",
        c->value.text ? hk_label_en(HK_LBL_MARITAL, c->value.text) : "marital status not recorded");
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

/* The unmet conditions of a result as sentences, and what follows: when the person will be
 * eligible, what to do, or that waiting alone will not do it. */
void hk_result_unmet_text(const hk_answer *a, const hk_result *r, char *zh, size_t zh_size,
                          char *en, size_t en_size)
{
  size_t lz = 0, le = 0;
  char d[11];
  zh[0] = en[0] = '\0';
  if (!r->applicable) {
    snprintf(zh, zh_size, "%s", policy__reason_zh(r->reason ? r->reason : ""));
    snprintf(en, en_size, "%s", policy__reason_en(r->reason ? r->reason : ""));
    return;
  }
  for (uint32_t i = 0; i < r->n_cond; i++) {
    const hk_condition *c = &r->cond[i];
    if (c->met)
      continue;
    char cz[1024], ce[1024];
    policy__cond_text(a, c, cz, sizeof cz, ce, sizeof ce);
    int n = snprintf(zh + lz, zh_size - lz, "%s%s", lz ? "；" : "", cz);
    lz = n < 0 || (size_t)n >= zh_size - lz ? zh_size - 1 : lz + (size_t)n;
    n = snprintf(en + le, en_size - le, "%s%s", le ? "; " : "", ce);
    le = n < 0 || (size_t)n >= en_size - le ? en_size - 1 : le + (size_t)n;
  }
  if (r->eligible_from != HK_DATE_NONE) {
    hk_date_format(r->eligible_from, d);
    snprintf(zh + lz, zh_size - lz, "。预计 %s 起符合条件", d);
    snprintf(en + le, en_size - le, ". Expected to qualify from %s", d);
  } else if (r->after_action_from != HK_DATE_NONE && r->after_action_from <= a->as_of) {
    snprintf(zh + lz, zh_size - lz, "。领取居住证后即符合条件");
    snprintf(en + le, en_size - le, ". Eligible once a residence permit is issued");
  } else if (r->after_action_from != HK_DATE_NONE) {
    hk_date_format(r->after_action_from, d);
    snprintf(zh + lz, zh_size - lz, "。领取居住证后，预计 %s 起符合条件", d);
    snprintf(en + le, en_size - le, ". With a residence permit, expected to qualify from %s", d);
  } else {
    snprintf(zh + lz, zh_size - lz, "。仅靠等待无法符合条件");
    snprintf(en + le, en_size - le, ". Waiting alone will not make you eligible");
  }
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
  else if (r->after_action_from != HK_DATE_NONE && r->after_action_from <= a->as_of)
    put(t,
        "■ %s / %s：尚不符合 (not yet)；领取居住证后即符合 (eligible once a residence permit is "
        "issued)\n",
        title_zh, title_en);
  else if (r->after_action_from != HK_DATE_NONE)
    put(t,
        "■ %s / %s：尚不符合 (not yet)；领取居住证后，预计 %s 起符合 (with a residence permit, "
        "expected from)\n",
        title_zh, title_en, hk_date_format(r->after_action_from, d));
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
      for (uint32_t k = 0; k < a->n_points; k++) {
        const char *basis = policy__basis_name(a->points[k].basis);
        put(&t, "      %s / %s: %g\n", hk_label_zh(HK_LBL_POINTS_BASIS, basis),
            hk_label_en(HK_LBL_POINTS_BASIS, basis), (double)a->points[k].points_c / 100.0);
      }
    }
    if (i == HK_PW_TALENT && a->pathways[i].applicable && a->address != HK_ADDR_NONE) {
      const char *kind = hk_address_kind_name(a->address);
      put(&t, "    落户地址 / settlement address (%d): %s / %s, %s\n", (int)a->address,
          hk_label_zh(HK_LBL_ADDRESS, kind), hk_label_en(HK_LBL_ADDRESS, kind),
          div_name(a->address_division));
    }
    if (i == HK_PW_FAMILY && a->family_rule != HK_FR_NONE) {
      const char *rule = hk_family_rule_name(a->family_rule);
      put(&t, "    适用规则 / rule: %s / %s\n", hk_label_zh(HK_LBL_FAMILY_RULE, rule),
          hk_label_en(HK_LBL_FAMILY_RULE, rule));
    }
  }
  return t.s;
}
