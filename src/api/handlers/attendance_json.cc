#include "api/handlers/attendance_json.h"

#include <string>

namespace jiceng::api {

Result<std::vector<events::Attendance>> AttendanceFromBody(JsonBody& body, std::string_view field) {
  JICENG_ASSIGN_OR_RETURN(auto items, body.ObjectList(field, 5000));
  std::vector<events::Attendance> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const nlohmann::json& item = items[i];
    const std::string at = std::string(field) + "[" + std::to_string(i) + "].";
    const std::string zh = "出席名单第 " + std::to_string(i + 1) + " 项";
    const std::string en = "Attendance item " + std::to_string(i + 1);
    if (!item.contains("member_id") || !item["member_id"].is_number_integer()) {
      return Status::InvalidArgument(at + "member_id", zh + "应有党员编号 member_id（整数）。",
                                     en + " needs a member_id (an integer).");
    }
    if (!item.contains("status") || !item["status"].is_string()) {
      return Status::InvalidArgument(at + "status", zh + "应有出席情况 status：present（出席）、absent（缺席）或 leave（请假）。",
                                     en + " needs a status: present, absent or leave.");
    }
    for (auto it = item.begin(); it != item.end(); ++it) {
      const std::string& key = it.key();
      if (key != "member_id" && key != "status") {
        return Status::InvalidArgument(at + key, zh + "只能有 member_id 和 status 两项，请删去 " + key + "。",
                                       en + " has only member_id and status; remove " + key + ".");
      }
    }
    out.push_back({item["member_id"].get<std::int64_t>(), item["status"].get<std::string>()});
  }
  return out;
}

nlohmann::json AttendanceJson(std::span<const events::Attendance> list) {
  nlohmann::json out = nlohmann::json::array();
  for (const events::Attendance& a : list) out.push_back({{"member_id", a.member_id}, {"status", a.status}});
  return out;
}

}  // namespace jiceng::api
