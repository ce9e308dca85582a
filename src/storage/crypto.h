#pragma once
// Encryption at rest of the atlas's most sensitive fields (ID numbers, phones) with libsodium.
//
// An encrypted atlas has one row in atlas_crypto: the Argon2id salt and limits and a key-check
// value. The passphrase gives a master key (crypto_pwhash, Argon2id); three subkeys are derived
// from it (crypto_kdf): one encrypts fields (XChaCha20-Poly1305, a random nonce per value, the
// table, column and row bound as associated data), one keys the blind index of ID numbers
// (crypto_generichash), one makes the key-check value (so a wrong passphrase is reported as such).
//
// Each sensitive column keeps, in clear, only its masked form (138****5678, 1101**********1234:
// what the default view shows anyway), so maps, counts and masked views need no key; the
// ciphertext sits next to it in <column>_enc. A clear atlas (no atlas_crypto row) stores the
// values in the columns themselves, as before. See docs/personal-data.md.
//
// Keys live in one process-wide key ring (per atlas file), in sodium_malloc'd memory that is
// wiped when forgotten or at exit. Nothing here logs or prints a clear value.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/support/error.h"

namespace gridatlas {
class Feedback;
}

namespace gridatlas::storage {

class Connection;

namespace crypto {

using Blob = std::vector<unsigned char>;

/// The atlas is encrypted and the operation needs its passphrase, which nobody gave.
class PassphraseNeeded : public InputError {
public:
    using InputError::InputError;
};
/// The passphrase given does not open this atlas.
class WrongPassphrase : public InputError {
public:
    using InputError::InputError;
};

/// The sensitive columns, each with what binds its ciphertext to its place.
enum class Field {
    ResidentPhone,    ///< residents.phone, bound to the resident's id
    ResidentIdNumber, ///< residents.id_number, bound to the resident's id (blind index in id_number_hash)
    StaffPhone,       ///< grid_staff.phone and grid_plan_staff.phone, bound to the staff member's name
};

/// Argon2id cost. Defaults: libsodium's "interactive" limits (about 0.1-0.3 s, 64 MiB).
struct KdfLimits {
    unsigned long long opsLimit;
    std::size_t memLimit;
    static KdfLimits interactive();
    /// The cheapest limits libsodium accepts: for tests only.
    static KdfLimits minimum();
};

/// Whether the atlas has a passphrase (an atlas_crypto row).
bool isEncrypted(Connection& c);

/// Derives the key from `passphrase` and keeps it for this atlas file for the session. Throws
/// WrongPassphrase (naming the file) when the key-check value disagrees. A clear atlas: no-op.
void unlock(Connection& c, std::string_view passphrase);
/// Whether the session holds this atlas's key.
bool isUnlocked(const std::string& atlasPath);
/// Wipes and drops the session's key for this atlas (all keys when `atlasPath` is empty).
void forget(const std::string& atlasPath = {});

/// Asks the user for the passphrase of `atlasPath` (`why` says what it is for); nullopt when none
/// is available. The CLI installs one reading GRIDATLAS_PASSPHRASE or the terminal.
using PassphraseProvider = std::function<std::optional<std::string>(const std::string& atlasPath, const std::string& why)>;
void setPassphraseProvider(PassphraseProvider provider);

/// Makes sure the session holds the key of an encrypted atlas: asks the provider when it does
/// not, throws PassphraseNeeded (saying `why`) when there is no answer, WrongPassphrase when
/// the answer is wrong. Returns false for a clear atlas (nothing to unlock).
bool requireKey(Connection& c, const std::string& why);

struct SessionKey; // the key material, in sodium_malloc'd memory

/// What a writer stores for one sensitive value: the text for the column (the value itself in a
/// clear atlas, its masked form in an encrypted one), the ciphertext and, for ID numbers, the
/// blind index (both empty in a clear atlas).
struct Sealed {
    std::string shown;
    Blob cipher;
    Blob blindIndex;
};

/// Seals and opens the sensitive fields of one atlas. Made once per operation (it reads
/// atlas_crypto once); cheap per value. Thread-safe for concurrent seal()/open() calls.
class FieldCipher {
public:
    enum class Need {
        Nothing, ///< masked views: never asks for the key
        Key,     ///< writing or revealing sensitive values: an encrypted atlas needs its key
    };
    /// With Need::Key on an encrypted atlas, asks for the key as requireKey() does (`why`).
    FieldCipher(Connection& c, Need need, const std::string& why = "reveal personal data");
    ~FieldCipher();
    FieldCipher(const FieldCipher&) = delete;
    FieldCipher& operator=(const FieldCipher&) = delete;

    [[nodiscard]] bool encrypted() const { return m_encrypted; }
    [[nodiscard]] bool hasKey() const { return m_key != nullptr; }

    /// `identity`: the resident's id for resident fields, the staff member's name for staff phones.
    [[nodiscard]] Sealed seal(Field field, std::string_view identity, std::string_view clear) const;
    /// The clear value: `shown` itself when there is no ciphertext (a clear atlas or an empty
    /// value), else the decrypted ciphertext. Throws StorageError when the ciphertext does not
    /// belong to this field and row or was altered.
    [[nodiscard]] std::string open(Field field, std::string_view identity, std::string_view shown, std::string_view cipher) const;
    /// The blind index of an ID number (normalised: trimmed, x -> X); empty in a clear atlas.
    [[nodiscard]] Blob blindIndex(std::string_view idNumber) const;

private:
    std::string m_path;
    bool m_encrypted = false;
    std::shared_ptr<const SessionKey> m_key;
};

/// A sealed value as a reader carries it until a reveal: which field, bound to what, the bytes.
struct SealedRef {
    Field field = Field::ResidentPhone;
    std::string identity;
    std::string cipher;
};
/// Opens a sealed value with the session's key of `atlasPath`; PassphraseNeeded when the atlas
/// was not unlocked, StorageError when the ciphertext does not belong to the field and row.
std::string openSealed(const std::string& atlasPath, const SealedRef& sealed);

/// Encrypts a clear atlas in place with `passphrase`, in one transaction, then VACUUMs and
/// truncates the WAL so no clear value stays in free pages. Throws InputError when the atlas is
/// encrypted already; rolls back on any error or cancel.
struct CryptoReport {
    std::int64_t residents = 0; ///< residents rows with a phone or ID number sealed
    std::int64_t staff = 0;     ///< grid_staff and grid_plan_staff rows with a phone sealed
    double seconds = 0.0;
};
CryptoReport encryptAtlas(Connection& c, std::string_view passphrase, Feedback* feedback = nullptr,
                          std::optional<KdfLimits> limits = std::nullopt);
/// Re-encrypts every sealed value under a key from `newPassphrase` (new salt), in one
/// transaction; `oldPassphrase` must open the atlas (WrongPassphrase otherwise). VACUUMs after.
CryptoReport changePassphrase(Connection& c, std::string_view oldPassphrase, std::string_view newPassphrase,
                              Feedback* feedback = nullptr, std::optional<KdfLimits> limits = std::nullopt);
/// Starts encryption on a new, empty atlas (the demo generator): the atlas_crypto row and the
/// session key, inside the caller's transaction. Values are then sealed as they are written.
void initEncryption(Connection& c, std::string_view passphrase, std::optional<KdfLimits> limits = std::nullopt);

/// Records that personal data was revealed (who, when, which program, what) in the atlas's
/// reveal_log, through a connection of its own (the caller's may be read-only).
void recordReveal(const std::string& atlasPath, const std::string& program, const std::string& what);
/// The OS user name (USER / LOGNAME / getpwuid), for the reveal log.
std::string currentUser();

/// The SQL of the schema migration that adds the encryption columns and tables.
std::string_view migrationSql();

} // namespace crypto
} // namespace gridatlas::storage
