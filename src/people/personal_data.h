// Personal data (个人信息) in one module: how ID-card numbers and phone numbers
// are checked, shown (masked), stored (sealed) and found again (a keyed
// digest), and who may see them in full. docs/privacy.md says what Jiceng
// stores about a person, why, and who may read it; this is its code.
//
//  - Stored sealed: a value is encrypted with libsodium's secretbox
//    (XSalsa20-Poly1305, a random nonce per value) under a key kept in a file
//    outside the database, so a dump of the database does not show it.
//  - Found by digest: the unique check of ID numbers compares a keyed BLAKE2b
//    digest (crypto_generichash with a key derived from the same file), never
//    the clear value, so the digest column cannot be reversed by trying all
//    ID numbers without the key.
//  - Shown masked: lists and details show "5404**********1234" and
//    "138****5678"; the full ID number needs kUnmaskPermission and every such
//    read is audited (the route says audit_read; members_handler.cc).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "db/database.h"

namespace jiceng::people {

// The permission (definitions/roles.yaml) to read a full ID number.
inline constexpr const char* kUnmaskPermission = "members.unmask";

// "540424199001011234" -> "5404**********1234".
std::string MaskIdNumber(std::string_view id_number);
// "13812345678" -> "138****5678"; 6 characters or fewer: all stars.
std::string MaskPhone(std::string_view phone);

// Checks a mainland resident ID number (GB 11643: 17 digits and a check
// character 0–9 or X); the error names `field` and says what is wrong.
Status CheckIdNumber(std::string_view id_number, std::string_view field = "id_number");
// A phone number: 5–20 characters of digits, "+", "-" and spaces, trimmed.
// Empty or absent: none. The error names `field`.
Result<std::optional<std::string>> CheckPhone(const std::optional<std::string>& raw, std::string_view field = "phone");

// Seals and opens values with the deployment's key. Copyable; holds only
// the two keys derived from the key file (one to encrypt, one to digest).
class Vault {
 public:
  static constexpr std::size_t kKeyBytes = 32;

  // From the 32 bytes of a key file (LoadKeyFile) or of a test key.
  static Result<Vault> FromKey(std::span<const unsigned char> key);

  // "s1:" + base64(nonce || secretbox(value)); a new nonce each call, so one
  // value sealed twice gives two different texts.
  std::string Seal(std::string_view value) const;
  // The value Seal() sealed under this key; kFailedPrecondition when the
  // text was sealed under another key or was changed.
  Result<std::string> Open(std::string_view sealed) const;
  // Seal / Open of an optional value.
  std::optional<std::string> SealOptional(const std::optional<std::string>& value) const;
  Result<std::optional<std::string>> OpenOptional(const std::optional<std::string>& sealed) const;
  // The keyed digest (hex, 64 characters) of `value` as a `kind` ("id_number"):
  // equal values of one kind give equal digests under one key.
  std::string Digest(std::string_view kind, std::string_view value) const;
  // A digest of a fixed text: recorded in the database on first use, so that
  // a server started with another key is refused (AttachVault).
  std::string KeyCheck() const;

 private:
  Vault() = default;
  std::array<unsigned char, 32> seal_key_ = {};
  std::array<unsigned char, 32> digest_key_ = {};
};

// Where the key file is: JICENG_PERSONAL_DATA_KEY_FILE, else
// $XDG_CONFIG_HOME/jiceng/personal-data.key (~/.config/... without it).
// Never inside the database, and by default not beside it either.
std::string KeyFilePath();

// The key file at `path`: 64 hex characters (a newline after them allowed),
// readable by its owner only. kNotFound when there is no file.
Result<Vault> LoadKeyFile(const std::string& path);
// Creates a new random key file at `path` (mode 0600, its directory 0700 if
// created); when another process made one meanwhile, that one is kept.
Status CreateKeyFile(const std::string& path);

struct AttachReport {
  bool key_created = false;    // a new key file was written
  std::int64_t sealed = 0;     // values found in clear (left by migration 15) and sealed now
};

// Opens the personal data of `db` with the key at `key_path` and returns the
// vault every service is given. The first time, records the key's check in
// the database (table personal_data_keys); afterwards a different key is
// refused. Without a key file: one is created when the database has none
// recorded yet, else it is an error saying which file to restore. Then seals
// the values migration 15 moved out of members and users in clear.
Result<Vault> AttachVault(db::Database& db, const std::string& key_path, AttachReport* report = nullptr);

}  // namespace jiceng::people
