// A vault with a fixed key, for tests that build services by hand (test-only
// code, in jiceng_people_testing). Servers and tools get theirs from the key
// file (people::AttachVault).
#pragma once

#include "people/personal_data.h"

namespace jiceng::people::testing {

// The same vault on every call (a fixed, public key: never for real data).
const Vault& TestVault();

}  // namespace jiceng::people::testing
