// A member (党员) or a person in the development pipeline (入党申请人 ...
// 预备党员), with only what the work needs: name, gender, birth date, an
// optional phone, an optional ID-card number (both held by the person the
// member is in the people register, sealed there; shown masked, unmasking
// needs a permission and is audited: people/personal_data.h), the organization, the pipeline stage and
// since when, and the situation category. There is deliberately no field
// for religion, ethnicity or political views.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace jiceng::members {

// "in_service" 在职, "rural_labour" 农村有劳动能力, "elderly_infirm" 年老体弱,
// "migrant" 外出流动.
bool IsSituation(std::string_view s);

struct Member {
  std::int64_t id = 0;
  std::int64_t person_id = 0;   // in the people register (people/people_store.h)
  std::int64_t org_id = 0;
  std::uint64_t unit_code = 0;  // the organization's unit
  std::string name = {};
  std::string gender = {};      // male, female
  std::string birth_date = {};  // YYYY-MM-DD
  std::optional<std::string> phone = {};
  std::optional<std::string> id_number = {};  // never leaves the service unmasked unless asked
  std::string stage = {};        // a stage id from definitions/membership.yaml
  std::string stage_since = {};  // YYYY-MM-DD
  std::string situation = {};
  std::string status = {};       // active, in_transit, left
  std::int64_t version = 1;
  std::string created_at = {};
};

}  // namespace jiceng::members
