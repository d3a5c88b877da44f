#include "orgs/org_endings.h"

namespace jiceng::orgs {

Status OrgEndings::OrgEnded(db::Session& s, const OrgEnd& end) const {
  for (const auto& [name, fn] : org_ended_) JICENG_RETURN_IF_ERROR(fn(s, end));
  return Status::Ok();
}

Status OrgEndings::MemberLeft(db::Session& s, const MemberLeaving& leaving) const {
  for (const auto& [name, fn] : member_left_) JICENG_RETURN_IF_ERROR(fn(s, leaving));
  return Status::Ok();
}

std::vector<std::string> OrgEndings::OrgEndedHooks() const {
  std::vector<std::string> names;
  for (const auto& [name, fn] : org_ended_) names.push_back(name);
  return names;
}

std::vector<std::string> OrgEndings::MemberLeftHooks() const {
  std::vector<std::string> names;
  for (const auto& [name, fn] : member_left_) names.push_back(name);
  return names;
}

}  // namespace jiceng::orgs
