// A Status is the result of an operation that can fail in an expected way:
// bad input, a missing record, a conflict, an unreachable database. It carries
// a stable error code, a message in Chinese and in English that tells the user
// what was wrong and how to fix it, and optionally the name of the field at
// fault. Programmer errors are assertions, never a Status.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace jiceng {

// Stable error codes. Keep in sync with api/errors.cc (code -> HTTP status and
// the JSON "code" string) and with the error table in docs/architecture.md.
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,       // a value is wrong; `field` names it
  kMalformedRequest,      // the request cannot be parsed at all (bad JSON)
  kNotFound,              // the addressed thing does not exist
  kConflict,              // it exists already, or was changed meanwhile
  kFailedPrecondition,    // the operation does not apply to this thing
  kPayloadTooLarge,       // the body or a list is over the limit
  kUnsupportedMediaType,  // the body is not JSON
  kMethodNotAllowed,      // the path exists but not with this method (or the method is unknown)
  kUriTooLong,            // the URL is over the limit
  kHeadersTooLarge,       // too many request headers, or one too large
  kUnauthenticated,       // not signed in, or the session/token is not valid
  kPermissionDenied,      // signed in, but not allowed here (permission or scope)
  kCsrfFailed,            // a state-changing request without the session's CSRF token
  kTooManyRequests,       // locked out for a while (login back-off)
  kUnavailable,           // the database or a dependency is not reachable
  kIoError,               // a file could not be read or written
  kInternal,              // a bug; the message never carries details
};

// Returns the stable snake_case name of `code`, e.g. "invalid_argument".
std::string_view ErrorCodeName(ErrorCode code);

// Which language a user reads messages in.
enum class Lang { kZh, kEn };

class Status {
 public:
  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status Error(ErrorCode code, std::string zh, std::string en, std::string field = {}) {
    return Status(code, std::move(zh), std::move(en), std::move(field));
  }
  static Status InvalidArgument(std::string field, std::string zh, std::string en) {
    return Error(ErrorCode::kInvalidArgument, std::move(zh), std::move(en), std::move(field));
  }
  static Status NotFound(std::string zh, std::string en, std::string field = {}) {
    return Error(ErrorCode::kNotFound, std::move(zh), std::move(en), std::move(field));
  }
  static Status Conflict(std::string zh, std::string en, std::string field = {}) {
    return Error(ErrorCode::kConflict, std::move(zh), std::move(en), std::move(field));
  }
  static Status FailedPrecondition(std::string zh, std::string en, std::string field = {}) {
    return Error(ErrorCode::kFailedPrecondition, std::move(zh), std::move(en), std::move(field));
  }
  static Status Unavailable(std::string zh, std::string en) {
    return Error(ErrorCode::kUnavailable, std::move(zh), std::move(en));
  }
  static Status IoError(std::string zh, std::string en) {
    return Error(ErrorCode::kIoError, std::move(zh), std::move(en));
  }
  // `detail` goes to the server log only; users see a generic message.
  static Status Internal(std::string detail);

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& field() const { return field_; }
  const std::string& message(Lang lang) const { return lang == Lang::kZh ? zh_ : en_; }
  const std::string& message_zh() const { return zh_; }
  const std::string& message_en() const { return en_; }
  // Internal detail for logs (empty unless Internal()).
  const std::string& detail() const { return detail_; }

  // "invalid_argument [name]: ... / ..." for logs and test failures.
  std::string ToString() const;

 private:
  Status(ErrorCode code, std::string zh, std::string en, std::string field)
      : code_(code), zh_(std::move(zh)), en_(std::move(en)), field_(std::move(field)) {}

  ErrorCode code_ = ErrorCode::kOk;
  std::string zh_;
  std::string en_;
  std::string field_;
  std::string detail_;
};

}  // namespace jiceng

// Returns early from the enclosing function when `expr` is not OK.
#define JICENG_RETURN_IF_ERROR(expr)         \
  do {                                       \
    ::jiceng::Status _st = (expr);           \
    if (!_st.ok()) return _st;               \
  } while (0)
