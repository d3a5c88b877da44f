// Maps Status to HTTP: the one place where an ErrorCode becomes a status
// line and the JSON error shape {"error":{"code","message","field"}}.
#pragma once

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace jiceng::api {

// The HTTP status for `code` (kInvalidArgument -> 400, kNotFound -> 404 ...).
int HttpStatusFor(ErrorCode code);

// {"error":{"code":"not_found","message":"...","field":"code"}}; `field` is
// omitted when the error is not about one field.
nlohmann::json ErrorBody(const Status& status, Lang lang);

}  // namespace jiceng::api
