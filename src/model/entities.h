#pragma once
// Plain records of the atlas tables, as the writers and generator use them.
#include <cstdint>
#include <optional>
#include <string>

#include "model/geometry.h"

namespace gridatlas::model {

struct Community {
    std::int64_t id = 0;
    std::string code;
    std::string name;
    std::string streetOffice;
    Geometry boundary; ///< polygon or multipolygon
};

struct Grid {
    std::int64_t id = 0;
    std::string code;
    std::string name;
    std::int64_t communityId = 0;
    std::optional<int> targetHouseholds;
    Geometry boundary;
};

struct GridStaff {
    std::int64_t gridId = 0;
    std::string role; ///< manager | supervisor | assistant
    std::string name;
    std::string phone;
};

struct Building {
    std::int64_t id = 0;
    std::int64_t communityId = 0;
    std::optional<std::int64_t> gridId;
    std::string number; ///< "3栋"
    std::string name;
    std::string compound;
    std::string address;
    int floors = 1;
    int unitCount = 0;
    std::optional<int> flatsPerFloor;
    std::string use = "residential";
    Geometry footprint;
};

struct Unit {
    std::int64_t id = 0;
    std::int64_t buildingId = 0;
    int number = 1;
    std::optional<Vec2> entrance;
};

struct Household {
    std::int64_t id = 0;
    std::int64_t unitId = 0;
    int floor = 1;
    std::string room; ///< "501"
    bool hardship = false;
    bool minimumIncome = false;
    bool elderlyAlone = false;
    bool leftBehindChildren = false;
    bool vacant = false;
    std::optional<Vec2> location;
};

struct Resident {
    std::int64_t id = 0;
    std::int64_t householdId = 0;
    std::string name;
    std::string relation; ///< 户主, 配偶, 子女, ...
    std::string gender;   ///< M | F
    std::optional<int> birthYear;
    std::string phone;
    std::string idNumber;
    bool disability = false;
    bool isMember = false;
    std::string memberType; ///< full | probationary | mobile | in_service (members only)
    std::string branch;
    std::optional<int> joinedYear;
};

struct ServicePost {
    std::int64_t id = 0;
    std::optional<std::int64_t> communityId;
    std::optional<std::int64_t> buildingId;
    std::string name;
    std::string type;
    std::string hours;
    std::optional<double> radiusM;
    std::optional<double> walkMinutes;
    Vec2 location;
};

struct Street {
    std::int64_t id = 0;
    std::string name;
    std::string streetClass = "local";
    std::optional<double> widthM;
    Geometry line;
};

struct Assignment {
    std::int64_t memberId = 0;
    std::string kind; ///< pairing | zone
    std::optional<std::int64_t> householdId;
    std::optional<std::int64_t> buildingId;
};

} // namespace gridatlas::model
