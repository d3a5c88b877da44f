#include "common/status.h"

namespace jiceng {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kMalformedRequest: return "malformed_request";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kPayloadTooLarge: return "payload_too_large";
    case ErrorCode::kUnsupportedMediaType: return "unsupported_media_type";
    case ErrorCode::kMethodNotAllowed: return "method_not_allowed";
    case ErrorCode::kUriTooLong: return "uri_too_long";
    case ErrorCode::kHeadersTooLarge: return "headers_too_large";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kCsrfFailed: return "csrf_failed";
    case ErrorCode::kTooManyRequests: return "too_many_requests";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kIoError: return "io_error";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

Status Status::Internal(std::string detail) {
  Status st(ErrorCode::kInternal, "服务器内部错误，请稍后重试；如果反复出现，请联系管理员。",
            "Internal server error. Please retry; if it keeps happening, contact the administrator.",
            {});
  st.detail_ = std::move(detail);
  return st;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(ErrorCodeName(code_));
  if (!field_.empty()) out += " [" + field_ + "]";
  out += ": " + zh_ + " / " + en_;
  if (!detail_.empty()) out += " (" + detail_ + ")";
  return out;
}

}  // namespace jiceng
