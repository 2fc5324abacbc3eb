/* The generator's tables. Figures marked "sourced" come from ../shared/research/policy-facts.md
 * (§7); everything else is an assumption, listed in docs/generator.md. */
#include "gen/gen_int.h"

/* Sourced: 2020 census per city (citypopulation.de) and the 2023 year-end totals
 * (浙江省人口主要数据 公报 reprints). 衢州, 台州 and 丽水 are not published separately for 2023:
 * their combined 1153.7万 (6627.0万 minus the others) is split by their 2020 census shares. */
const hk_gen_city_target hk_gen_cities[HK_GEN_CITIES] = {
    {330100, "杭州市", 11936010, 12522000}, {330200, "宁波市", 9404283, 9697000},
    {330300, "温州市", 9572903, 9761000},   {330400, "嘉兴市", 5400868, 5584000},
    {330500, "湖州市", 3367579, 3439000},   {330600, "绍兴市", 5270977, 5394000},
    {330700, "金华市", 7050683, 7163000},   {330800, "衢州市", 2276184, 2302154},
    {330900, "舟山市", 1157817, 1173000},   {331000, "台州市", 6622888, 6698700},
    {331100, "丽水市", 2507396, 2536146},
};

/* Sourced: 安徽, 河南, 贵州, 江西, 四川 lead, each above one million, then 湖北, 湖南, 云南. The
 * shares are assumptions that keep that order and those bounds. */
const gen_origin gen_origins[] = {
    {34, 0.17}, {41, 0.13}, {52, 0.12}, {36, 0.11}, {51, 0.10}, {42, 0.06}, {43, 0.06}, {53, 0.05},
    {50, 0.04}, {45, 0.04}, {32, 0.03}, {37, 0.03}, {35, 0.02}, {61, 0.02}, {62, 0.02},
};
const int gen_origin_count = (int)(sizeof gen_origins / sizeof gen_origins[0]);

/* Common surnames with weights roughly proportional to their frequency (per ten thousand). */
const gen_word gen_surnames[] = {
    {"王", 725}, {"李", 719}, {"张", 683}, {"刘", 538}, {"陈", 553}, {"杨", 308}, {"黄", 223},
    {"赵", 219}, {"吴", 205}, {"周", 189}, {"徐", 179}, {"孙", 154}, {"马", 121}, {"朱", 130},
    {"胡", 124}, {"郭", 113}, {"何", 106}, {"林", 108}, {"高", 100}, {"罗", 86},  {"郑", 83},
    {"梁", 81},  {"谢", 72},  {"宋", 62},  {"唐", 61},  {"许", 60},  {"韩", 59},  {"冯", 58},
    {"邓", 57},  {"曹", 56},  {"彭", 54},  {"曾", 53},  {"肖", 52},  {"田", 51},  {"董", 50},
    {"潘", 49},  {"袁", 48},  {"蔡", 47},  {"蒋", 47},  {"余", 46},  {"于", 45},  {"杜", 44},
    {"叶", 52},  {"程", 42},  {"魏", 41},  {"苏", 40},  {"吕", 39},  {"丁", 38},  {"任", 37},
    {"沈", 45},  {"姚", 36},  {"卢", 35},  {"姜", 34},  {"崔", 33},  {"钟", 32},  {"谭", 31},
    {"陆", 30},  {"汪", 30},  {"范", 29},  {"金", 35},  {"石", 28},  {"廖", 27},  {"贾", 26},
    {"夏", 25},  {"韦", 24},  {"方", 28},  {"应", 12},  {"楼", 8},   {"詹", 9},   {"欧阳", 5},
};
const int gen_surname_count = (int)(sizeof gen_surnames / sizeof gen_surnames[0]);

const char *const gen_given_male[] = {
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华",
    "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "阳",
    "建", "国", "峰", "晨", "博", "文", "志", "天", "海", "东", "子", "轩", "睿", "泽", "铭",
    "毅", "成", "荣", "家", "豪", "翔", "航", "然", "嘉", "昊", "立", "新", "正", "振", "永"};
const int gen_given_male_count = (int)(sizeof gen_given_male / sizeof gen_given_male[0]);

const char *const gen_given_female[] = {"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲",
                                        "婷", "雪", "慧", "琳", "颖", "倩", "洁", "萍", "红", "梅",
                                        "晶", "欣", "怡", "悦", "佳", "雨", "彤", "涵", "思", "琪",
                                        "萱", "妍", "月", "莹", "丹", "蓉", "兰", "云", "秀", "英",
                                        "淑", "珍", "诗", "梓", "可", "晓", "小", "美", "春", "凤"};
const int gen_given_female_count = (int)(sizeof gen_given_female / sizeof gen_given_female[0]);

/* Sourced list (policies/330000.json yrd.cities): 上海, 南京, 无锡, 常州, 苏州, 南通, 合肥, 芜湖.
 */
const int32_t gen_yrd_elsewhere[] = {310100, 320100, 320200, 320400,
                                     320500, 320600, 340100, 340200};
const int gen_yrd_elsewhere_count = (int)(sizeof gen_yrd_elsewhere / sizeof gen_yrd_elsewhere[0]);

/* Assumed: the less prosperous south-west (衢州, 丽水) and 台州, 温州 send more of their people
 * to the province's other cities than 杭州 and 宁波 do. */
const double gen_intra_origin_factor[HK_GEN_CITIES] = {0.5, 0.5, 1.3, 0.8, 1.0, 1.0,
                                                       1.2, 2.2, 1.0, 1.5, 2.2};

/* Assumed births in thousands, 2008..2023 (2023: 383, sourced). */
const int gen_births_k[16] = {520, 530, 540, 550, 560, 570, 590, 600,
                              650, 670, 630, 600, 500, 450, 400, 383};
