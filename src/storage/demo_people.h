#pragma once
// Internal to the demo generator: households and residents with plausible names, ages,
// relations, ID numbers and phones, drawn building by building while the atlas is written.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/rng.h"

namespace gridatlas::storage::demo {

struct Person {
    std::string name;
    const char* relation = "户主"; ///< 户主 | 配偶 | 子女 | 父母 | 孙子女
    char gender = 'M';
    int birthYear = 1980;
    bool disability = false;
    bool member = false;
    const char* memberType = nullptr; ///< full | probationary | mobile | in_service
    int joinedYear = 0;
    [[nodiscard]] bool isAdult(int censusYear) const { return censusYear - birthYear >= 18; }
};

struct HouseholdDraw {
    bool hardship = false;
    bool minimumIncome = false;
    bool elderlyAlone = false; ///< then exactly one resident, aged 70+
    bool leftBehindChildren = false;
    std::vector<Person> people;
};

/// The check character of an 18-character PRC resident ID (ISO 7064 MOD 11-2) over its first
/// 17 digits.
char idCheckCharacter(std::string_view first17);

class People {
public:
    explicit People(int censusYear);

    [[nodiscard]] int censusYear() const { return m_year; }
    /// Draws one household: composition, ages, names, flags, members.
    void drawHousehold(model::Rng& rng, HouseholdDraw& out) const;
    /// A full name for someone of this gender and birth year.
    [[nodiscard]] std::string fullName(model::Rng& rng, char gender, int birthYear) const;

    /// A valid, unique 18-character ID number. Stateful: call in writing order.
    std::string idNumber(model::Rng& rng, int birthYear, char gender);
    /// A unique 11-digit mobile number (13x/15x/18x). Stateful: call in writing order.
    std::string mobile(model::Rng& rng);

private:
    int m_year;
    std::vector<std::uint16_t> m_idCounters;
    std::uint64_t m_phoneCounter = 0;
};

} // namespace gridatlas::storage::demo
