#include "jobs/job_store.h"

#include <unistd.h>

#include <random>

#include "common/clock.h"

namespace jiceng::jobs {
namespace {

using db::Value;

constexpr const char* kColumns =
    "id, kind, user_id, unit_code, params, file_name, format, dry_run, source_job_id, status, progress_done, "
    "progress_total, report, error_field, error_zh, error_en, result_name, result_type, created_at, started_at, "
    "finished_at, lease_owner, lease_expires_at, attempts";

// Claimable: queued, or running under a lease that has expired (or that a
// server from before migration 13 never set).
constexpr const char* kClaimable =
    "(status = 'queued' OR (status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < ?)))";

nlohmann::json ParseJson(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? nlohmann::json() : j;
}

Job ReadJob(const db::Row& r) {
  Job j;
  j.id = r.Int(0);
  j.kind = r.Text(1);
  j.user_id = r.Int(2);
  j.unit_code = r.Text(3);
  j.params = ParseJson(r.Text(4));
  j.file_name = r.Text(5);
  j.format = r.Text(6);
  j.dry_run = r.Int(7) != 0;
  if (!r.IsNull(8)) j.source_job_id = r.Int(8);
  j.status = r.Text(9);
  j.progress_done = r.Int(10);
  j.progress_total = r.Int(11);
  if (auto rep = r.OptText(12)) j.report = ParseJson(*rep);
  j.error_field = r.OptText(13);
  j.error_zh = r.OptText(14);
  j.error_en = r.OptText(15);
  j.result_name = r.OptText(16);
  j.result_type = r.OptText(17);
  j.created_at = r.Text(18);
  j.started_at = r.OptText(19);
  j.finished_at = r.OptText(20);
  j.lease_owner = r.OptText(21);
  j.lease_expires_at = r.OptText(22);
  j.attempts = r.Int(23);
  return j;
}

Value Opt(const std::optional<std::string>& s) { return s ? Value(*s) : Value(nullptr); }

Status NoSuchJob() { return Status::NotFound("没有这个任务。", "No such job.", "id"); }

std::string DefaultOwner() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::random_device rd;
  char tail[32];
  std::snprintf(tail, sizeof tail, ":%d:%08x", static_cast<int>(getpid()), static_cast<unsigned>(rd()));
  return std::string(host) + tail;
}

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                            (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) | std::uint8_t(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < bytes.size()) {
    std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) n |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const int pad = last ? (text[i + 3] == '=' ? (text[i + 2] == '=' ? 2 : 1) : 0) : 0;
    std::uint32_t n = 0;
    for (int k = 0; k < 4; ++k) {
      const int v = k >= 4 - pad ? 0 : value(text[i + k]);
      if (v < 0) return std::nullopt;
      n = (n << 6) | static_cast<std::uint32_t>(v);
    }
    out += static_cast<char>((n >> 16) & 255);
    if (pad < 2) out += static_cast<char>((n >> 8) & 255);
    if (pad < 1) out += static_cast<char>(n & 255);
  }
  return out;
}

JobStore::JobStore(db::Database& db, NowFn now, std::string owner, std::chrono::seconds lease)
    : db_(db),
      now_(now ? std::move(now) : NowFn([] { return std::chrono::system_clock::now(); })),
      owner_(owner.empty() ? DefaultOwner() : std::move(owner)),
      lease_(lease) {}

std::string JobStore::Now() const { return UtcIso(now_()); }

std::string JobStore::LeaseEnd() const { return UtcIso(now_() + lease_); }

Result<Job> JobStore::Create(const NewJob& in) {
  if (in.upload && in.upload->size() > kMaxJobFileBytes) {
    return Status::InvalidArgument(
        "file", "文件太大：最多 " + std::to_string(kMaxJobFileBytes / (1024 * 1024)) + " MB。请分成几个文件。",
        "The file is too large: at most " + std::to_string(kMaxJobFileBytes / (1024 * 1024)) +
            " MB. Split it into several files.");
  }
  std::int64_t id = 0;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(
        id, s.InsertReturningId(
                "INSERT INTO jobs (kind, user_id, unit_code, params, file_name, format, dry_run, source_job_id, status, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?) RETURNING id",
                {Value(in.kind), Value(in.user_id), Value(in.unit_code), Value(in.params.dump()), Value(in.file_name),
                 Value(in.format), Value(std::int64_t{in.dry_run ? 1 : 0}),
                 in.source_job_id ? Value(*in.source_job_id) : Value(nullptr), Value(Now())}));
    if (in.upload) {
      JICENG_RETURN_IF_ERROR(
          s.Exec("INSERT INTO job_files (job_id, role, bytes, content) VALUES (?, 'upload', ?, ?)",
                 {Value(id), Value(static_cast<std::int64_t>(in.upload->size())), Value(StoredFile(*in.upload))})
              .status());
    }
    return Status::Ok();
  }));
  return Get(id);
}

Result<Job> JobStore::Get(std::int64_t id) {
  std::optional<Job> job;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(std::string("SELECT ") + kColumns + " FROM jobs WHERE id = ?", {Value(id)}));
    if (row) job = ReadJob(*row);
    return Status::Ok();
  }));
  if (!job) return NoSuchJob();
  return *job;
}

Result<std::vector<Job>> JobStore::ListForUser(std::int64_t user_id, std::size_t limit) {
  std::vector<Job> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) {
    return s.Query(std::string("SELECT ") + kColumns + " FROM jobs WHERE user_id = ? ORDER BY id DESC LIMIT ?",
                   {Value(user_id), Value(static_cast<std::int64_t>(limit))}, [&](const db::Row& r) {
                     out.push_back(ReadJob(r));
                     return Status::Ok();
                   });
  }));
  return out;
}

Result<std::optional<Job>> JobStore::LiveCommitOf(std::int64_t dry_run_id) {
  std::optional<Job> job;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(std::string("SELECT ") + kColumns +
                                                     " FROM jobs WHERE source_job_id = ? AND status IN ('queued', "
                                                     "'running', 'succeeded') ORDER BY id DESC LIMIT 1",
                                                 {Value(dry_run_id)}));
    if (row) job = ReadJob(*row);
    return Status::Ok();
  }));
  return job;
}

Result<std::optional<Job>> JobStore::ClaimNext() {
  std::optional<std::int64_t> id;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    const std::string now = Now();
    // PostgreSQL: lock the row, skipping one another server is claiming (its
    // writers also queue on one advisory lock, so this is belt and braces).
    // SQLite has a single writer; the conditional UPDATE below is atomic.
    const std::string lock = s.engine() == "postgresql" ? " FOR UPDATE SKIP LOCKED" : "";
    JICENG_ASSIGN_OR_RETURN(
        auto row, s.QueryOne(std::string("SELECT id FROM jobs WHERE ") + kClaimable + " ORDER BY id LIMIT 1" + lock,
                             {Value(now)}));
    if (!row) return Status::Ok();
    JICENG_ASSIGN_OR_RETURN(
        auto changed,
        s.Exec(std::string("UPDATE jobs SET status = 'running', started_at = ?, progress_done = 0, lease_owner = ?, "
                           "lease_expires_at = ?, attempts = attempts + 1 WHERE id = ? AND ") +
                   kClaimable,
               {Value(now), Value(owner_), Value(LeaseEnd()), Value(row->Int(0)), Value(now)}));
    if (changed == 1) id = row->Int(0);
    return Status::Ok();
  }));
  if (!id) return std::optional<Job>();
  JICENG_ASSIGN_OR_RETURN(auto job, Get(*id));
  return std::optional<Job>(std::move(job));
}

Result<bool> JobStore::RenewLease(std::int64_t id) {
  std::int64_t changed = 0;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(changed, s.Exec("UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND status = 'running' "
                                            "AND lease_owner = ?",
                                            {Value(LeaseEnd()), Value(id), Value(owner_)}));
    return Status::Ok();
  }));
  return changed > 0;
}

Status JobStore::SetProgress(std::int64_t id, std::int64_t done, std::int64_t total) {
  return db_.Write([&](db::Session& s) {
    return s.Exec("UPDATE jobs SET progress_done = ?, progress_total = ?, lease_expires_at = ? WHERE id = ? AND "
                  "status = 'running' AND lease_owner = ?",
                  {Value(done), Value(total), Value(LeaseEnd()), Value(id), Value(owner_)})
        .status();
  });
}

Status JobStore::Finish(std::int64_t id, const Outcome& o) {
  return db_.Write([&](db::Session& s) -> Status {
    std::optional<std::string> field, zh, en;
    if (o.error) {
      field = o.error->field();
      zh = o.error->message_zh();
      en = o.error->message_en();
    }
    // A job that succeeded has done all its rows.
    const std::string sql =
        std::string("UPDATE jobs SET status = ?, report = ?, error_field = ?, error_zh = ?, error_en = ?, "
                    "result_name = ?, result_type = ?, finished_at = ?") +
        (o.status == kSucceeded ? ", progress_done = progress_total" : "") +
        ", lease_expires_at = NULL WHERE id = ? AND status = 'running' AND lease_owner = ?";
    JICENG_ASSIGN_OR_RETURN(
        auto changed,
        s.Exec(sql, {Value(o.status), o.report ? Value(o.report->dump()) : Value(nullptr), Opt(field), Opt(zh),
                     Opt(en), o.result ? Value(o.result_name) : Value(nullptr),
                     o.result ? Value(o.result_type) : Value(nullptr), Value(Now()), Value(id), Value(owner_)}));
    if (changed == 0) {
      return Status::FailedPrecondition(
          "任务 " + std::to_string(id) + " 已由另一台服务器接手（租约过期），本次结果未保存。",
          "Job " + std::to_string(id) + " was taken over by another server (its lease expired); this outcome was "
          "not stored.");
    }
    if (o.result) {
      // A job re-run after a restart may have stored its result already.
      JICENG_RETURN_IF_ERROR(s.Exec("DELETE FROM job_files WHERE job_id = ? AND role = 'result'", {Value(id)}).status());
      JICENG_RETURN_IF_ERROR(
          s.Exec("INSERT INTO job_files (job_id, role, bytes, content) VALUES (?, 'result', ?, ?)",
                 {Value(id), Value(static_cast<std::int64_t>(o.result->size())), Value(StoredFile(*o.result))})
              .status());
    }
    return Status::Ok();
  });
}

Result<bool> JobStore::Cancel(std::int64_t id) {
  std::int64_t changed = 0;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(changed, s.Exec("UPDATE jobs SET status = 'cancelled', finished_at = ? WHERE id = ? AND "
                                            "status = 'queued'",
                                            {Value(Now()), Value(id)}));
    return Status::Ok();
  }));
  return changed > 0;
}

Result<std::int64_t> JobStore::PruneFinished(std::chrono::system_clock::time_point before) {
  const std::string cutoff = UtcIso(before);
  std::int64_t deleted = 0;
  // Two rounds: a commit goes in the first, the dry run it read its file
  // from (no longer referred to) in the second.
  for (int round = 0; round < 2; ++round) {
    std::int64_t n = 0;
    JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
      const std::string ended =
          "SELECT j.id FROM jobs j WHERE j.status IN ('succeeded', 'failed', 'cancelled') AND j.finished_at < ? "
          "AND NOT EXISTS (SELECT 1 FROM jobs c WHERE c.source_job_id = j.id)";
      JICENG_RETURN_IF_ERROR(s.Exec("DELETE FROM job_files WHERE job_id IN (" + ended + ")", {Value(cutoff)}).status());
      JICENG_ASSIGN_OR_RETURN(n, s.Exec("DELETE FROM jobs WHERE id IN (" + ended + ")", {Value(cutoff)}));
      return Status::Ok();
    }));
    deleted += n;
    if (n == 0) break;
  }
  return deleted;
}

Result<JobStore::Counts> JobStore::CountLive() {
  Counts counts;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) {
    return s.Query("SELECT status, COUNT(*) FROM jobs WHERE status IN ('queued', 'running') GROUP BY status", {},
                   [&](const db::Row& r) {
                     (r.Text(0) == "queued" ? counts.queued : counts.running) = r.Int(1);
                     return Status::Ok();
                   });
  }));
  return counts;
}

std::string JobStore::StoredFile(const std::string& bytes) const {
  return vault_ != nullptr ? vault_->Seal(bytes) : Base64Encode(bytes);
}

Result<std::string> JobStore::FileOf(std::int64_t job_id, std::string_view role) {
  std::optional<std::string> text;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT content FROM job_files WHERE job_id = ? AND role = ?",
                                                 {Value(job_id), Value(std::string(role))}));
    if (row) text = row->Text(0);
    return Status::Ok();
  }));
  if (!text) return Status::NotFound("这个任务没有文件。", "This job has no file.");
  if (text->starts_with("s1:")) {
    if (vault_ == nullptr) return Status::Internal("job_files " + std::to_string(job_id) + " is sealed; no vault");
    return vault_->Open(*text);
  }
  auto bytes = Base64Decode(*text);
  if (!bytes) return Status::Internal("job_files " + std::to_string(job_id) + " " + std::string(role) + " is not base64");
  return std::move(*bytes);
}

Result<std::string> JobStore::UploadOf(const Job& job) { return FileOf(job.source_job_id.value_or(job.id), "upload"); }

Result<std::string> JobStore::ResultOf(const Job& job) { return FileOf(job.id, "result"); }

}  // namespace jiceng::jobs
