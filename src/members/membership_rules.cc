#include "members/membership_rules.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "common/definitions.h"
#include "orgs/organization.h"

namespace jiceng::members {
namespace {

Status RuleError(std::string_view origin, const YAML::Mark& mark, const std::string& zh, const std::string& en) {
  std::string where(origin);
  if (mark.line >= 0) where += ":" + std::to_string(mark.line + 1);
  return Status::InvalidArgument("definitions", "党员发展规则 " + where + "：" + zh,
                                 "Membership rules " + where + ": " + en);
}

}  // namespace

Result<MembershipRules> MembershipRules::LoadText(std::string_view yaml, std::string_view origin) {
  MembershipRules rules;
  auto error = [origin](const YAML::Mark& mark, const std::string& zh, const std::string& en) {
    return RuleError(origin, mark, zh, en);
  };
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    JICENG_RETURN_IF_ERROR(
        CheckDefinitionKeys(root, {"stages", "meetings", "transfer_overdue_days"}, "文件", "the file", error));
    const YAML::Node stages = root["stages"];
    if (!stages || !stages.IsSequence() || stages.size() < 2) {
      return RuleError(origin, root.Mark(), "至少需要两个阶段（stages）。", "at least two stages are needed.");
    }
    for (const auto& node : stages) {
      Stage stage;
      JICENG_RETURN_IF_ERROR(CheckDefinitionKeys(node, {"id", "name", "min_days"}, "阶段", "a stage", error));
      if (!node["id"]) return RuleError(origin, node.Mark(), "阶段缺少 id。", "a stage has no id.");
      stage.id = node["id"].as<std::string>();
      JICENG_ASSIGN_OR_RETURN(auto name, ReadBilingualName(node["name"], "阶段 " + stage.id, "stage " + stage.id, error));
      stage.name_zh = std::move(name.zh);
      stage.name_en = std::move(name.en);
      stage.min_days = node["min_days"] ? node["min_days"].as<int>() : 0;
      stage.order = static_cast<int>(rules.stages_.size());
      if (stage.min_days < 0 || stage.min_days > 3650) {
        return RuleError(origin, node.Mark(), "min_days 应在 0–3650 之间。", "min_days must be 0–3650.");
      }
      if (rules.FindStage(stage.id)) {
        return RuleError(origin, node.Mark(), "阶段 " + stage.id + " 重复。", "stage " + stage.id + " appears twice.");
      }
      rules.stages_.push_back(std::move(stage));
    }
    if (const YAML::Node meetings = root["meetings"]) {
      for (const auto& item : meetings) {
        MeetingKind kind;
        kind.id = item.first.as<std::string>();
        JICENG_ASSIGN_OR_RETURN(auto name, ReadBilingualName(item.second, "会议 " + kind.id, "meeting " + kind.id,
                                                             error, {"every", "binds"}));
        kind.name_zh = std::move(name.zh);
        kind.name_en = std::move(name.en);
        if (!item.second["every"]) {
          return RuleError(origin, item.second.Mark(), "会议 " + kind.id + " 缺少 every（month 或 quarter）。",
                           "meeting " + kind.id + " needs every (month or quarter).");
        }
        kind.every = item.second["every"].as<std::string>();
        if (kind.every != "month" && kind.every != "quarter") {
          return RuleError(origin, item.second.Mark(), "every 只能是 month 或 quarter。",
                           "every must be month or quarter.");
        }
        const YAML::Node binds = item.second["binds"];
        if (!binds || !binds.IsSequence() || binds.size() == 0) {
          return RuleError(origin, item.second.Mark(),
                           "会议 " + kind.id + " 缺少 binds（须按此频次开会的组织类型，如 [branch, joint_branch]）。",
                           "meeting " + kind.id + " needs binds (the organization kinds held to it, e.g. "
                           "[branch, joint_branch]).");
        }
        for (const auto& b : binds) {
          const std::string org_kind = b.as<std::string>();
          if (!orgs::IsOrgKind(org_kind)) {
            return RuleError(origin, b.Mark(),
                             "binds 中的 " + org_kind + " 不是组织类型；应为 committee、general_branch、branch、"
                             "joint_branch 或 temporary_branch。",
                             "binds names " + org_kind + ", not an organization kind; use committee, general_branch, "
                             "branch, joint_branch or temporary_branch.");
          }
          if (kind.Binds(org_kind)) {
            return RuleError(origin, b.Mark(), "binds 中的 " + org_kind + " 重复。", "binds lists " + org_kind + " twice.");
          }
          kind.binds.push_back(org_kind);
        }
        rules.meetings_.push_back(std::move(kind));
      }
    }
    if (root["transfer_overdue_days"]) rules.transfer_overdue_days_ = root["transfer_overdue_days"].as<int>();
  } catch (const YAML::Exception& e) {
    return RuleError(origin, e.mark, "格式不对：" + e.msg, "malformed: " + e.msg);
  }
  return rules;
}

Result<MembershipRules> MembershipRules::LoadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    return Status::IoError("无法读取 " + path.string() + "。", "Cannot read " + path.string() + ".");
  }
  std::stringstream text;
  text << in.rdbuf();
  return LoadText(text.str(), path.string());
}

Result<MembershipRules> MembershipRules::LoadDefault() {
  JICENG_ASSIGN_OR_RETURN(auto path, FindDefinitionFile("membership.yaml"));
  return LoadFile(path);
}

const Stage* MembershipRules::FindStage(std::string_view id) const {
  for (const Stage& s : stages_) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

Result<const Stage*> MembershipRules::RequireStage(std::string_view id, std::string_view field) const {
  if (const Stage* s = FindStage(id)) return s;
  std::string known;
  for (const Stage& s : stages_) known += (known.empty() ? "" : ", ") + s.id;
  return Status::InvalidArgument(std::string(field), "没有这个阶段：" + std::string(id) + "（可用：" + known + "）。",
                                 "No such stage: " + std::string(id) + " (known: " + known + ").");
}

Status MembershipRules::CheckAdvance(const Stage& from, Date since, const Stage& to, Date on, Date today) const {
  if (to.order != from.order + 1) {
    const std::string next_zh = from.order + 1 < static_cast<int>(stages_.size()) ? stages_[from.order + 1].name_zh : "（无）";
    const std::string next_en = from.order + 1 < static_cast<int>(stages_.size()) ? stages_[from.order + 1].name_en : "(none)";
    return Status::FailedPrecondition("不能从“" + from.name_zh + "”直接转为“" + to.name_zh + "”：下一步只能是“" + next_zh + "”。",
                                      "Cannot go from " + from.name_en + " to " + to.name_en + ": the next step is " +
                                          next_en + ".",
                                      "to_stage");
  }
  if (on > today) {
    return Status::InvalidArgument("on_date", "日期不能晚于今天。", "The date cannot be in the future.");
  }
  if (on < since) {
    return Status::InvalidArgument("on_date", "日期不能早于进入“" + from.name_zh + "”的日期 " + FormatDate(since) + "。",
                                   "The date cannot be before " + FormatDate(since) + ", when " + from.name_en +
                                       " began.");
  }
  const Date earliest = since + std::chrono::days(from.min_days);
  if (on < earliest) {
    return Status::FailedPrecondition(
        "“" + from.name_zh + "”阶段至少需要 " + std::to_string(from.min_days) + " 天，最早可在 " + FormatDate(earliest) +
            " 转为“" + to.name_zh + "”。",
        from.name_en + " lasts at least " + std::to_string(from.min_days) + " days: the earliest date to become " +
            to.name_en + " is " + FormatDate(earliest) + ".",
        "on_date");
  }
  return Status::Ok();
}

}  // namespace jiceng::members
