#include "jobs/job_kinds.h"

namespace jiceng::jobs {

Status JobKinds::Add(JobKind kind) {
  if (kind.id.empty()) return Status::Internal("a job kind needs an id");
  if (!kind.run) return Status::Internal("job kind " + kind.id + " has nothing to run");
  const std::string id = kind.id;
  if (!kinds_.emplace(id, std::move(kind)).second) {
    return Status::Internal("job kind " + id + " is registered twice");
  }
  return Status::Ok();
}

const JobKind* JobKinds::Find(std::string_view id) const {
  auto it = kinds_.find(id);
  return it == kinds_.end() ? nullptr : &it->second;
}

std::vector<std::string> JobKinds::Ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, kind] : kinds_) ids.push_back(id);
  return ids;
}

Status UnknownJobKind(std::string_view id) {
  return Status::FailedPrecondition(
      "这台服务器不认识任务类型 " + std::string(id) + "（可能由更新版本的 jiceng 创建）：请在更新后的服务器上重新运行。",
      "This server does not know job kind " + std::string(id) +
          " (a newer jiceng may have made it): run it again on an updated server.");
}

}  // namespace jiceng::jobs
