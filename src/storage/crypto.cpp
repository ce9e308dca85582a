#include "storage/crypto.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <pwd.h>
#include <unistd.h>
#include <vector>

#include "model/masking.h"
#include "model/support/feedback.h"
#include "storage/audit.h"
#include "storage/connection.h"
#include "storage/engine.h"

namespace gridatlas::storage::crypto {

namespace {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kSaltBytes = crypto_pwhash_SALTBYTES;
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr unsigned char kFormat = 1;         // first byte of every ciphertext: the layout below
constexpr std::size_t kBlindIndexBytes = 16; // enough to tell ID numbers apart, short for the index
constexpr std::string_view kCheckMessage = "gridatlas key check v1";

void ensureSodium() {
    static const int rc = sodium_init();
    if (rc < 0) throw Error("libsodium could not be initialised");
}

std::string canonical(const std::string& path) {
    std::error_code ec;
    auto p = std::filesystem::weakly_canonical(path, ec);
    return ec ? path : p.string();
}

std::string nowUtc() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

struct FieldPlace {
    const char* table;
    const char* column;
};
FieldPlace placeOf(Field f) {
    switch (f) {
    case Field::ResidentPhone:
        return {"residents", "phone"};
    case Field::ResidentIdNumber:
        return {"residents", "id_number"};
    case Field::StaffPhone:
        return {"grid_staff", "phone"};
    }
    return {"?", "?"};
}

/// Associated data: the ciphertext only opens for the field and row it was made for.
std::string associatedData(Field f, std::string_view identity) {
    const auto p = placeOf(f);
    std::string ad = "gridatlas:";
    ad += p.table;
    ad += '.';
    ad += p.column;
    ad += ':';
    ad += identity;
    return ad;
}

std::string maskedForm(Field f, std::string_view clear) {
    return f == Field::ResidentIdNumber ? model::maskIdNumber(clear) : model::maskPhone(clear);
}

std::string normalisedId(std::string_view id) {
    while (!id.empty() && (id.front() == ' ' || id.front() == '\t')) id.remove_prefix(1);
    while (!id.empty() && (id.back() == ' ' || id.back() == '\t')) id.remove_suffix(1);
    std::string s(id);
    for (char& ch : s)
        if (ch == 'x') ch = 'X';
    return s;
}

struct StoredParams {
    Blob salt;
    KdfLimits limits{};
    Blob check;
};

std::optional<StoredParams> readParams(Connection& c) {
    if (!c.tableExists("atlas_crypto")) return std::nullopt;
    Statement st(c, "SELECT kdf, salt, opslimit, memlimit, key_check FROM atlas_crypto WHERE id = 1");
    if (!st.step()) return std::nullopt;
    if (st.columnText(0) != "argon2id13")
        throw StorageError("'" + c.path() + "': unknown key derivation '" + st.columnText(0) + "' in atlas_crypto");
    StoredParams p;
    const auto salt = st.columnBlob(1);
    const auto check = st.columnBlob(4);
    if (salt.size() != kSaltBytes || check.size() != crypto_generichash_BYTES)
        throw StorageError("'" + c.path() + "': atlas_crypto is damaged (salt or key check of the wrong size)");
    p.salt.assign(salt.begin(), salt.end());
    p.check.assign(check.begin(), check.end());
    p.limits.opsLimit = static_cast<unsigned long long>(st.columnInt(2));
    p.limits.memLimit = static_cast<std::size_t>(st.columnInt(3));
    return p;
}

} // namespace

// The field key and the blind-index key, in guarded memory wiped on release.
struct SessionKey {
    unsigned char* bytes = nullptr; // [0, 32): field key, [32, 64): blind-index key
    Blob check;                     // the key-check value these keys give
    SessionKey() {
        ensureSodium();
        bytes = static_cast<unsigned char*>(sodium_malloc(2 * kKeyBytes));
        if (!bytes) throw Error("out of guarded memory for the atlas key");
    }
    ~SessionKey() { sodium_free(bytes); } // sodium_free wipes
    SessionKey(const SessionKey&) = delete;
    SessionKey& operator=(const SessionKey&) = delete;
    [[nodiscard]] const unsigned char* fieldKey() const { return bytes; }
    [[nodiscard]] const unsigned char* indexKey() const { return bytes + kKeyBytes; }
};

namespace {

/// Argon2id over the passphrase, then three subkeys: fields, blind index, key check.
std::shared_ptr<SessionKey> deriveKey(std::string_view passphrase, const Blob& salt, const KdfLimits& limits) {
    auto key = std::make_shared<SessionKey>();
    auto* master = static_cast<unsigned char*>(sodium_malloc(kKeyBytes));
    auto* checkKey = static_cast<unsigned char*>(sodium_malloc(kKeyBytes));
    if (!master || !checkKey) {
        sodium_free(master);
        sodium_free(checkKey);
        throw Error("out of guarded memory for the atlas key");
    }
    struct Wipe {
        unsigned char* a;
        unsigned char* b;
        ~Wipe() {
            sodium_free(a);
            sodium_free(b);
        }
    } wipe{master, checkKey};
    if (crypto_pwhash(master, kKeyBytes, passphrase.data(), passphrase.size(), salt.data(), limits.opsLimit, limits.memLimit,
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw Error("deriving the atlas key needs more memory than is available (Argon2id, " +
                    std::to_string(limits.memLimit >> 20) + " MiB)");
    crypto_kdf_derive_from_key(key->bytes, kKeyBytes, 1, "GAfields", master);
    crypto_kdf_derive_from_key(key->bytes + kKeyBytes, kKeyBytes, 2, "GAblindx", master);
    crypto_kdf_derive_from_key(checkKey, kKeyBytes, 3, "GAkeychk", master);
    key->check.resize(crypto_generichash_BYTES);
    crypto_generichash(key->check.data(), key->check.size(), reinterpret_cast<const unsigned char*>(kCheckMessage.data()),
                       kCheckMessage.size(), checkKey, kKeyBytes);
    return key;
}

struct KeyRing {
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<const SessionKey>> keys;
    PassphraseProvider provider;
};
KeyRing& ring() {
    static KeyRing r;
    return r;
}
void remember(const std::string& path, std::shared_ptr<const SessionKey> key) {
    std::lock_guard lock(ring().mutex);
    ring().keys[canonical(path)] = std::move(key);
}
std::shared_ptr<const SessionKey> keyOf(const std::string& path) {
    std::lock_guard lock(ring().mutex);
    auto it = ring().keys.find(canonical(path));
    return it == ring().keys.end() ? nullptr : it->second;
}

std::shared_ptr<SessionKey> verifiedKey(Connection& c, std::string_view passphrase, const StoredParams& p) {
    auto key = deriveKey(passphrase, p.salt, p.limits);
    if (sodium_memcmp(key->check.data(), p.check.data(), p.check.size()) != 0)
        throw WrongPassphrase("wrong passphrase for the encrypted atlas '" + c.path() + "'");
    return key;
}

/// Random nonces from the system RNG, fetched a few thousand bytes at a time: one getrandom()
/// per value cost as much as the encryption itself. Each nonce is handed out once.
void randomNonce(unsigned char* nonce) {
    thread_local std::array<unsigned char, kNonceBytes * 170> pool{};
    thread_local std::size_t used = pool.size();
    if (used == pool.size()) {
        randombytes_buf(pool.data(), pool.size());
        used = 0;
    }
    std::memcpy(nonce, pool.data() + used, kNonceBytes);
    used += kNonceBytes;
}

Blob sealWith(const SessionKey& key, Field f, std::string_view identity, std::string_view clear) {
    const std::string ad = associatedData(f, identity);
    Blob out(1 + kNonceBytes + clear.size() + kTagBytes);
    out[0] = kFormat;
    unsigned char* nonce = out.data() + 1;
    randomNonce(nonce);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        nonce + kNonceBytes, &written, reinterpret_cast<const unsigned char*>(clear.data()), clear.size(),
        reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, nonce, key.fieldKey());
    out.resize(1 + kNonceBytes + written);
    return out;
}

std::optional<std::string> openWith(const SessionKey& key, Field f, std::string_view identity, std::string_view cipher) {
    if (cipher.size() < 1 + kNonceBytes + kTagBytes || static_cast<unsigned char>(cipher[0]) != kFormat) return std::nullopt;
    const std::string ad = associatedData(f, identity);
    const auto* nonce = reinterpret_cast<const unsigned char*>(cipher.data()) + 1;
    const auto* body = nonce + kNonceBytes;
    const std::size_t bodySize = cipher.size() - 1 - kNonceBytes;
    std::string clear(bodySize - kTagBytes, '\0');
    unsigned long long n = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(clear.data()), &n, nullptr, body, bodySize,
                                                   reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nonce,
                                                   key.fieldKey()) != 0)
        return std::nullopt;
    clear.resize(n);
    return clear;
}

Blob blindIndexWith(const SessionKey& key, std::string_view idNumber) {
    const std::string id = normalisedId(idNumber);
    Blob out(kBlindIndexBytes);
    crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(id.data()), id.size(), key.indexKey(),
                       kKeyBytes);
    return out;
}

Sealed sealValue(const SessionKey& key, Field f, std::string_view identity, std::string_view clear) {
    Sealed s;
    if (clear.empty()) return s;
    s.shown = maskedForm(f, clear);
    s.cipher = sealWith(key, f, identity, clear);
    if (f == Field::ResidentIdNumber) s.blindIndex = blindIndexWith(key, clear);
    return s;
}

void bindBlobOrNull(Statement& st, int i, const Blob& b) {
    if (b.empty())
        st.bindNull(i);
    else
        st.bindBlob(i, b.data(), b.size());
}
void bindTextOrNull(Statement& st, int i, const std::string& s) {
    if (s.empty())
        st.bindNull(i);
    else
        st.bind(i, s);
}

/// Writes the atlas_crypto row for a new key (salt, limits, key check).
std::shared_ptr<SessionKey> newKey(Connection& c, std::string_view passphrase, const KdfLimits& limits) {
    if (passphrase.empty()) throw InputError("an empty passphrase does not protect anything: give one");
    ensureSodium();
    // Idempotent: an atlas opened read-write has it already (a PostGIS atlas always: schema_pg).
    if (c.engine() == Engine::SQLite) c.exec(migrationSql());
    Blob salt(kSaltBytes);
    randombytes_buf(salt.data(), salt.size());
    auto key = deriveKey(passphrase, salt, limits);
    c.exec("DELETE FROM atlas_crypto WHERE id = 1"); // replaced (the caller's transaction)
    Statement st(c, "INSERT INTO atlas_crypto (id, kdf, salt, opslimit, memlimit, key_check, cipher, changed_at) "
                    "VALUES (1, 'argon2id13', ?, ?, ?, ?, 'xchacha20poly1305-ietf', ?)");
    st.bindBlob(1, salt.data(), salt.size())
        .bind(2, static_cast<std::int64_t>(limits.opsLimit))
        .bind(3, static_cast<std::int64_t>(limits.memLimit));
    st.bindBlob(4, key->check.data(), key->check.size()).bind(5, nowUtc());
    st.run();
    return key;
}

/// How every sealed value of the atlas is rewritten: `transform` gets the field, the identity,
/// the clear value (or what is stored) and returns what to store.
class Rewriter {
public:
    Rewriter(Connection& c, Feedback* feedback) : m_c(c), m_feedback(feedback) {
        m_total = c.queryInt("SELECT COUNT(*) FROM residents").value_or(0) + 1;
    }

    template <class Clear> std::int64_t residents(Clear&& clearOf, const SessionKey& key) {
        std::int64_t done = 0, last = 0;
        Statement read(m_c, "SELECT id, phone, phone_enc, id_number, id_number_enc FROM residents WHERE id > ? AND "
                            "(phone IS NOT NULL OR id_number IS NOT NULL) ORDER BY id LIMIT 2000");
        Statement write(m_c, "UPDATE residents SET phone = ?, phone_enc = ?, id_number = ?, id_number_enc = ?, "
                             "id_number_hash = ? WHERE id = ?");
        struct Row {
            std::int64_t id;
            std::string phone, idNumber;
        };
        std::vector<Row> batch;
        for (;;) {
            batch.clear();
            read.bind(1, last);
            while (read.step()) {
                const std::int64_t id = read.columnInt(0);
                const std::string ident = std::to_string(id);
                auto text = [&](int i) { return read.isNull(i) ? std::string() : read.columnText(i); };
                batch.push_back({id, clearOf(Field::ResidentPhone, ident, text(1), read.columnBlob(2)),
                                 clearOf(Field::ResidentIdNumber, ident, text(3), read.columnBlob(4))});
            }
            read.reset();
            if (batch.empty()) break;
            for (const auto& r : batch) {
                const std::string ident = std::to_string(r.id);
                const Sealed p = sealValue(key, Field::ResidentPhone, ident, r.phone);
                const Sealed i = sealValue(key, Field::ResidentIdNumber, ident, r.idNumber);
                bindTextOrNull(write, 1, p.shown);
                bindBlobOrNull(write, 2, p.cipher);
                bindTextOrNull(write, 3, i.shown);
                bindBlobOrNull(write, 4, i.cipher);
                bindBlobOrNull(write, 5, i.blindIndex);
                write.bind(6, r.id);
                write.run();
            }
            done += static_cast<std::int64_t>(batch.size());
            last = batch.back().id;
            progress(done);
        }
        return done;
    }

    template <class Clear> std::int64_t staff(const char* table, Clear&& clearOf, const SessionKey& key) {
        if (!m_c.tableExists(table)) return 0;
        const std::string t = table;
        // The row's physical identity (grid_plan_staff has no id): rowid, or ctid on PostgreSQL
        // (stable within this transaction, which holds the rows).
        const bool pg = m_c.engine() == Engine::PostgreSQL;
        std::vector<std::tuple<std::string, std::string, std::string>> rows; // row identity, name, clear phone
        {
            Statement read(m_c, std::string("SELECT ") + (pg ? "ctid::text" : "rowid") + ", name, phone, phone_enc FROM " + t +
                                    " WHERE phone IS NOT NULL");
            while (read.step()) {
                const std::string name = read.columnText(1);
                rows.emplace_back(read.columnText(0), name,
                                  clearOf(Field::StaffPhone, name, read.columnText(2), read.columnBlob(3)));
            }
        }
        Statement write(m_c, "UPDATE " + t + " SET phone = ?, phone_enc = ? WHERE " + (pg ? "ctid = CAST(? AS tid)" : "rowid = ?"));
        for (const auto& [rowid, name, phone] : rows) {
            const Sealed s = sealValue(key, Field::StaffPhone, name, phone);
            bindTextOrNull(write, 1, s.shown);
            bindBlobOrNull(write, 2, s.cipher);
            if (pg) write.bind(3, rowid);
            else write.bind(3, static_cast<std::int64_t>(std::stoll(rowid)));
            write.run();
        }
        return static_cast<std::int64_t>(rows.size());
    }

private:
    void progress(std::int64_t done) {
        if (!m_feedback) return;
        m_feedback->throwIfCancelled();
        m_feedback->setProgress(95.0 * static_cast<double>(done) / static_cast<double>(m_total), "sealing personal data");
    }
    Connection& m_c;
    Feedback* m_feedback;
    std::int64_t m_total = 1;
};

/// The clear personal columns of a PostgreSQL atlas (the statistics must not sample them).
const std::vector<std::pair<const char*, const char*>>& personalColumnsPg() {
    static const std::vector<std::pair<const char*, const char*>> columns{
        {"residents", "phone"}, {"residents", "id_number"}, {"grid_staff", "phone"}, {"grid_plan_staff", "phone"}};
    return columns;
}

/// No clear value may stay in free pages or in the WAL: rebuild the file, empty the WAL.
/// On PostgreSQL: VACUUM FULL rewrites the tables that held clear values (outside any
/// transaction); the server's WAL archive and its backups are the administrator's (docs/postgis.md).
void scrub(Connection& c) {
    if (c.engine() == Engine::PostgreSQL) {
        // VACUUM FULL copies the old row versions that its own snapshot may still need, and a
        // snapshot's xmin is the oldest transaction running anywhere in the cluster (any database):
        // wait until every transaction running now has ended, so the sealing is older than any
        // snapshot's xmin and its old versions are dead to the rewrite.
        const auto horizon = c.queryInt("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint");
        const std::string notYet = "SELECT 1 WHERE pg_snapshot_xmin(pg_current_snapshot())::text::bigint < " +
                                   std::to_string(horizon.value_or(0));
        int waited = 0;
        for (; waited < 600 && c.queryInt(notYet); ++waited) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (waited == 600) {
            const std::string holders =
                c.queryText("SELECT string_agg(pid || ' ' || COALESCE(datname, '') || ' (' || COALESCE(NULLIF(application_name, ''), "
                            "backend_type) || ')', ', ') FROM pg_stat_activity WHERE backend_xid IS NOT NULL OR backend_xmin IS NOT NULL")
                    .value_or("");
            throw StorageError("'" + redactLocation(c.path()) + "': transactions older than the sealing still run after 60 s (" +
                               holders + "), so old clear values could not be scrubbed from the server's files; end them and "
                               "run this again");
        }
        for (const char* t : {"residents", "grid_staff", "grid_plan_staff"}) c.exec(std::string("VACUUM FULL ") + t);
        // The planner's statistics sample column values (pg_statistic's most common values and
        // histograms): the personal columns are no longer sampled, and their old samples go. Only a
        // superuser may rewrite pg_statistic; for another owner the next ANALYZE replaces them
        // (docs/postgis.md).
        std::string sql;
        for (const auto& [table, column] : personalColumnsPg())
            if (c.tableExists(table))
                sql += "ALTER TABLE " + std::string(table) + " ALTER COLUMN " + column + " SET STATISTICS 0;";
        c.exec(sql);
        if (c.queryInt("SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper")) {
            std::string del;
            for (const auto& [table, column] : personalColumnsPg())
                if (c.tableExists(table))
                    del += "DELETE FROM pg_statistic WHERE starelid = '" + std::string(table) + "'::regclass AND staattnum = "
                           "(SELECT attnum FROM pg_attribute WHERE attrelid = '" + table + "'::regclass AND attname = '" + column + "');";
            c.exec(del);
            c.exec("VACUUM FULL pg_statistic");
        }
        return;
    }
    c.exec("VACUUM");
    Statement st(c, "PRAGMA wal_checkpoint(TRUNCATE)");
    if (st.step() && st.columnInt(0) != 0)
        throw StorageError("'" + c.path() +
                           "': the WAL could not be emptied because another program holds the atlas open; "
                           "close it and run this again so no old value stays in the -wal file");
}

} // namespace

KdfLimits KdfLimits::interactive() {
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}
KdfLimits KdfLimits::minimum() {
    return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

bool isEncrypted(Connection& c) {
    if (!c.tableExists("atlas_crypto")) return false;
    return c.queryInt("SELECT COUNT(*) FROM atlas_crypto").value_or(0) > 0;
}

void unlock(Connection& c, std::string_view passphrase) {
    const auto params = readParams(c);
    if (!params) return;
    remember(c.path(), verifiedKey(c, passphrase, *params));
}

bool isUnlocked(const std::string& atlasPath) {
    return keyOf(atlasPath) != nullptr;
}

void forget(const std::string& atlasPath) {
    std::lock_guard lock(ring().mutex);
    if (atlasPath.empty())
        ring().keys.clear();
    else
        ring().keys.erase(canonical(atlasPath));
}

void setPassphraseProvider(PassphraseProvider provider) {
    std::lock_guard lock(ring().mutex);
    ring().provider = std::move(provider);
}

bool requireKey(Connection& c, const std::string& why) {
    if (!isEncrypted(c)) return false;
    if (isUnlocked(c.path())) return true;
    PassphraseProvider provider;
    {
        std::lock_guard lock(ring().mutex);
        provider = ring().provider;
    }
    std::optional<std::string> pass;
    if (provider) pass = provider(c.path(), why);
    if (!pass)
        throw PassphraseNeeded("'" + c.path() + "' is encrypted: its passphrase is needed to " + why +
                               " (set GRIDATLAS_PASSPHRASE, or run on a terminal to be asked)");
    unlock(c, *pass);
    sodium_memzero(pass->data(), pass->size());
    return true;
}

FieldCipher::FieldCipher(Connection& c, Need need, const std::string& why) : m_path(c.path()) {
    ensureSodium();
    m_encrypted = isEncrypted(c);
    if (!m_encrypted) return;
    if (need == Need::Key) requireKey(c, why);
    m_key = keyOf(m_path);
}

FieldCipher::~FieldCipher() = default;

Sealed FieldCipher::seal(Field field, std::string_view identity, std::string_view clear) const {
    if (!m_encrypted) return {std::string(clear), {}, {}};
    if (!m_key) throw PassphraseNeeded("'" + m_path + "' is encrypted: its passphrase is needed to store phones and ID numbers");
    return sealValue(*m_key, field, identity, clear);
}

std::string FieldCipher::open(Field field, std::string_view identity, std::string_view shown, std::string_view cipher) const {
    if (cipher.empty()) return std::string(shown);
    if (!m_key) throw PassphraseNeeded("'" + m_path + "' is encrypted: its passphrase is needed to reveal personal data");
    auto clear = openWith(*m_key, field, identity, cipher);
    if (!clear) {
        const auto p = placeOf(field);
        throw StorageError("'" + m_path + "': the stored " + std::string(p.table) + "." + p.column + " of " +
                           std::string(identity) + " does not decrypt (altered, or moved from another row)");
    }
    return std::move(*clear);
}

Blob FieldCipher::blindIndex(std::string_view idNumber) const {
    if (!m_encrypted) return {};
    if (!m_key) throw PassphraseNeeded("'" + m_path + "' is encrypted: its passphrase is needed to match ID numbers");
    return blindIndexWith(*m_key, idNumber);
}

std::string openSealed(const std::string& atlasPath, const SealedRef& sealed) {
    const auto key = keyOf(atlasPath);
    if (!key) throw PassphraseNeeded("'" + atlasPath + "' is encrypted: its passphrase is needed to reveal personal data");
    auto clear = openWith(*key, sealed.field, sealed.identity, sealed.cipher);
    if (!clear) {
        const auto p = placeOf(sealed.field);
        throw StorageError("'" + atlasPath + "': the stored " + std::string(p.table) + "." + p.column + " of " + sealed.identity +
                           " does not decrypt (altered, or moved from another row)");
    }
    return std::move(*clear);
}

void initEncryption(Connection& c, std::string_view passphrase, std::optional<KdfLimits> limits) {
    if (isEncrypted(c)) throw InputError("'" + c.path() + "' is encrypted already");
    remember(c.path(), newKey(c, passphrase, limits.value_or(KdfLimits::interactive())));
}

CryptoReport encryptAtlas(Connection& c, std::string_view passphrase, Feedback* feedback, std::optional<KdfLimits> limits) {
    const auto t0 = std::chrono::steady_clock::now();
    if (isEncrypted(c)) throw InputError("'" + c.path() + "' is encrypted already (gridatlas-cli passwd changes its passphrase)");
    CryptoReport report;
    try {
        Transaction tx(c);
        auto key = newKey(c, passphrase, limits.value_or(KdfLimits::interactive()));
        auto asStored = [](Field, const std::string&, std::string stored, std::string_view) { return stored; };
        const AuditBulkScope audit(c, /*everyRow=*/true); // one summary record, not one per resident
        Rewriter rw(c, feedback);
        report.residents = rw.residents(asStored, *key);
        report.staff = rw.staff("grid_staff", asStored, *key) + rw.staff("grid_plan_staff", asStored, *key);
        logAudit(c, "encrypt", "residents", {}, {}, std::nullopt,
                 std::to_string(report.residents) + " residents, " + std::to_string(report.staff) + " staff encrypted");
        if (feedback) feedback->throwIfCancelled(); // a cancel up to the commit still means "nothing changed"
        tx.commit();
        remember(c.path(), std::move(key));
    } catch (...) {
        forget(c.path());
        throw;
    }
    if (feedback) feedback->setProgress(96, "removing old pages");
    scrub(c);
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
}

CryptoReport changePassphrase(Connection& c, std::string_view oldPassphrase, std::string_view newPassphrase, Feedback* feedback,
                              std::optional<KdfLimits> limits) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto params = readParams(c);
    if (!params) throw InputError("'" + c.path() + "' is not encrypted (gridatlas-cli encrypt sets a passphrase)");
    const auto oldKey = verifiedKey(c, oldPassphrase, *params);
    CryptoReport report;
    std::shared_ptr<SessionKey> key;
    {
        Transaction tx(c);
        key = newKey(c, newPassphrase, limits.value_or(params->limits));
        auto reopen = [&](Field f, const std::string& ident, std::string stored, std::string_view cipher) {
            if (cipher.empty()) return stored; // never sealed (empty): keep
            auto clear = openWith(*oldKey, f, ident, cipher);
            if (!clear)
                throw StorageError("'" + c.path() + "': a stored " + std::string(placeOf(f).table) + "." + placeOf(f).column +
                                   " (" + ident + ") does not decrypt with the old key; nothing was changed");
            return std::move(*clear);
        };
        const AuditBulkScope audit(c, /*everyRow=*/true); // one summary record, not one per resident
        Rewriter rw(c, feedback);
        report.residents = rw.residents(reopen, *key);
        report.staff = rw.staff("grid_staff", reopen, *key) + rw.staff("grid_plan_staff", reopen, *key);
        logAudit(c, "passwd", "residents", {}, {}, std::nullopt,
                 std::to_string(report.residents) + " residents, " + std::to_string(report.staff) + " staff re-encrypted");
        if (feedback) feedback->throwIfCancelled();
        tx.commit();
    }
    remember(c.path(), std::move(key));
    if (feedback) feedback->setProgress(96, "removing old pages");
    scrub(c);
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
}

std::string currentUser() {
    for (const char* var : {"GRIDATLAS_USER", "USER", "LOGNAME"})
        if (const char* v = std::getenv(var); v && *v) return v;
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_name) return pw->pw_name;
    return "uid " + std::to_string(getuid());
}

void recordReveal(const std::string& atlasPath, const std::string& program, const std::string& what) {
    try {
        Connection c(atlasPath, OpenMode::ReadWrite);
        if (c.engine() == Engine::SQLite) // a PostGIS atlas has it from its schema
            c.exec("CREATE TABLE IF NOT EXISTS reveal_log (id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, "
                   "program TEXT NOT NULL, what TEXT NOT NULL)");
        Transaction tx(c);
        Statement st(c, "INSERT INTO reveal_log (at, \"user\", program, what) VALUES (?, ?, ?, ?)");
        st.bind(1, nowUtc()).bind(2, currentUser()).bind(3, program).bind(4, what);
        st.run();
        // The audit log (history) lists reveals beside the edits: who saw what, when.
        if (c.tableExists("audit_log")) logAudit(c, "reveal", "reveal_log", c.lastInsertId(), "what", std::nullopt, what);
        tx.commit();
    } catch (const Error& e) {
        throw StorageError("personal data is not revealed: the reveal could not be recorded in '" + atlasPath + "' (" + e.what() +
                           ")");
    }
}

std::string_view migrationSql() {
    return R"SQL(
CREATE TABLE IF NOT EXISTS atlas_crypto (
  id         INTEGER PRIMARY KEY CONSTRAINT atlas_crypto_single CHECK (id = 1),
  kdf        TEXT NOT NULL,
  salt       BLOB NOT NULL,
  opslimit   INTEGER NOT NULL,
  memlimit   INTEGER NOT NULL,
  key_check  BLOB NOT NULL,
  cipher     TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reveal_log (
  id      INTEGER PRIMARY KEY,
  at      TEXT NOT NULL,
  user    TEXT NOT NULL,
  program TEXT NOT NULL,
  what    TEXT NOT NULL
);
)SQL";
}

} // namespace gridatlas::storage::crypto
