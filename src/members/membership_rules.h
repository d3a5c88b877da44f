// The rules of membership development (发展党员) and organizational life,
// loaded from definitions/membership.yaml: the pipeline's stages in order
// with the least time spent in each, how often each meeting is due, and
// when a transfer counts as overdue.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace jiceng::members {

struct Stage {
  std::string id = {};  // "activist"
  std::string name_zh = {};
  std::string name_en = {};
  int min_days = 0;  // least days in this stage before the next
  int order = 0;     // 0 for the first stage
};

struct MeetingKind {
  std::string id = {};     // "committee"
  std::string name_zh = {};
  std::string name_en = {};
  std::string every = {};  // "month" or "quarter"
  // The organization kinds (orgs/organization.h) held to this frequency;
  // others may record the meeting but never miss it.
  std::vector<std::string> binds = {};
  bool Binds(std::string_view org_kind) const {
    for (const std::string& k : binds) {
      if (k == org_kind) return true;
    }
    return false;
  }
};

class MembershipRules {
 public:
  static Result<MembershipRules> LoadText(std::string_view yaml, std::string_view origin);
  static Result<MembershipRules> LoadFile(const std::filesystem::path& path);
  // definitions/membership.yaml.
  static Result<MembershipRules> LoadDefault();

  const std::vector<Stage>& stages() const { return stages_; }
  const std::vector<MeetingKind>& meetings() const { return meetings_; }
  int transfer_overdue_days() const { return transfer_overdue_days_; }
  const Stage* FindStage(std::string_view id) const;
  // kInvalidArgument naming `field` and listing the stages.
  Result<const Stage*> RequireStage(std::string_view id, std::string_view field) const;

  // Checks a step from `from` (entered on `since`) to `to` on `on`: only the
  // next stage, not before `since` + from.min_days, not in the future. The
  // error says the earliest allowed date.
  Status CheckAdvance(const Stage& from, Date since, const Stage& to, Date on, Date today) const;

 private:
  std::vector<Stage> stages_;
  std::vector<MeetingKind> meetings_;
  int transfer_overdue_days_ = 30;
};

}  // namespace jiceng::members
