#include "accounts/password.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

#include "common/text.h"

namespace jiceng::accounts {

void InitCrypto() {
  if (sodium_init() < 0) std::abort();  // no usable randomness: nothing is safe
}

Result<std::string> HashPassword(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::Internal("crypto_pwhash_str failed (out of memory?)");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  std::string h(hash);  // needs a NUL-terminated string
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

void BurnVerificationTime() {
  static const std::string dummy = *HashPassword("jiceng-dummy-password");
  (void)VerifyPassword(dummy, "not-the-password");
}

Status CheckPasswordPolicy(std::string_view password, std::string_view username, std::string_view field) {
  const std::string f(field);
  if (!IsValidUtf8(password)) {
    return Status::InvalidArgument(f, "密码含有无效字符。", "The password holds invalid characters.");
  }
  const std::size_t n = Utf8Length(password);
  if (n < 8) {
    return Status::InvalidArgument(f, "密码太短：至少 8 个字符。", "The password is too short: at least 8 characters.");
  }
  if (n > 128) {
    return Status::InvalidArgument(f, "密码太长：最多 128 个字符。", "The password is too long: at most 128 characters.");
  }
  if (password == username) {
    return Status::InvalidArgument(f, "密码不能与用户名相同。", "The password must differ from the username.");
  }
  if (password.find_first_not_of(password.front()) == std::string_view::npos) {
    return Status::InvalidArgument(f, "密码不能全是同一个字符。", "The password must not be one repeated character.");
  }
  return Status::Ok();
}

std::string RandomToken(std::size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_encoded_len(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string TokenDigest(std::string_view token) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string GeneratePassword() {
  // No 0/O/1/l/I: read aloud or copied from paper without mistakes.
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i > 0 && i % 4 == 0) out.push_back('-');
    out.push_back(kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)]);
  }
  return out;
}

}  // namespace jiceng::accounts
