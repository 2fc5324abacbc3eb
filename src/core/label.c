/* label.c — the code -> words tables (label.h). One place for every label a person reads, so
 * the CLI, the API and the portal cannot drift apart. */
#include "core/label.h"

#include <stdio.h>
#include <string.h>

static const hk_label talent[] = {
    {"none", "无", "none"},
    {"associate", "大专", "junior college (associate) degree"},
    {"bachelor", "本科", "bachelor's degree"},
    {"master", "硕士研究生", "master's degree"},
    {"doctor", "博士研究生", "doctorate"},
    {"skill_senior", "高级工", "senior worker (skill level 3)"},
    {"technician", "技师", "technician"},
    {"senior_technician", "高级技师", "senior technician"},
    {"title_intermediate", "中级职称", "intermediate professional title"},
    {"title_senior", "高级职称", "senior professional title"},
};
static const hk_label education[] = {
    {"none", "未上过学", "no schooling"},
    {"primary", "小学", "primary school"},
    {"junior", "初中", "junior secondary school"},
    {"senior", "高中", "senior secondary school"},
    {"vocational", "中等职业教育", "secondary vocational school"},
    {"associate", "大专", "junior college (associate) degree"},
    {"bachelor", "本科", "bachelor's degree"},
    {"master", "硕士研究生", "master's degree"},
    {"doctor", "博士研究生", "doctorate"},
};
static const hk_label marital[] = {
    {"unmarried", "未婚", "unmarried"}, {"married", "已婚", "married"},
    {"divorced", "离婚", "divorced"},   {"widowed", "丧偶", "widowed"},
    {"minor", "未成年", "a minor"},
};
static const hk_label housing[] = {
    {"owned", "自有住房", "own home"},
    {"rented", "登记备案的租赁住房", "a registered lease"},
    {"employer", "单位提供的住房", "housing provided by the employer"},
    {"relative", "借住亲属家", "living with relatives"},
};
static const hk_label relation[] = {
    {"parent", "父母", "parent"},
    {"child", "子女", "child"},
    {"grandparent", "祖父母、外祖父母", "grandparent"},
    {"grandchild", "孙子女、外孙子女", "grandchild"},
    {"spouse", "配偶", "spouse"},
    {"child_in_law", "子女的配偶", "child's spouse"},
    {"sibling", "兄弟姐妹", "sibling"},
    {"friend", "亲友", "friend"},
};
static const hk_label household[] = {
    {"family", "家庭户", "family household"},
    {"collective", "集体户", "collective household"},
};
static const hk_label pathway[] = {
    {"residence_permit", "居住证", "residence permit"},
    {"residence", "居住地落户", "settling where you live"},
    {"hangzhou_points", "杭州市区积分落户", "Hangzhou points-based settlement"},
    {"permit_conversion", "居住证转户籍", "residence permit to hukou"},
    {"talent", "人才落户", "talent settlement"},
    {"family", "投靠落户", "joining family"},
};
static const hk_label permit_basis[] = {
    {"employment", "合法稳定就业", "legal stable employment"},
    {"housing", "合法稳定住所", "legal stable housing"},
    {"schooling", "连续就读", "continuous schooling"},
};
static const hk_label address[] = {
    {"own_housing", "本人或直系亲属的城镇合法稳定住所",
     "the urban legal stable home of the person or a direct relative"},
    {"host_household", "城镇家庭户口的亲友处", "an urban family household of relatives or friends"},
    {"employer_collective", "单位集体户", "the employer's collective household"},
    {"talent_service_collective", "当地公共就业和人才服务机构集体户",
     "the collective household of the public employment and talent service agency"},
};
static const hk_label family_rule[] = {
    {"parent_joins_child", "父母投靠成年子女", "a parent joining an adult child"},
    {"child_joins_parent", "子女投靠父母", "a child joining a parent"},
    {"head_household", "投靠家庭户户主", "joining the head of a family household"},
};
static const hk_label condition[] = {
    {"living_in_target", "现居住地", "living there now"},
    {"living_in_target_urban", "现居住在城镇地址", "living at an urban address there now"},
    {"residence_half_year", "居住满半年", "half a year of residence"},
    {"permit_basis", "就业、住所或就读", "employment, housing or schooling"},
    {"legal_stable_housing", "合法稳定住所", "legal stable housing"},
    {"residence_years", "居住年限", "years of residence"},
    {"insurance_months", "社保缴纳年限", "social insurance paid"},
    {"hangzhou_permit", "杭州市区居住证", "a residence permit of Hangzhou's urban area"},
    {"adult", "年满 18 周岁", "aged 18 or over"},
    {"points", "积分", "points"},
    {"permit_valid", "有效居住证", "a valid residence permit"},
    {"permit_years", "持证年限", "years holding the permit"},
    {"talent_category", "人才类别", "talent category"},
    {"talent_age", "人才年龄条件", "age limit of the talent category"},
    {"living_or_working_in_city", "在当地居住或就业", "living or working in the city"},
    {"not_registered_in_target", "户口不在当地", "hukou not already there"},
    {"child_adult", "子女已成年", "the child is an adult"},
    {"child_hukou_in_target", "子女户口在当地", "the child's hukou is there"},
    {"child_legal_stable_housing", "子女有合法稳定住所", "the child has legal stable housing"},
    {"parent_age", "父母年龄", "the parent's age"},
    {"parent_hukou_in_target", "父母户口在当地", "the parent's hukou is there"},
    {"parent_legal_stable_housing", "父母有合法稳定住所", "the parent has legal stable housing"},
    {"minor_or_unmarried", "未成年或未婚", "a minor or unmarried"},
    {"household_head_relative", "亲属是家庭户户主", "a relative heads the household"},
    {"same_county_or_urban_districts", "同县（市）或同市市区", "same county or city districts"},
};
static const hk_label points_basis[] = {
    {"insurance_months", "社保缴纳月数", "months of social insurance"},
    {"residence_months", "连续居住月数", "months of residence"},
    {"rental_months", "合法租赁月数", "months of registered renting"},
    {"age", "年龄", "age"},
    {"education", "学历", "education"},
    {"skill", "职业技能或职称", "skill level or professional title"},
    {"volunteer_hours", "志愿服务时长", "hours of volunteering"},
    {"blood_ml", "无偿献血量", "blood donated"},
    {"donation_yuan", "慈善捐赠", "charitable donations"},
};
static const hk_label app_kind[] = {
    {"permit", "居住证申领", "residence permit application"},
    {"settlement", "落户申请", "settlement application"},
};
static const hk_label app_state[] = {
    {"submitted", "已提交", "submitted"},
    {"accepted", "已受理", "accepted"},
    {"material_requested", "待补充材料", "material requested"},
    {"approved", "已批准", "approved"},
    {"rejected", "已驳回", "rejected"},
    {"completed", "已办结", "completed"},
};
static const hk_label app_action[] = {
    {"accept", "受理", "accept"},
    {"request_material", "要求补充材料", "request material"},
    {"supply_material", "补充材料", "supply material"},
    {"approve", "批准", "approve"},
    {"reject", "驳回", "reject"},
    {"complete", "办结", "complete"},
};
/* The roles of accounts, as the portal names them (web/assets/js/messages.js). */
static const hk_label role[] = {
    {"resident", "居民", "resident"},         {"officer", "户籍民警", "hukou officer"},
    {"supervisor", "审核主管", "supervisor"}, {"analyst", "统计分析员", "analyst"},
    {"department", "部门", "department"},     {"admin", "系统管理员", "administrator"},
    {"system", "系统", "the system"},
};
/* What is wrong with an ID number (hk_idnum_fault_name). */
static const hk_label idnum_fault[] = {
    {"length", "位数不对（应为 18 位或 15 位）", "wrong length (18 or 15 characters)"},
    {"format", "含有数字以外的字符（末位可为 X）",
     "characters other than digits (the last may be X)"},
    {"province", "前两位不是省级行政区划代码", "the first two digits name no province"},
    {"birth_date", "出生日期不存在或晚于今天",
     "the birth date is not a real day or is in the future"},
    {"checksum", "校验码不符", "the check character does not match"},
};
/* The kinds of facts (facts.h). */
static const hk_label fact_kind[] = {
    {"housing", "住房", "housing"},
    {"employment", "就业", "employment"},
    {"schooling", "就学", "schooling"},
    {"social_insurance", "社会保险", "social insurance"},
    {"talent", "人才认定", "talent recognition"},
    {"education", "学历", "education"},
    {"marital_status", "婚姻状况", "marital status"},
    {"kinship", "亲属关系", "kinship"},
};

#define TABLE(t)                                                                                   \
  {                                                                                                \
    (t), sizeof(t) / sizeof((t)[0])                                                                \
  }
static const struct {
  const hk_label *rows;
  size_t n;
} tables[HK_LBL_COUNT] = {
    [HK_LBL_TALENT] = TABLE(talent),           [HK_LBL_EDUCATION] = TABLE(education),
    [HK_LBL_MARITAL] = TABLE(marital),         [HK_LBL_HOUSING] = TABLE(housing),
    [HK_LBL_RELATION] = TABLE(relation),       [HK_LBL_HOUSEHOLD] = TABLE(household),
    [HK_LBL_PATHWAY] = TABLE(pathway),         [HK_LBL_PERMIT_BASIS] = TABLE(permit_basis),
    [HK_LBL_ADDRESS] = TABLE(address),         [HK_LBL_FAMILY_RULE] = TABLE(family_rule),
    [HK_LBL_CONDITION] = TABLE(condition),     [HK_LBL_POINTS_BASIS] = TABLE(points_basis),
    [HK_LBL_APP_KIND] = TABLE(app_kind),       [HK_LBL_APP_STATE] = TABLE(app_state),
    [HK_LBL_APP_ACTION] = TABLE(app_action),   [HK_LBL_ROLE] = TABLE(role),
    [HK_LBL_IDNUM_FAULT] = TABLE(idnum_fault), [HK_LBL_FACT_KIND] = TABLE(fact_kind),
};

const hk_label *hk_label_table(hk_label_kind kind, size_t *n)
{
  if ((unsigned)kind >= HK_LBL_COUNT) {
    *n = 0;
    return NULL;
  }
  *n = tables[kind].n;
  return tables[kind].rows;
}

const hk_label *hk_label_find(hk_label_kind kind, const char *code)
{
  size_t n;
  const hk_label *rows = hk_label_table(kind, &n);
  for (size_t i = 0; code && i < n; i++)
    if (strcmp(rows[i].code, code) == 0)
      return &rows[i];
  return NULL;
}

const char *hk_label_zh(hk_label_kind kind, const char *code)
{
  const hk_label *l = hk_label_find(kind, code);
  return l ? l->zh : code ? code : "";
}

const char *hk_label_en(hk_label_kind kind, const char *code)
{
  const hk_label *l = hk_label_find(kind, code);
  return l ? l->en : code ? code : "";
}

void hk_label_json_set(json_t *obj, const char *prefix, hk_label_kind kind, const char *code)
{
  const hk_label *l = hk_label_find(kind, code);
  if (l == NULL || obj == NULL)
    return;
  char key[64];
  snprintf(key, sizeof key, "%slabel", prefix ? prefix : "");
  json_object_set_new(obj, key, json_string(l->zh));
  snprintf(key, sizeof key, "%slabel_en", prefix ? prefix : "");
  json_object_set_new(obj, key, json_string(l->en));
}
