#include "storage/demo_people.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace gridatlas::storage::demo {

namespace {

using model::Rng;

// Surnames with weights per 10,000 people, leaning to north-east China and Inner Mongolia:
// 王李张刘 carry about 30%; 陈黄林梁 are rarer than in the south.
struct Weighted {
    const char* text;
    double weight;
};
constexpr std::array<Weighted, 104> kSurnames{{
    {"王", 780}, {"李", 760}, {"张", 720}, {"刘", 620}, {"杨", 330}, {"赵", 290}, {"陈", 280}, {"孙", 220},
    {"高", 180}, {"马", 170}, {"于", 160}, {"郭", 150}, {"徐", 130}, {"周", 130}, {"吴", 120}, {"朱", 110},
    {"韩", 110}, {"胡", 100}, {"宋", 100}, {"姜", 100}, {"黄", 90},  {"董", 90},  {"崔", 80},  {"田", 80},
    {"何", 70},  {"曹", 70},  {"冯", 70},  {"梁", 70},  {"魏", 70},  {"孟", 70},  {"林", 60},  {"许", 60},
    {"郑", 60},  {"杜", 60},  {"吕", 60},  {"丁", 60},  {"任", 60},  {"贾", 60},  {"付", 60},  {"白", 60},
    {"闫", 60},  {"郝", 60},  {"唐", 50},  {"程", 50},  {"苏", 50},  {"范", 50},  {"石", 50},  {"金", 50},
    {"侯", 50},  {"武", 50},  {"常", 50},  {"关", 50},  {"邓", 40},  {"谢", 40},  {"罗", 40},  {"彭", 40},
    {"肖", 40},  {"潘", 40},  {"袁", 40},  {"蒋", 40},  {"卢", 40},  {"姚", 40},  {"沈", 40},  {"秦", 40},
    {"尹", 40},  {"薛", 40},  {"段", 40},  {"史", 40},  {"康", 40},  {"齐", 40},  {"包", 40},  {"蔡", 30},
    {"陆", 30},  {"夏", 30},  {"方", 30},  {"雷", 30},  {"贺", 30},  {"邵", 30},  {"孔", 30},  {"牛", 30},
    {"葛", 30},  {"安", 30},  {"邢", 30},  {"曾", 20},  {"余", 20},  {"叶", 20},  {"钟", 20},  {"谭", 20},
    {"汪", 20},  {"邹", 20},  {"江", 20},  {"陶", 20},  {"毛", 20},  {"顾", 20},  {"钱", 20},  {"戴", 20},
    {"乌", 20},  {"宫", 20},  {"隋", 20},  {"庞", 20},  {"柴", 20},  {"鲁", 20},  {"佟", 20},  {"初", 10},
}};

// Given names by birth cohort (<1960, 1960-79, 1980-99, 2000+) and gender: common whole names,
// and characters to compose others from.
struct Cohort {
    std::vector<std::string> maleNames, femaleNames;
    std::vector<std::string> maleChars, femaleChars;
    double single; ///< share of one-character given names
};

std::vector<std::string> splitUtf8(std::string_view s) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
        out.emplace_back(s.substr(i, len));
        i += len;
    }
    return out;
}
std::vector<std::string> splitNames(std::string_view s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
        const auto end = s.find(' ', start);
        out.emplace_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return out;
}

const std::array<Cohort, 4>& cohorts() {
    static const std::array<Cohort, 4> kCohorts{{
        {splitNames("建国 建华 国庆 国强 振华 德明 志强 福生 永祥 长林 玉山 宝山 文华 树林 春生 庆福 洪亮 家宝 振国 广才"),
         splitNames("桂兰 秀英 淑珍 凤兰 玉兰 秀兰 桂英 玉珍 淑华 凤英 秀珍 桂芝 玉梅 淑兰 素珍 翠兰 桂荣 秀云"),
         splitUtf8("国建华德明志福文永军成林山海洪振家长玉宝树春庆贵仁义忠平广"),
         splitUtf8("秀英兰桂珍淑凤玉芝华梅琴芳荣翠霞云素"), 0.30},
        {splitNames("建军 志刚 海涛 立新 红军 卫东 建平 晓东 新华 国华 永刚 文斌 春雷 海军 志勇 建伟 晓明 宏伟 立军 长江"),
         splitNames("丽华 红梅 晓燕 春燕 丽娟 秀梅 海燕 雪梅 玉红 艳华 淑梅 晓红 丽萍 春梅 红艳 晓霞 丽君 桂香"),
         splitUtf8("伟勇军强刚斌波涛辉峰东明建志海新红卫华永春立国杰宏亮"),
         splitUtf8("丽红燕艳霞梅萍静敏华娟玲春晓海雪秀凤玉芳"), 0.30},
        {splitNames("浩宇 子豪 俊杰 鹏飞 文博 思远 天宇 佳豪 宇航 家豪 明轩 志远 伟杰 晓明 鑫磊 超群 海洋 嘉伟"),
         splitNames("婷婷 雪莹 欣然 佳琪 晓雪 梦瑶 思琪 雨婷 佳慧 丹丹 晓丽 文静 美玲 雅婷 佳怡 静怡 晓宇 月明"),
         splitUtf8("磊鑫鹏超浩帅杰宇亮旭晨博凯俊飞龙阳健晓佳文天明志峰"),
         splitUtf8("婷静娜丹倩颖洁雪佳琳晶莹慧欣月璐蕾晓文美雅"), 0.15},
        {splitNames("子轩 浩然 宇轩 梓豪 一鸣 俊熙 皓轩 子墨 铭泽 博文 奕辰 沐阳 锦程 天佑 明哲 宇泽 梓睿 思源"),
         splitNames("梓涵 欣怡 一诺 雨桐 子涵 诗涵 可馨 梓萱 依诺 语桐 若汐 思彤 佳怡 欣妍 雨涵 梦琪 紫萱 芷若"),
         splitUtf8("子轩浩宇梓睿泽晨铭豪辰宸皓一航博奕沐锦嘉俊熙天逸"),
         splitUtf8("涵欣怡梓萱诗雨桐一诺可馨依语若汐思彤佳妍琪悦"), 0.08},
    }};
    return kCohorts;
}

const std::vector<double>& surnameWeights() {
    static const std::vector<double> kWeights = [] {
        std::vector<double> w;
        for (const auto& s : kSurnames) w.push_back(s.weight);
        return w;
    }();
    return kWeights;
}

std::string surname(Rng& rng) { return kSurnames[rng.weighted(surnameWeights())].text; }

// ID number regions: the birthplace prefix. Most residents were born in Manzhouli (150781);
// others in the rest of Hulunbuir, Heilongjiang, Jilin and Hohhot.
struct Region {
    const char* code;
    double weight;
};
constexpr std::array<Region, 14> kRegions{{
    {"150781", 55}, {"150702", 12}, {"150700", 5}, {"150721", 3}, {"150724", 3}, {"150725", 4}, {"150726", 4},
    {"150727", 4},  {"150782", 3},  {"230102", 3}, {"230202", 2}, {"220102", 1}, {"150102", 1}, {"152201", 1},
}};
constexpr int kFirstIdYear = 1900;
constexpr int kIdYears = 131;

int daysIn(int year, int month) {
    static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

int uniformAge(Rng& rng, int lo, int hi) { return static_cast<int>(rng.between(lo, hi)); }

/// A bijection on [0, 10^8): a 4-round Feistel network on two base-10^4 halves, so phone
/// numbers are unique without looking them up and do not look sequential.
std::uint64_t scramble8(std::uint64_t v) {
    std::uint64_t l = v / 10000, r = v % 10000;
    static constexpr std::array<std::uint64_t, 4> kKeys{7919, 104729, 1299709, 15485863};
    for (auto k : kKeys) {
        const std::uint64_t f = (r * 7477 + k) % 10000;
        const std::uint64_t nl = r;
        r = (l + f) % 10000;
        l = nl;
    }
    return l * 10000 + r;
}

} // namespace

char idCheckCharacter(std::string_view first17) {
    static constexpr std::array<int, 17> kWeights{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static constexpr std::string_view kChecks = "10X98765432";
    int sum = 0;
    for (std::size_t i = 0; i < 17 && i < first17.size(); ++i) sum += (first17[i] - '0') * kWeights[i];
    return kChecks[static_cast<std::size_t>(sum % 11)];
}

People::People(int censusYear)
    : m_year(censusYear), m_idCounters(kRegions.size() * kIdYears * 12 * 31 * 2, 0) {}

std::string People::fullName(Rng& rng, char gender, int birthYear) const {
    return surname(rng) + [&] {
        const auto& c = cohorts()[birthYear < 1960 ? 0 : birthYear < 1980 ? 1 : birthYear < 2000 ? 2 : 3];
        const bool male = gender == 'M';
        if (rng.chance(0.5)) return rng.pick(male ? c.maleNames : c.femaleNames);
        const auto& chars = male ? c.maleChars : c.femaleChars;
        if (rng.chance(c.single)) return rng.pick(chars);
        std::string a = rng.pick(chars), b = rng.pick(chars);
        if (a == b && rng.chance(0.7)) b = rng.pick(chars); // 丹丹 and 婷婷 happen, but less often
        return a + b;
    }();
}

void People::drawHousehold(Rng& rng, HouseholdDraw& out) const {
    out.hardship = out.minimumIncome = out.elderlyAlone = out.leftBehindChildren = false;
    out.people.clear();
    const int y = m_year;
    auto add = [&](const char* relation, char gender, int age, const std::string& family) {
        Person p;
        p.relation = relation;
        p.gender = gender;
        p.birthYear = y - std::clamp(age, 0, 100);
        p.name = family.empty() ? fullName(rng, gender, p.birthYear)
                                : family + fullName(rng, gender, p.birthYear).substr(std::string("王").size());
        out.people.push_back(std::move(p));
        return out.people.size() - 1;
    };
    auto other = [](char g) { return g == 'M' ? 'F' : 'M'; };
    auto childGender = [&] { return rng.chance(0.51) ? 'M' : 'F'; };
    // The family name children carry: the father's.
    auto familyOf = [&](std::size_t head) {
        const Person& h = out.people[head];
        std::string s = h.name.substr(0, std::string("王").size());
        if (h.gender == 'F' && out.people.size() > 1 && std::string(out.people[1].relation) == "配偶")
            s = out.people[1].name.substr(0, std::string("王").size());
        return s;
    };
    auto couple = [&](int headAge) {
        const char g = rng.chance(0.7) ? 'M' : 'F';
        const std::size_t h = add("户主", g, headAge, {});
        add("配偶", other(g), headAge + uniformAge(rng, g == 'M' ? -5 : -1, g == 'M' ? 1 : 5), {});
        return h;
    };
    auto children = [&](std::size_t head, int headAge, int n) {
        const std::string family = familyOf(head);
        int age = headAge - uniformAge(rng, 23, 34);
        for (int k = 0; k < n; ++k) {
            add("子女", childGender(), std::max(age, 0), family);
            age -= uniformAge(rng, 2, 8);
        }
    };
    auto parents = [&](std::size_t head, int headAge, int n) {
        const std::string family = out.people[head].name.substr(0, std::string("王").size());
        const int age = std::min(headAge + uniformAge(rng, 24, 32), 97);
        if (n == 2) {
            add("父母", 'M', age + uniformAge(rng, 0, 3), family);
            add("父母", 'F', age, {});
        } else if (rng.chance(0.35)) {
            add("父母", 'M', age, family);
        } else {
            add("父母", 'F', age, {});
        }
    };
    auto grandchildren = [&](std::size_t head, int headAge, int n) {
        const std::string family = familyOf(head);
        int age = headAge - uniformAge(rng, 48, 62);
        for (int k = 0; k < n; ++k) {
            add("孙子女", childGender(), std::max(age, 0), family);
            age -= uniformAge(rng, 2, 5);
        }
    };

    if (rng.chance(0.01)) {
        // 留守儿童: grandparents bring up one or two grandchildren while the parents work away.
        out.leftBehindChildren = true;
        const int age = uniformAge(rng, 55, 72);
        std::size_t head;
        if (rng.chance(0.75)) {
            head = couple(age);
        } else {
            head = add("户主", rng.chance(0.6) ? 'F' : 'M', age, {});
        }
        const std::string family = familyOf(head);
        const int n = rng.chance(0.7) ? 1 : 2;
        int kid = uniformAge(rng, 4, 15);
        for (int k = 0; k < n; ++k) {
            add("孙子女", childGender(), kid, family);
            kid = std::max(kid - uniformAge(rng, 2, 5), 1);
        }
    } else {
        const int size = 1 + static_cast<int>(rng.weighted({0.17, 0.33, 0.29, 0.13, 0.08}));
        const double r = rng.unit();
        switch (size) {
        case 1:
            if (rng.chance(0.07 / 0.17)) {
                // 独居老人: 70+, more often women (who live longer).
                out.elderlyAlone = true;
                add("户主", rng.chance(0.65) ? 'F' : 'M', 70 + static_cast<int>(22 * std::pow(rng.unit(), 1.6)), {});
            } else {
                add("户主", rng.chance(0.55) ? 'M' : 'F', rng.chance(0.6) ? uniformAge(rng, 21, 40) : uniformAge(rng, 41, 69), {});
            }
            break;
        case 2:
            if (r < 0.45) {
                couple(uniformAge(rng, 55, 86));
            } else if (r < 0.70) {
                couple(uniformAge(rng, 23, 40));
            } else if (r < 0.85) {
                const int age = uniformAge(rng, 32, 56);
                const std::size_t h = add("户主", rng.chance(0.7) ? 'F' : 'M', age, {});
                children(h, age, 1);
            } else {
                const int age = uniformAge(rng, 30, 58);
                const std::size_t h = add("户主", rng.chance(0.5) ? 'M' : 'F', age, {});
                parents(h, age, 1);
            }
            break;
        case 3:
            if (r < 0.75) {
                const int age = uniformAge(rng, 28, 60);
                children(couple(age), age, 1);
            } else if (r < 0.88) {
                const int age = uniformAge(rng, 28, 55);
                parents(couple(age), age, 1);
            } else {
                const int age = uniformAge(rng, 34, 52);
                const std::size_t h = add("户主", rng.chance(0.7) ? 'F' : 'M', age, {});
                children(h, age, 2);
            }
            break;
        case 4:
            if (r < 0.35) {
                const int age = uniformAge(rng, 32, 55);
                children(couple(age), age, 2);
            } else if (r < 0.70) {
                const int age = uniformAge(rng, 30, 52);
                const std::size_t h = couple(age);
                children(h, age, 1);
                parents(h, age, 1);
            } else {
                const int age = uniformAge(rng, 50, 68);
                const std::size_t h = couple(age);
                children(h, age, 1);
                grandchildren(h, age, 1);
            }
            break;
        default:
            if (r < 0.45) {
                const int age = uniformAge(rng, 30, 50);
                const std::size_t h = couple(age);
                children(h, age, 1);
                parents(h, age, 2);
            } else if (r < 0.75) {
                const int age = uniformAge(rng, 32, 50);
                const std::size_t h = couple(age);
                children(h, age, 2);
                parents(h, age, 1);
            } else {
                const int age = uniformAge(rng, 52, 70);
                const std::size_t h = couple(age);
                children(h, age, 1);
                grandchildren(h, age, 2);
            }
            break;
        }
    }

    out.hardship = rng.chance(0.03);
    out.minimumIncome = rng.chance(out.hardship ? 0.3 : 0.0113); // ~2% overall, often together
    for (auto& p : out.people) {
        const int age = y - p.birthYear;
        p.disability = rng.chance(age < 18 ? 0.008 : age < 60 ? 0.018 : 0.05);
        if (age < 18) continue;
        // Party members: about 6% of adults, more among the old (joined when membership was
        // common) than the young.
        const double pm = age < 25 ? 0.012 : age < 35 ? 0.04 : age < 50 ? 0.055 : age < 65 ? 0.07 : age < 80 ? 0.085 : 0.09;
        if (!rng.chance(pm)) continue;
        p.member = true;
        if (age <= 35 && rng.chance(0.12)) {
            p.memberType = "probationary"; // 预备党员: joined within the last year
            p.joinedYear = y - static_cast<int>(rng.between(0, 1));
            continue;
        }
        if (age >= 20 && age <= 55 && rng.chance(0.09)) p.memberType = "mobile";          // 流动党员
        else if (age >= 23 && age <= 59 && rng.chance(0.30)) p.memberType = "in_service"; // 在职党员进社区
        else p.memberType = "full";
        const int joinAge = uniformAge(rng, 18, std::clamp(age - 1, 18, 40));
        p.joinedYear = std::min(p.birthYear + joinAge, y - 1);
    }
}

std::string People::idNumber(Rng& rng, int birthYear, char gender) {
    static const std::vector<double> kWeights = [] {
        std::vector<double> w;
        for (const auto& r : kRegions) w.push_back(r.weight);
        return w;
    }();
    const std::size_t region = rng.weighted(kWeights);
    const int month = static_cast<int>(rng.between(1, 12));
    const int day = static_cast<int>(rng.between(1, daysIn(birthYear, month)));
    const bool male = gender == 'M';
    // The 17th digit is odd for men; a counter per (region, date, gender) keeps numbers unique.
    const int yearIndex = std::clamp(birthYear - kFirstIdYear, 0, kIdYears - 1);
    const std::size_t key =
        (((region * kIdYears + static_cast<std::size_t>(yearIndex)) * 12 + static_cast<std::size_t>(month - 1)) * 31 +
         static_cast<std::size_t>(day - 1)) * 2 + (male ? 1 : 0);
    const int n = m_idCounters[key]++;
    const int start = static_cast<int>(key * 2654435761U % 499);
    const int seq = ((start + n) % 499) * 2 + (male ? 1 : 2);
    char buf[24];
    std::snprintf(buf, sizeof buf, "%s%04d%02d%02d%03d", kRegions[region].code, birthYear, month, day, seq);
    std::string id(buf, 17);
    id += idCheckCharacter(id);
    return id;
}

std::string People::mobile(Rng& rng) {
    static const std::vector<int> kPrefixes{130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152,
                                            153, 155, 156, 157, 158, 159, 180, 181, 182, 183, 185, 186, 187, 188, 189};
    const int prefix = kPrefixes[static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(kPrefixes.size()) - 1))];
    char buf[16];
    std::snprintf(buf, sizeof buf, "%03d%08llu", prefix, static_cast<unsigned long long>(scramble8(m_phoneCounter++)));
    return buf;
}

} // namespace gridatlas::storage::demo
