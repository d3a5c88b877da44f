// The JSON of an attendance list (events/attendance.h), shared by every
// endpoint that records an event with attendance (meetings, pairing
// activities, ...): [{"member_id": 12, "status": "present"}, ...].
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/request.h"
#include "events/attendance.h"

namespace jiceng::api {

// The attendance list in `field` of `body`, at most 5000 items; absent or
// null reads as empty. A malformed item is kInvalidArgument naming it,
// "attendance[3].member_id" or "attendance[3].status". The statuses and the
// people are checked by the service (events::CheckAttendance).
Result<std::vector<events::Attendance>> AttendanceFromBody(JsonBody& body, std::string_view field = "attendance");

// [{"member_id": 12, "status": "present"}, ...]
nlohmann::json AttendanceJson(std::span<const events::Attendance> list);

}  // namespace jiceng::api
