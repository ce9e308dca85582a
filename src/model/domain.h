#pragma once
// Domain vocabulary (shared/GLOSSARY.md): the codes stored in the atlas and their Chinese names.
#include <array>
#include <optional>
#include <string_view>

namespace gridatlas::model {

struct CodeName {
    std::string_view code;   ///< stored in the atlas
    std::string_view nameZh; ///< shown to users
    std::string_view nameEn;
};

/// Service post types (service_posts.type) with their default standard (post_types table).
struct PostTypeInfo {
    std::string_view code;
    std::string_view nameZh;
    std::string_view nameEn;
    double radiusM;     ///< straight-line standard
    double walkMinutes; ///< walking standard (GB 50180-2018 life circles)
};
inline constexpr std::array<PostTypeInfo, 6> kPostTypes{{
    {"pioneer_post", "党员先锋岗", "Party member pioneer post", 500, 10},
    {"health_station", "社区卫生服务站", "Community health station", 1125, 15},
    {"charity_shop", "爱心超市", "Charity shop", 800, 10},
    {"aid_station", "救助站", "Aid station", 1000, 15},
    {"convenience_service", "便民服务站", "Convenience service point", 300, 5},
    {"activity_room", "党群活动室", "Activity room", 500, 10},
}};

inline constexpr std::array<CodeName, 4> kMemberTypes{{
    {"full", "正式党员", "Full member"},
    {"probationary", "预备党员", "Probationary member"},
    {"mobile", "流动党员", "Mobile member"},
    {"in_service", "在职党员", "In-service member"},
}};

inline constexpr std::array<CodeName, 3> kStaffRoles{{
    {"manager", "网格管理员", "Grid manager"},
    {"supervisor", "网格监督员", "Grid supervisor"},
    {"assistant", "网格协管员", "Grid assistant"},
}};

inline constexpr std::array<CodeName, 4> kBuildingUses{{
    {"residential", "住宅", "Residential"},
    {"commercial", "商业", "Commercial"},
    {"public", "公共建筑", "Public"},
    {"mixed", "商住混合", "Mixed"},
}};

/// Household flags (households.<code>, 0/1) that mark vulnerable households.
inline constexpr std::array<CodeName, 4> kHouseholdFlags{{
    {"hardship", "困难户", "Hardship"},
    {"minimum_income", "低保户", "Minimum income"},
    {"elderly_alone", "独居老人", "Elderly living alone"},
    {"left_behind_children", "留守儿童", "Left-behind children"},
}};

template <std::size_t N>
constexpr std::optional<CodeName> findCode(const std::array<CodeName, N>& table, std::string_view code) {
    for (const auto& c : table)
        if (c.code == code) return c;
    return std::nullopt;
}

inline std::optional<PostTypeInfo> findPostType(std::string_view code) {
    for (const auto& p : kPostTypes)
        if (p.code == code) return p;
    return std::nullopt;
}

} // namespace gridatlas::model
