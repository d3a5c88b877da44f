// Passwords and secrets: argon2id password hashes and random tokens, both
// from libsodium. Parameters are libsodium's "interactive" argon2id limits
// (t=2, m=64 MiB): about 65 ms a hash on the project machine (bench/README.md).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace jiceng::accounts {

// Initializes libsodium; call once before anything below (idempotent).
void InitCrypto();

// The argon2id hash string ("$argon2id$v=19$m=65536,t=2,p=1$...").
Result<std::string> HashPassword(std::string_view password);
// True when `password` matches `hash`. Constant-time in the password.
bool VerifyPassword(std::string_view hash, std::string_view password);
// Spends the time of one verification, for unknown users, so that timing
// does not tell an unknown user from a wrong password.
void BurnVerificationTime();

// Password rules: 8 to 128 characters, not the username, not all one
// character. The error names `field`.
Status CheckPasswordPolicy(std::string_view password, std::string_view username,
                           std::string_view field = "password");

// `bytes` random bytes, URL-safe base64 without padding.
std::string RandomToken(std::size_t bytes = 32);
// A hex BLAKE2b digest of a session or API token, as stored.
std::string TokenDigest(std::string_view token);
// A readable random password (for demo and first-admin set-up).
std::string GeneratePassword();

}  // namespace jiceng::accounts
