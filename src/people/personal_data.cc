#include "people/personal_data.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "common/text.h"

namespace jiceng::people {

using db::Value;

std::string MaskIdNumber(std::string_view id) {
  if (id.size() <= 8) return std::string(id.size(), '*');
  return std::string(id.substr(0, 4)) + std::string(id.size() - 8, '*') + std::string(id.substr(id.size() - 4));
}

std::string MaskPhone(std::string_view phone) {
  if (phone.size() < 7) return std::string(phone.size(), '*');
  return std::string(phone.substr(0, 3)) + std::string(phone.size() - 7, '*') + std::string(phone.substr(phone.size() - 4));
}

Status CheckIdNumber(std::string_view id, std::string_view field) {
  const std::string f(field);
  if (id.size() != 18 || !IsDigits(id.substr(0, 17)) || !(IsDigits(id.substr(17)) || id[17] == 'X')) {
    return Status::InvalidArgument(f, "身份证号应为 18 位：17 位数字加 1 位校验码（数字或大写 X）。",
                                   "An ID number has 18 characters: 17 digits and a check digit (0–9 or X).");
  }
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
  if (kCheck[sum % 11] != id[17]) {
    return Status::InvalidArgument(f, "身份证号校验码不对，请核对是否抄错。",
                                   "The ID number's check digit is wrong; check it for a typo.");
  }
  if (!ParseDate(std::string(id.substr(6, 4)) + "-" + std::string(id.substr(10, 2)) + "-" +
                 std::string(id.substr(12, 2)))) {
    return Status::InvalidArgument(f, "身份证号中的出生日期无效。", "The birth date inside the ID number is not valid.");
  }
  return Status::Ok();
}

Result<std::optional<std::string>> CheckPhone(const std::optional<std::string>& raw, std::string_view field) {
  if (!raw || Trim(*raw).empty()) return std::optional<std::string>();
  std::string phone = Trim(*raw);
  const bool ok = phone.size() >= 5 && phone.size() <= 20 && std::all_of(phone.begin(), phone.end(), [](char c) {
                    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == ' ';
                  });
  if (!ok) {
    return Status::InvalidArgument(std::string(field), "电话号码应为 5–20 位数字（可含 + - 空格）。",
                                   "The phone number should be 5–20 digits (+, - and spaces allowed).");
  }
  return std::optional<std::string>(phone);
}

namespace {

constexpr char kSealPrefix[] = "s1:";
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "jcpeople";
constexpr std::uint64_t kSealSubkey = 1;
constexpr std::uint64_t kDigestSubkey = 2;

Status WrongKey() {
  return Status::FailedPrecondition(
      "个人信息无法解密：它是用另一把密钥加密的，或已被改动。请确认 JICENG_PERSONAL_DATA_KEY_FILE 指向本库的密钥文件。",
      "Personal data cannot be decrypted: it was sealed with another key, or changed. Check that "
      "JICENG_PERSONAL_DATA_KEY_FILE names this database's key file.");
}

}  // namespace

Result<Vault> Vault::FromKey(std::span<const unsigned char> key) {
  if (sodium_init() < 0) return Status::Internal("sodium_init failed");
  if (key.size() != kKeyBytes) {
    return Status::InvalidArgument("key", "个人信息密钥应为 32 字节（64 个十六进制字符）。",
                                   "The personal-data key must be 32 bytes (64 hex characters).");
  }
  Vault v;
  crypto_kdf_derive_from_key(v.seal_key_.data(), v.seal_key_.size(), kSealSubkey, kKdfContext, key.data());
  crypto_kdf_derive_from_key(v.digest_key_.data(), v.digest_key_.size(), kDigestSubkey, kKdfContext, key.data());
  return v;
}

std::string Vault::Seal(std::string_view value) const {
  std::vector<unsigned char> box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + value.size());
  unsigned char* nonce = box.data();
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(box.data() + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(value.data()),
                        value.size(), nonce, seal_key_.data());
  std::string out(sodium_base64_ENCODED_LEN(box.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), box.data(), box.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return kSealPrefix + out;
}

Result<std::string> Vault::Open(std::string_view sealed) const {
  if (!sealed.starts_with(kSealPrefix)) return WrongKey();
  sealed.remove_prefix(sizeof(kSealPrefix) - 1);
  std::vector<unsigned char> box(sealed.size());
  std::size_t len = 0;
  if (sodium_base642bin(box.data(), box.size(), sealed.data(), sealed.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return WrongKey();
  }
  std::string out(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()), box.data() + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, box.data(), seal_key_.data()) != 0) {
    return WrongKey();
  }
  return out;
}

std::optional<std::string> Vault::SealOptional(const std::optional<std::string>& value) const {
  if (!value) return std::nullopt;
  return Seal(*value);
}

Result<std::optional<std::string>> Vault::OpenOptional(const std::optional<std::string>& sealed) const {
  if (!sealed) return std::optional<std::string>();
  JICENG_ASSIGN_OR_RETURN(auto v, Open(*sealed));
  return std::optional<std::string>(std::move(v));
}

std::string Vault::Digest(std::string_view kind, std::string_view value) const {
  unsigned char out[32];
  crypto_generichash_state st;
  crypto_generichash_init(&st, digest_key_.data(), digest_key_.size(), sizeof(out));
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kind.data()), kind.size());
  const unsigned char sep = 0;
  crypto_generichash_update(&st, &sep, 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(value.data()), value.size());
  crypto_generichash_final(&st, out, sizeof(out));
  char hex[sizeof(out) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), out, sizeof(out));
  return hex;
}

std::string Vault::KeyCheck() const { return Digest("key_check", "jiceng personal data"); }

std::string KeyFilePath() {
  if (const char* p = std::getenv("JICENG_PERSONAL_DATA_KEY_FILE"); p != nullptr && *p != '\0') return p;
  std::string base;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x != nullptr && *x != '\0') {
    base = x;
  } else if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
    base = std::string(h) + "/.config";
  } else {
    base = ".";
  }
  return base + "/jiceng/personal-data.key";
}

Result<Vault> LoadKeyFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return Status::NotFound("个人信息密钥文件 " + path + " 不存在。", "The personal-data key file " + path + " does not exist.");
    }
    return Status::IoError("无法读取个人信息密钥文件 " + path + "：" + std::strerror(errno),
                           "Cannot read the personal-data key file " + path + ": " + std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    return Status::FailedPrecondition(
        "个人信息密钥文件 " + path + " 对其他用户可读，请执行 chmod 600 " + path + "。",
        "The personal-data key file " + path + " can be read by other users; run chmod 600 " + path + ".");
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string hex = Trim(text.str());
  std::array<unsigned char, Vault::kKeyBytes> key{};
  std::size_t len = 0;
  if (!in || hex.size() != 2 * Vault::kKeyBytes ||
      sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != key.size()) {
    return Status::FailedPrecondition("个人信息密钥文件 " + path + " 格式不对：应为 64 个十六进制字符。",
                                      "The personal-data key file " + path + " is not 64 hex characters.");
  }
  auto vault = Vault::FromKey(key);
  sodium_memzero(key.data(), key.size());
  return vault;
}

Status CreateKeyFile(const std::string& path) {
  if (sodium_init() < 0) return Status::Internal("sodium_init failed");
  const std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path() && !std::filesystem::exists(p.parent_path(), ec)) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (!ec) std::filesystem::permissions(p.parent_path(), std::filesystem::perms::owner_all, ec);
    if (ec) {
      return Status::IoError("无法创建目录 " + p.parent_path().string() + "：" + ec.message(),
                             "Cannot create the directory " + p.parent_path().string() + ": " + ec.message());
    }
  }
  std::array<unsigned char, Vault::kKeyBytes> key{};
  randombytes_buf(key.data(), key.size());
  char hex[2 * Vault::kKeyBytes + 1];
  sodium_bin2hex(hex, sizeof(hex), key.data(), key.size());
  sodium_memzero(key.data(), key.size());
  // Written whole under a temporary name, then linked into place: link()
  // fails if the name exists, so two processes starting at once agree on one key.
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    return Status::IoError("无法写入个人信息密钥文件 " + path + "：" + std::strerror(errno),
                           "Cannot write the personal-data key file " + path + ": " + std::strerror(errno));
  }
  const std::string line = std::string(hex) + "\n";
  sodium_memzero(hex, sizeof(hex));
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  const bool linked = written && (::link(tmp.c_str(), path.c_str()) == 0 || errno == EEXIST);
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (!linked) {
    return Status::IoError("无法写入个人信息密钥文件 " + path + "：" + std::strerror(link_errno),
                           "Cannot write the personal-data key file " + path + ": " + std::strerror(link_errno));
  }
  return Status::Ok();
}

namespace {

// Values left in clear by migration 15, sealed in batches inside `s`.
Result<std::int64_t> SealPending(db::Session& s, const Vault& vault) {
  std::int64_t sealed = 0;
  for (;;) {
    struct Row {
      std::int64_t id;
      std::optional<std::string> id_number, phone;
    };
    std::vector<Row> rows;
    JICENG_RETURN_IF_ERROR(s.Query("SELECT id, unsealed_id_number, unsealed_phone FROM people "
                                   "WHERE unsealed_id_number IS NOT NULL OR unsealed_phone IS NOT NULL ORDER BY id LIMIT 1000",
                                   {}, [&](const db::Row& r) {
                                     rows.push_back({r.Int(0), r.OptText(1), r.OptText(2)});
                                     return Status::Ok();
                                   }));
    if (rows.empty()) break;
    for (const Row& r : rows) {
      std::optional<std::string> digest;
      if (r.id_number) digest = vault.Digest("id_number", *r.id_number);
      JICENG_RETURN_IF_ERROR(
          s.Exec("UPDATE people SET id_number_sealed = COALESCE(?, id_number_sealed), "
                 "id_number_digest = COALESCE(?, id_number_digest), phone_sealed = COALESCE(?, phone_sealed), "
                 "unsealed_id_number = NULL, unsealed_phone = NULL WHERE id = ?",
                 {r.id_number ? Value(vault.Seal(*r.id_number)) : Value(nullptr), digest ? Value(*digest) : Value(nullptr),
                  r.phone ? Value(vault.Seal(*r.phone)) : Value(nullptr), Value(r.id)})
              .status());
      sealed += (r.id_number ? 1 : 0) + (r.phone ? 1 : 0);
    }
  }
  for (;;) {
    std::vector<std::pair<std::int64_t, std::string>> rows;
    JICENG_RETURN_IF_ERROR(s.Query("SELECT id, unsealed_phone FROM users WHERE unsealed_phone IS NOT NULL ORDER BY id LIMIT 1000",
                                   {}, [&](const db::Row& r) {
                                     rows.emplace_back(r.Int(0), r.Text(1));
                                     return Status::Ok();
                                   }));
    if (rows.empty()) break;
    for (const auto& [id, phone] : rows) {
      JICENG_RETURN_IF_ERROR(s.Exec("UPDATE users SET phone_sealed = ?, unsealed_phone = NULL WHERE id = ?",
                                    {Value(vault.Seal(phone)), Value(id)})
                                 .status());
      ++sealed;
    }
  }
  return sealed;
}

}  // namespace

Result<Vault> AttachVault(db::Database& db, const std::string& key_path, AttachReport* report) {
  AttachReport local;
  AttachReport& out = report != nullptr ? *report : local;
  out = AttachReport{};
  std::optional<std::string> recorded;
  JICENG_RETURN_IF_ERROR(db.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT key_check FROM personal_data_keys WHERE id = 1"));
    if (row) recorded = row->Text(0);
    return Status::Ok();
  }));
  auto loaded = LoadKeyFile(key_path);
  if (!loaded.ok() && loaded.status().code() == ErrorCode::kNotFound) {
    if (recorded) {
      return Status::FailedPrecondition(
          "找不到个人信息密钥文件 " + key_path + "，而本库的身份证号和电话是用它加密的。请把原来的密钥文件放回该处，"
          "或用 JICENG_PERSONAL_DATA_KEY_FILE 指明它的位置。",
          "The personal-data key file " + key_path + " is missing, and this database's ID numbers and phones are "
          "sealed with it. Put the original key file back there, or name it with JICENG_PERSONAL_DATA_KEY_FILE.");
    }
    JICENG_RETURN_IF_ERROR(CreateKeyFile(key_path));
    out.key_created = true;
    loaded = LoadKeyFile(key_path);
  }
  JICENG_RETURN_IF_ERROR(loaded.status());
  Vault vault = std::move(loaded).value();
  if (recorded && *recorded != vault.KeyCheck()) {
    return Status::FailedPrecondition(
        "密钥文件 " + key_path + " 不是本库的个人信息密钥（本库的身份证号和电话是用另一把密钥加密的）。"
        "请用 JICENG_PERSONAL_DATA_KEY_FILE 指明本库的密钥文件。",
        "The key file " + key_path + " is not this database's personal-data key (its ID numbers and phones were "
        "sealed with another). Name this database's key file with JICENG_PERSONAL_DATA_KEY_FILE.");
  }
  JICENG_RETURN_IF_ERROR(db.Write([&](db::Session& s) -> Status {
    if (!recorded) {
      // Another process may have recorded its key meanwhile: the insert is a
      // no-op then, and the check below compares against that one.
      JICENG_RETURN_IF_ERROR(s.Exec("INSERT INTO personal_data_keys (id, key_check, created_at) VALUES (1, ?, ?) "
                                    "ON CONFLICT (id) DO NOTHING",
                                    {Value(vault.KeyCheck()), Value(NowUtcIso())})
                                 .status());
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT key_check FROM personal_data_keys WHERE id = 1"));
      if (!row || row->Text(0) != vault.KeyCheck()) return WrongKey();
    }
    JICENG_ASSIGN_OR_RETURN(out.sealed, SealPending(s, vault));
    return Status::Ok();
  }));
  if (out.sealed > 0) {
    spdlog::info("已加密 {} 项明文个人信息 / sealed {} personal values left in clear", out.sealed, out.sealed);
  }
  return vault;
}

}  // namespace jiceng::people
