#include "people/testing/test_vault.h"

#include <array>
#include <cstdlib>

namespace jiceng::people::testing {

const Vault& TestVault() {
  static const Vault vault = [] {
    std::array<unsigned char, Vault::kKeyBytes> key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(i * 7 + 1);
    auto v = Vault::FromKey(key);
    if (!v.ok()) std::abort();
    return std::move(v).value();
  }();
  return vault;
}

}  // namespace jiceng::people::testing
