#include "api/errors.h"

namespace jiceng::api {

// Keep in sync with the ErrorCode enum in common/status.h.
int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return 200;
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kMalformedRequest: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kUnsupportedMediaType: return 415;
    case ErrorCode::kMethodNotAllowed: return 405;
    case ErrorCode::kUriTooLong: return 414;
    case ErrorCode::kHeadersTooLarge: return 431;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kCsrfFailed: return 403;
    case ErrorCode::kTooManyRequests: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kIoError: return 500;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

nlohmann::json ErrorBody(const Status& status, Lang lang) {
  nlohmann::json error = {{"code", ErrorCodeName(status.code())},
                          {"message", status.message(lang)}};
  if (!status.field().empty()) error["field"] = status.field();
  return {{"error", std::move(error)}};
}

}  // namespace jiceng::api
