// The people register (人员库): one row per person, whom members refer to
// (and, as those domains land, residents of households, cadres, trainees and
// team members). A person's ID number and phone are stored sealed by the
// Vault (personal_data.h), the ID number with its keyed digest for the
// unique check. Plain functions over a db::Session: the domain that registers
// or edits a person chooses the transaction, so the person and the domain's
// own row are written together.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/database.h"
#include "people/personal_data.h"

namespace jiceng::people {

// A person as given by a domain, checked by it (CheckIdNumber, CheckPhone)
// and in clear; sealed here.
struct PersonFields {
  std::int64_t unit_id = 0;           // where the person was registered
  std::string province_code = {};
  std::string name = {};
  std::string gender = {};            // male, female
  std::string birth_date = {};        // YYYY-MM-DD
  std::optional<std::string> id_number = {};
  std::optional<std::string> phone = {};
};

// kConflict on field "id_number": a person with this ID number is registered.
Status DuplicateIdNumber();

// Inserts `people` in one bulk insert inside `s`; their ids in order.
// DuplicateIdNumber() when an ID number is already registered (or twice in `people`).
Result<std::vector<std::int64_t>> InsertPeople(db::Session& s, const Vault& vault, std::span<const PersonFields> people);

// Rewrites person `id`'s name, gender, birth date, ID number and phone
// (unit and province stay). DuplicateIdNumber() when the ID number is another person's.
Status UpdatePerson(db::Session& s, const Vault& vault, std::int64_t id, const PersonFields& fields);

// Which of `id_numbers` (in clear) are registered already, by digest.
Result<std::vector<std::string>> RegisteredIdNumbers(db::Session& s, const Vault& vault,
                                                     std::span<const std::string> id_numbers);

}  // namespace jiceng::people
