// Encryption at rest of ID numbers and phones: what a copied file shows, what the passphrase
// opens, and that everything that worked on a clear atlas still works (masked) without it.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string_view>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "io/roster_import.h"
#include "io/roster_mapping.h"
#include "io/roster_table.h"
#include "model/masking.h"
#include "model/support/feedback.h"
#include "storage/atlas.h"
#include "storage/building_table.h"
#include "storage/connection.h"
#include "storage/engine.h"
#include "storage/crypto.h"
#include "storage/demo_generator.h"
#include "storage/grid_edit.h"
#include "storage/identify.h"
#include "storage/fixture_atlas.h"

namespace gridatlas {
namespace {

namespace crypto = storage::crypto;
using testing::SmallWorld;
using testing::TempDir;

const crypto::KdfLimits kFast = crypto::KdfLimits::minimum(); // tests derive many keys

struct Person {
    std::int64_t id;
    std::string phone, idNumber;
};

std::vector<Person> residentsOf(storage::Connection& c) {
    std::vector<Person> out;
    storage::Statement st(c, "SELECT id, COALESCE(phone, ''), COALESCE(id_number, '') FROM residents ORDER BY id");
    while (st.step()) out.push_back({st.columnInt(0), st.columnText(1), st.columnText(2)});
    return out;
}

std::vector<std::string> staffPhones(storage::Connection& c) {
    std::vector<std::string> out;
    storage::Statement st(c, "SELECT phone FROM grid_staff WHERE phone IS NOT NULL ORDER BY id");
    while (st.step()) out.push_back(st.columnText(0));
    return out;
}

std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A PostGIS atlas's bytes on the server's disk: every relation file of its database (tables,
// TOAST, indexes, all segments) after a CHECKPOINT, read from the test cluster's data folder (the
// tests run on the same machine, as a superuser). The cluster's WAL is shared by every test
// database and recycled by the server, so it is not searched (SQLite's -wal is).
std::vector<std::pair<std::string, std::string>> serverBytes(const std::string& url) {
    storage::Connection c(url, storage::OpenMode::ReadWrite);
    c.exec("CHECKPOINT");
    const std::string dataDir = c.queryText("SELECT current_setting('data_directory')").value_or("");
    std::vector<std::pair<std::string, std::string>> out; // relation name, its bytes
    storage::Statement st(c, "SELECT relname, pg_relation_filepath(oid) FROM pg_class WHERE relkind IN ('r', 't', 'i', 'm') "
                             "AND pg_relation_filepath(oid) IS NOT NULL");
    while (st.step()) {
        std::string bytes;
        for (int segment = 0;; ++segment) {
            const std::string file = dataDir + "/" + st.columnText(1) + (segment ? "." + std::to_string(segment) : "");
            if (!std::filesystem::exists(file)) break;
            bytes += readBytes(file);
        }
        out.emplace_back(st.columnText(0), std::move(bytes));
    }
    return out;
}

std::string utf16(const std::string& ascii, bool littleEndian) {
    std::string out;
    for (char ch : ascii) {
        if (littleEndian)
            out += ch, out += '\0';
        else
            out += '\0', out += ch;
    }
    return out;
}

/// Every way a value may sit in the file's bytes: as is, digits only, with dashes or spaces in
/// the usual places (phones 3-4-4, ID numbers 6-8-4), and each of those in UTF-16 LE and BE.
std::vector<std::string> spellings(const std::string& value) {
    std::string digits;
    for (char ch : value)
        if (ch != ' ' && ch != '-') digits += ch;
    std::set<std::string> forms{value, digits};
    if (digits.size() == 11)
        for (const char* sep : {"-", " "}) forms.insert(digits.substr(0, 3) + sep + digits.substr(3, 4) + sep + digits.substr(7));
    if (digits.size() == 18)
        for (const char* sep : {"-", " "})
            forms.insert(digits.substr(0, 6) + sep + digits.substr(6, 8) + sep + digits.substr(14));
    std::vector<std::string> out(forms.begin(), forms.end());
    for (const auto& f : forms) {
        out.push_back(utf16(f, true));
        out.push_back(utf16(f, false));
    }
    return out;
}

/// The values (of `values`) found anywhere in the bytes of `path`, its -wal and its -shm.
std::vector<std::string> leaks(const std::string& path, const std::vector<std::string>& values) {
    std::map<std::string, std::string> valueOf; // spelling -> value (stable storage for the views)
    for (const auto& v : values)
        for (const auto& s : spellings(v)) valueOf.emplace(s, v);
    std::unordered_set<std::string_view> needles;
    std::set<std::size_t> lengths;
    for (const auto& [s, v] : valueOf) {
        needles.insert(s);
        lengths.insert(s.size());
    }
    auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
    std::set<std::string> found;
    const bool server = storage::isPostgresLocation(path);
    std::vector<std::pair<std::string, std::string>> parts; // where, bytes
    if (server) parts = serverBytes(path);
    else
        for (const char* suffix : {"", "-wal", "-shm"}) parts.emplace_back(path + suffix, readBytes(path + suffix));
    for (const auto& [where, bytes] : parts) {
        const std::string_view all(bytes);
        for (std::size_t i = 0; i + 1 < all.size(); ++i) {
            // Every spelling starts with a digit or, in UTF-16 BE, with the zero before one.
            if (!digit(all[i]) && !(all[i] == '\0' && digit(all[i + 1]))) continue;
            for (std::size_t len : lengths)
                if (i + len <= all.size()) {
                    const auto it = needles.find(all.substr(i, len));
                    if (it != needles.end()) found.insert(valueOf.find(std::string(*it))->second + " in " + where);
                }
        }
    }
    return {found.begin(), found.end()};
}

std::vector<std::string> valuesOf(const std::vector<Person>& people, const std::vector<std::string>& staff) {
    std::vector<std::string> out = staff;
    for (const auto& p : people) {
        if (!p.phone.empty()) out.push_back(p.phone);
        if (!p.idNumber.empty()) out.push_back(p.idNumber);
    }
    return out;
}

/// The clear phone and ID number of every resident, opened with the session's key.
std::vector<Person> revealAll(storage::Connection& c) {
    const crypto::FieldCipher cipher(c, crypto::FieldCipher::Need::Key);
    std::vector<Person> out;
    storage::Statement st(
        c, "SELECT id, COALESCE(phone, ''), phone_enc, COALESCE(id_number, ''), id_number_enc FROM residents ORDER BY id");
    while (st.step()) {
        const std::string ident = std::to_string(st.columnInt(0));
        out.push_back({st.columnInt(0), cipher.open(crypto::Field::ResidentPhone, ident, st.columnText(1), st.columnBlob(2)),
                       cipher.open(crypto::Field::ResidentIdNumber, ident, st.columnText(3), st.columnBlob(4))});
    }
    return out;
}

bool samePeople(const std::vector<Person>& a, const std::vector<Person>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Person& x, const Person& y) {
        return x.id == y.id && x.phone == y.phone && x.idNumber == y.idNumber;
    });
}

class Crypt : public ::testing::Test {
protected:
    void TearDown() override { crypto::forget(); }
};

// ---- a clear atlas encrypted in place -----------------------------------------------------

TEST_F(Crypt, EncryptInPlaceLeavesNoClearValueAndRevealsWithThePassphrase) {
    SmallWorld w;
    auto& c = w.atlas->connection();
    const auto people = residentsOf(c);
    const auto staff = staffPhones(c);
    const auto values = valuesOf(people, staff);
    ASSERT_GE(values.size(), 5u);
    ASSERT_FALSE(leaks(w.path, values).empty()); // the search finds them in a clear atlas
    const auto maskedBefore = storage::loadHouseholdResidents(*w.atlas, 1, false);

    const auto report = crypto::encryptAtlas(c, "correct horse", nullptr, kFast);
    EXPECT_GE(report.residents, 1);
    EXPECT_EQ(report.staff, 3);
    EXPECT_TRUE(crypto::isEncrypted(c));
    EXPECT_EQ(leaks(w.path, values), std::vector<std::string>{});

    // Without the key: the masked forms, exactly what a clear atlas shows.
    crypto::forget();
    EXPECT_EQ(residentsOf(c).size(), people.size());
    for (const auto& p : residentsOf(c)) {
        const auto it = std::find_if(people.begin(), people.end(), [&](const Person& q) { return q.id == p.id; });
        EXPECT_EQ(p.phone, model::maskPhone(it->phone));
        EXPECT_EQ(p.idNumber, model::maskIdNumber(it->idNumber));
    }
    const auto maskedAfter = storage::loadHouseholdResidents(*w.atlas, 1, false);
    ASSERT_EQ(maskedAfter.size(), maskedBefore.size());
    for (std::size_t i = 0; i < maskedAfter.size(); ++i) {
        EXPECT_EQ(maskedAfter[i].phone, maskedBefore[i].phone);
        EXPECT_EQ(maskedAfter[i].idNumber, maskedBefore[i].idNumber);
    }
    EXPECT_THROW(storage::loadHouseholdResidents(*w.atlas, 1, true), crypto::PassphraseNeeded);
    EXPECT_THROW(revealAll(c), crypto::PassphraseNeeded);

    // With it: every value back.
    crypto::unlock(c, "correct horse");
    EXPECT_TRUE(samePeople(revealAll(c), people));
}

TEST_F(Crypt, WrongPassphraseIsRefusedAsSuch) {
    SmallWorld w;
    auto& c = w.atlas->connection();
    crypto::encryptAtlas(c, "right one", nullptr, kFast);
    crypto::forget();
    try {
        crypto::unlock(c, "wrong one");
        FAIL() << "a wrong passphrase was accepted";
    } catch (const crypto::WrongPassphrase& e) {
        EXPECT_NE(std::string(e.what()).find("wrong passphrase"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(w.path), std::string::npos) << e.what();
    }
    EXPECT_FALSE(crypto::isUnlocked(w.path));
    EXPECT_NO_THROW(crypto::unlock(c, "right one"));
    EXPECT_TRUE(crypto::isUnlocked(w.path));
    EXPECT_THROW(crypto::encryptAtlas(c, "again", nullptr, kFast), InputError); // encrypted already
}

TEST_F(Crypt, CiphertextsCannotBeSwappedBetweenRows) {
    SmallWorld w;
    auto& c = w.atlas->connection();
    c.exec(c.engine() == storage::Engine::PostgreSQL ? "UPDATE residents SET phone = '1390000' || lpad(id::text, 4, '0') WHERE id <= 2"
                                                     : "UPDATE residents SET phone = '1390000' || printf('%04d', id) WHERE id <= 2");
    crypto::encryptAtlas(c, "pw", nullptr, kFast);
    EXPECT_NO_THROW(revealAll(c));
    c.exec("UPDATE residents SET phone_enc = (SELECT phone_enc FROM residents WHERE id = 2) WHERE id = 1");
    try {
        revealAll(c);
        FAIL() << "a ciphertext moved to another row opened";
    } catch (const StorageError& e) {
        EXPECT_NE(std::string(e.what()).find("does not decrypt"), std::string::npos) << e.what();
    }
}

// ---- passwd -------------------------------------------------------------------------------

std::string sealedState(storage::Connection& c) {
    std::string out;
    const bool pg = c.engine() == storage::Engine::PostgreSQL;
    const auto hex = [pg](const std::string& column) { return pg ? "encode(" + column + ", 'hex')" : "hex(" + column + ")"; };
    const auto joined = [pg](const std::string& e) { return pg ? "string_agg(" + e + ", ',' ORDER BY id)" : "group_concat(" + e + ", ',')"; };
    for (const std::string& sql :
         {"SELECT " + hex("salt") + " || " + hex("key_check") + " FROM atlas_crypto",
          "SELECT " + joined("COALESCE(" + hex("phone_enc") + ", '') || COALESCE(" + hex("id_number_enc") + ", '') || COALESCE(" +
                             hex("id_number_hash") + ", '')") + " FROM residents",
          "SELECT " + joined("COALESCE(" + hex("phone_enc") + ", '')") + " FROM grid_staff"})
        out += c.queryText(sql).value_or("") + "\n";
    return out;
}

TEST_F(Crypt, PasswdReencryptsAllOrNothing) {
    SmallWorld w;
    auto& c = w.atlas->connection();
    const auto people = residentsOf(c);
    crypto::encryptAtlas(c, "old", nullptr, kFast);
    const std::string before = sealedState(c);

    // Cancelled half way (the first progress report comes after the first batch is rewritten):
    // the transaction rolls back, the old passphrase still opens everything.
    Feedback cancelling;
    cancelling.setProgressCallback([&](double, const std::string&) { cancelling.cancel(); });
    EXPECT_THROW(crypto::changePassphrase(c, "old", "new", &cancelling, kFast), CancelledError);
    EXPECT_EQ(sealedState(c), before);
    crypto::forget();
    EXPECT_THROW(crypto::unlock(c, "new"), crypto::WrongPassphrase);
    crypto::unlock(c, "old");
    EXPECT_TRUE(samePeople(revealAll(c), people));

    // A wrong old passphrase changes nothing.
    EXPECT_THROW(crypto::changePassphrase(c, "not it", "new", nullptr, kFast), crypto::WrongPassphrase);
    EXPECT_EQ(sealedState(c), before);

    const auto r = crypto::changePassphrase(c, "old", "new", nullptr, kFast);
    EXPECT_GE(r.residents, 1);
    EXPECT_NE(sealedState(c), before);
    crypto::forget();
    EXPECT_THROW(crypto::unlock(c, "old"), crypto::WrongPassphrase);
    crypto::unlock(c, "new");
    EXPECT_TRUE(samePeople(revealAll(c), people));
    EXPECT_EQ(leaks(w.path, valuesOf(people, {})), std::vector<std::string>{});
}

// ---- writers on an encrypted atlas --------------------------------------------------------

TEST_F(Crypt, WritersSealAndNeedTheKey) {
    SmallWorld w;
    auto& c = w.atlas->connection();
    crypto::encryptAtlas(c, "pw", nullptr, kFast);
    crypto::forget();
    {
        storage::AtlasWriter writer(*w.atlas);
        model::Resident r;
        r.householdId = 1;
        r.name = "钱多多";
        r.phone = "13511112222";
        EXPECT_THROW(writer.add(r), crypto::PassphraseNeeded);
    }
    crypto::unlock(c, "pw");
    storage::AtlasWriter writer(*w.atlas);
    model::Resident r;
    r.householdId = 1;
    r.name = "钱多多";
    r.phone = "13511112222";
    r.idNumber = "150781198801012345";
    const auto id = writer.add(r);
    EXPECT_EQ(c.queryText("SELECT phone FROM residents WHERE id = " + std::to_string(id)), "135****2222");
    const auto people = storage::loadHouseholdResidents(*w.atlas, 1, true);
    const auto it = std::find_if(people.begin(), people.end(), [&](const auto& p) { return p.id == id; });
    ASSERT_NE(it, people.end());
    EXPECT_EQ(it->phone, "13511112222");
    EXPECT_EQ(it->idNumber, "150781198801012345");
    EXPECT_EQ(leaks(w.path, {"13511112222", "150781198801012345"}), std::vector<std::string>{});
}

TEST_F(Crypt, IdentifyCarriesMaskedValuesAndRevealsWithTheKey) {
    SmallWorld clear;
    SmallWorld enc;
    crypto::encryptAtlas(enc.atlas->connection(), "pw", nullptr, kFast);
    crypto::forget();
    const auto a = storage::describeGrid(*clear.atlas, 1);
    const auto b = storage::describeGrid(*enc.atlas, 1);
    ASSERT_TRUE(a && b);
    ASSERT_EQ(a->attributes.size(), b->attributes.size());
    int phones = 0;
    for (std::size_t i = 0; i < a->attributes.size(); ++i) {
        const auto& x = a->attributes[i];
        const auto& y = b->attributes[i];
        // Masked (the default), both atlases show the same; revealed, the same clear values.
        EXPECT_EQ(model::mask(x.value, x.sensitivity), model::mask(y.value, y.sensitivity)) << x.key;
        if (x.sensitivity == model::Sensitivity::Phone) {
            ++phones;
            EXPECT_TRUE(y.sealed.has_value()) << y.key;
            EXPECT_THROW(storage::revealedValue(b->atlas, y), crypto::PassphraseNeeded);
        }
    }
    EXPECT_EQ(phones, 3);
    crypto::unlock(enc.atlas->connection(), "pw");
    for (std::size_t i = 0; i < a->attributes.size(); ++i)
        EXPECT_EQ(storage::revealedValue(a->atlas, a->attributes[i]), storage::revealedValue(b->atlas, b->attributes[i]));
}

// Grid edits replace staff rows: untouched (masked) phones travel with their ciphertexts without
// the key, through the edit and its undo; a new phone needs the key; a renamed one is resealed.
TEST_F(Crypt, GridStaffEditsKeepSealedPhones) {
    SmallWorld w;
    auto& c = w.atlas->connection();
    const auto phones = staffPhones(c);
    crypto::encryptAtlas(c, "pw", nullptr, kFast);
    crypto::forget();
    auto openStaff = [&] {
        std::vector<std::string> out;
        for (const auto& s : storage::loadGridStaff(c, 1))
            out.push_back(s.phoneSealed ? crypto::openSealed(w.path, *s.phoneSealed) : "");
        return out;
    };
    storage::GridEditor editor(*w.atlas);
    storage::GridProperties props;
    props.code = *c.queryText("SELECT code FROM grids WHERE id = 1");
    props.name = "改名的网格";
    props.staff = storage::loadGridStaff(c, 1);
    ASSERT_EQ(props.staff.size(), 3u);
    const auto edit = editor.setProperties(1, props); // no key: the phones are written back sealed
    EXPECT_EQ(c.queryText("SELECT name FROM grids WHERE id = 1"), "改名的网格");
    EXPECT_EQ(staffPhones(c),
              (std::vector<std::string>{model::maskPhone(phones[0]), model::maskPhone(phones[1]), model::maskPhone(phones[2])}));
    editor.undo(edit.undo);
    auto typed = props;
    typed.staff[1].phone = "13900001111"; // a new phone cannot be sealed without the key
    typed.staff[1].phoneSealed.reset();
    EXPECT_THROW(editor.setProperties(1, typed), crypto::PassphraseNeeded);
    crypto::unlock(c, "pw");
    EXPECT_EQ(openStaff(), phones);
    auto renamed = props;
    renamed.staff[0].name = "新管理员"; // sealed for the old name: resealed for the new one
    editor.setProperties(1, renamed);
    EXPECT_EQ(openStaff(), phones);
    editor.setProperties(1, typed);
    auto expected = phones;
    expected[1] = "13900001111";
    EXPECT_EQ(openStaff(), expected);
    EXPECT_EQ(leaks(w.path, {"13900001111"}), std::vector<std::string>{});
}

// ---- roster import matches by the blind index ---------------------------------------------

io::RosterImportResult importCsv(storage::Atlas& atlas, const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
    const io::RosterTable table = io::readRoster(path, "", nullptr);
    const io::ColumnMapping m = io::detectMapping(table.headers(), nullptr);
    io::RosterImportOptions o;
    o.currentYear = 2026;
    return io::importRoster(atlas, table, m, o);
}

const char* kHeader = "序号,姓名,性别,出生日期,身份证号,联系电话,住址,与户主关系\r\n";

void rosterMatchesById(bool manyResidents) {
    SmallWorld w;
    auto& c = w.atlas->connection();
    auto first =
        importCsv(*w.atlas, w.dir.file("a.csv"),
                  std::string(kHeader) + "1,王小明,男,1990-05-01,42011119900501123X,13800001111,湖西社区1栋1单元101室,子女\r\n");
    ASSERT_TRUE(first.written) << first.summary();
    crypto::encryptAtlas(c, "pw", nullptr, kFast);
    if (manyResidents) {
        // Enough residents that the import looks ID numbers up row by row (through the index)
        // instead of loading them all.
        storage::Transaction tx(c);
        storage::AtlasWriter writer(*w.atlas);
        for (int i = 0; i < 1500; ++i) {
            model::Resident r;
            r.householdId = 2;
            r.name = "居民" + std::to_string(i);
            r.phone = "1370000" + std::to_string(1000 + i);
            writer.add(r);
        }
        tx.commit();
    }
    crypto::forget();
    // The same ID number under another name and a new phone: matched (updated), not added.
    const std::string second =
        std::string(kHeader) + "1,王晓明,男,1990-05-01,42011119900501123X,13899998888,湖西社区1栋1单元101室,子女\r\n";
    EXPECT_THROW(importCsv(*w.atlas, w.dir.file("b.csv"), second), crypto::PassphraseNeeded);
    crypto::unlock(c, "pw");
    const auto before = c.queryInt("SELECT COUNT(*) FROM residents");
    const auto r = importCsv(*w.atlas, w.dir.file("b.csv"), second);
    EXPECT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.updated, 1u) << r.summary();
    EXPECT_EQ(r.added, 0u) << r.summary();
    EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM residents"), before);
    const auto id = c.queryInt("SELECT id FROM residents WHERE name = '王晓明'");
    ASSERT_TRUE(id);
    EXPECT_EQ(c.queryText("SELECT phone FROM residents WHERE id = " + std::to_string(*id)), "138****8888");
    const auto revealed = revealAll(c);
    const auto it = std::find_if(revealed.begin(), revealed.end(), [&](const Person& p) { return p.id == *id; });
    ASSERT_NE(it, revealed.end());
    EXPECT_EQ(it->phone, "13899998888");
    EXPECT_EQ(it->idNumber, "42011119900501123X");
    // A new resident from a roster is sealed too.
    const auto third =
        importCsv(*w.atlas, w.dir.file("c.csv"),
                  std::string(kHeader) + "1,孙新,男,1985-06-15,420111198506151236,13977776666,湖西社区1栋1单元102室,户主\r\n");
    EXPECT_EQ(third.added, 1u) << third.summary();
    EXPECT_EQ(leaks(w.path, {"13899998888", "42011119900501123X", "13800001111", "420111198506151236", "13977776666"}),
              std::vector<std::string>{});
}

TEST_F(Crypt, RosterImportMatchesByBlindIndexAllLoaded) {
    rosterMatchesById(false);
}
TEST_F(Crypt, RosterImportMatchesByBlindIndexRowByRow) {
    rosterMatchesById(true);
}

// ---- the demo, generated encrypted ------------------------------------------------------

TEST_F(Crypt, EncryptedDemoFileHoldsNoIdNumberOrPhone) {
    TempDir dir;
    const std::string clearPath = dir.file("clear.sqlite"), encPath = dir.file("enc.sqlite");
    storage::DemoOptions options;
    storage::generateDemo(clearPath, options);
    options.passphrase = "演示 passphrase";
    options.kdfLimits = kFast;
    storage::generateDemo(encPath, options);
    crypto::forget();

    storage::Connection clear(clearPath, storage::OpenMode::ReadOnly);
    const auto people = residentsOf(clear);
    const auto values = valuesOf(people, staffPhones(clear));
    ASSERT_GT(values.size(), 1000u);
    ASSERT_FALSE(leaks(clearPath, {values.front()}).empty());

    auto atlas = storage::Atlas::open(encPath, storage::OpenMode::ReadWrite);
    auto& c = atlas->connection();
    // Same counts and flags without the key (maps and counts work).
    for (const char* sql :
         {"SELECT COUNT(*) FROM residents", "SELECT COUNT(*) FROM residents WHERE disability = 1",
          "SELECT COUNT(*) FROM residents WHERE phone IS NOT NULL", "SELECT SUM(residents) FROM building_summary"})
        EXPECT_EQ(c.queryInt(sql), clear.queryInt(sql)) << sql;
    // A write keeps a WAL beside the file while the connection is open: grep all three.
    c.exec("UPDATE atlas_meta SET value = value WHERE key = 'city'");
    EXPECT_EQ(leaks(encPath, values), std::vector<std::string>{});

    EXPECT_THROW(crypto::unlock(c, "demo"), crypto::WrongPassphrase);
    crypto::unlock(c, "演示 passphrase");
    EXPECT_TRUE(samePeople(revealAll(c), people));
}

// ---- the CLI ------------------------------------------------------------------------------

/// Runs gridatlas-cli detached from any terminal (so nothing can prompt) with `env` set.
int cli(const std::string& env, const std::string& args, std::string* out) {
    return testing::runCommand(env + " setsid '" + testing::cliPath() + "' " + args + " </dev/null 2>&1", out);
}

TEST_F(Crypt, CliDemoEncryptRevealAndPasswd) {
    TempDir dir;
    const std::string demo = dir.file("demo.sqlite");
    std::string out;
    ASSERT_EQ(cli("GRIDATLAS_PASSPHRASE=demo-passphrase", "demo --out '" + demo + "'", &out), 0) << out;
    EXPECT_NE(out.find("encrypted"), std::string::npos) << out;
    ASSERT_EQ(cli("GRIDATLAS_PASSPHRASE=", "info --atlas '" + demo + "'", &out), 0) << out;
    EXPECT_NE(out.find("personal_data: ID numbers and phones encrypted"), std::string::npos) << out;
    std::string household;
    {
        storage::Connection c(demo, storage::OpenMode::ReadOnly);
        EXPECT_TRUE(crypto::isEncrypted(c));
        household = std::to_string(*c.queryInt("SELECT household_id FROM residents WHERE phone IS NOT NULL ORDER BY id LIMIT 1"));
    }
    const std::string list = "residents --atlas '" + demo + "' --household " + household;

    // Masked without any passphrase; a reveal without one, or with a wrong one, is refused.
    ASSERT_EQ(cli("GRIDATLAS_PASSPHRASE=", list, &out), 0) << out;
    EXPECT_NE(out.find("****"), std::string::npos) << out;
    EXPECT_NE(cli("GRIDATLAS_PASSPHRASE=", list + " --reveal", &out), 0);
    EXPECT_NE(out.find("passphrase is needed"), std::string::npos) << out;
    EXPECT_EQ(cli("GRIDATLAS_PASSPHRASE=nope", list + " --reveal", &out), 1);
    EXPECT_NE(out.find("wrong passphrase"), std::string::npos) << out;
    ASSERT_EQ(cli("GRIDATLAS_PASSPHRASE=demo-passphrase", list + " --reveal", &out), 0) << out;
    EXPECT_EQ(out.find("****"), std::string::npos) << out;
    EXPECT_NE(out.find("REVEALED"), std::string::npos) << out;
    {
        storage::Connection c(demo, storage::OpenMode::ReadOnly);
        EXPECT_EQ(
            c.queryInt("SELECT COUNT(*) FROM reveal_log WHERE program = 'gridatlas-cli residents' AND what LIKE '%household " +
                       household + "'"),
            1);
        // ... and the history (audit log) lists it beside the edits.
        EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'reveal' AND new_value LIKE '%household " + household +
                             "'"),
                  1);
    }

    // passwd: the old passphrase stops working, the new one reveals.
    ASSERT_EQ(cli("GRIDATLAS_PASSPHRASE=demo-passphrase GRIDATLAS_NEW_PASSPHRASE=second", "passwd --atlas '" + demo + "'", &out),
              0)
        << out;
    EXPECT_EQ(cli("GRIDATLAS_PASSPHRASE=demo-passphrase", list + " --reveal", &out), 1);
    EXPECT_NE(out.find("wrong passphrase"), std::string::npos) << out;
    EXPECT_EQ(cli("GRIDATLAS_PASSPHRASE=second", list + " --reveal", &out), 0) << out;
    EXPECT_NE(cli("GRIDATLAS_PASSPHRASE=x GRIDATLAS_NEW_PASSPHRASE=y", "passwd --atlas '" + demo + "'", &out), 0);
    EXPECT_NE(out.find("wrong passphrase"), std::string::npos) << out;
}

TEST_F(Crypt, CliEncryptsAClearAtlas) {
    TempDir dir;
    const std::string demo = dir.file("clear.sqlite");
    std::string out;
    ASSERT_EQ(cli("GRIDATLAS_PASSPHRASE=", "demo --out '" + demo + "'", &out), 0) << out;
    std::vector<std::string> values;
    {
        storage::Connection c(demo, storage::OpenMode::ReadOnly);
        EXPECT_FALSE(crypto::isEncrypted(c));
        values = valuesOf(residentsOf(c), staffPhones(c));
    }
    EXPECT_NE(cli("GRIDATLAS_PASSPHRASE=", "encrypt --atlas '" + demo + "'", &out), 0); // no passphrase, no terminal
    EXPECT_NE(out.find("GRIDATLAS_PASSPHRASE"), std::string::npos) << out;
    ASSERT_EQ(cli("GRIDATLAS_PASSPHRASE=pw", "encrypt --atlas '" + demo + "'", &out), 0) << out;
    EXPECT_NE(out.find("encrypted"), std::string::npos) << out;
    EXPECT_EQ(leaks(demo, values), std::vector<std::string>{});
    EXPECT_NE(cli("GRIDATLAS_PASSPHRASE=pw", "encrypt --atlas '" + demo + "'", &out), 0);
    EXPECT_NE(out.find("encrypted already"), std::string::npos) << out;
    // Exports stay masked by default and hold no ID number or phone.
    const std::string gpkg = dir.file("all.gpkg");
    ASSERT_EQ(cli("GRIDATLAS_PASSPHRASE=", "export --atlas '" + demo + "' --out '" + gpkg + "'", &out), 0) << out;
    EXPECT_EQ(leaks(gpkg, values), std::vector<std::string>{});
    // So do charts (vector output: every text is in the file).
    const std::string svg = dir.file("chart.svg");
    ASSERT_EQ(
        cli("GRIDATLAS_PASSPHRASE=",
            "render --atlas '" + demo + "' --map '" + testing::sourcePath("maps/member-residence.json") + "' --out '" + svg + "'",
            &out),
        0)
        << out;
    EXPECT_NE(out.find("personal data masked"), std::string::npos) << out;
    EXPECT_EQ(leaks(svg, values), std::vector<std::string>{});
}

// A passwd killed at any moment leaves the old passphrase or the new one, never a mix: every
// value opens with whichever key the atlas accepts, and equals the clear demo's.
TEST_F(Crypt, PasswdKilledAtRandomMomentsLeavesOneWholeState) {
    TempDir dir;
    const std::string clearPath = dir.file("clear.sqlite"), base = dir.file("base.sqlite");
    std::string out;
    ASSERT_EQ(cli("GRIDATLAS_PASSPHRASE=", "demo --out '" + clearPath + "'", &out), 0) << out;
    ASSERT_EQ(cli("GRIDATLAS_PASSPHRASE=old", "demo --out '" + base + "'", &out), 0) << out;
    std::vector<Person> people;
    {
        storage::Connection c(clearPath, storage::OpenMode::ReadOnly);
        people = residentsOf(c);
    }
    // How long an undisturbed passwd takes, to spread the kills over it.
    const std::string timed = dir.file("timed.sqlite");
    std::filesystem::copy_file(base, timed);
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(cli("GRIDATLAS_PASSPHRASE=old GRIDATLAS_NEW_PASSPHRASE=new", "passwd --atlas '" + timed + "'", &out), 0) << out;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    constexpr int kKills = 12;
    int oldStates = 0, newStates = 0;
    for (int k = 0; k < kKills; ++k) {
        const std::string victim = dir.file("kill" + std::to_string(k) + ".sqlite");
        std::filesystem::copy_file(base, victim);
        const double at = seconds * (0.1 + 0.9 * k / kKills);
        const std::string cmd = "GRIDATLAS_PASSPHRASE=old GRIDATLAS_NEW_PASSPHRASE=new setsid '" + testing::cliPath() +
                                "' passwd --atlas '" + victim + "' </dev/null >/dev/null 2>&1 & pid=$!; sleep " +
                                std::to_string(at) + "; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; true";
        testing::runCommand(cmd, &out);
        crypto::forget();
        storage::Connection c(victim, storage::OpenMode::ReadWrite);
        EXPECT_EQ(c.queryText("PRAGMA integrity_check"), "ok") << "kill " << k;
        try {
            crypto::unlock(c, "old");
            ++oldStates;
        } catch (const crypto::WrongPassphrase&) {
            crypto::unlock(c, "new");
            ++newStates;
        }
        EXPECT_TRUE(samePeople(revealAll(c), people)) << "kill " << k << " at " << at << " s";
    }
    EXPECT_EQ(oldStates + newStates, kKills);
    std::printf("passwd took %.2f s; %d kills left the old passphrase, %d the new one\n", seconds, oldStates, newStates);
}

} // namespace
} // namespace gridatlas
