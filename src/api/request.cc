#include "api/request.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdint>

namespace jiceng::api {
namespace {

// No request body of ours nests more than a few levels; deeper is refused.
constexpr int kMaxJsonDepth = 32;
struct TooDeep {};

}  // namespace

const std::string& ApiRequest::Param(std::string_view name) const {
  auto it = path_params.find(name);
  assert(it != path_params.end() && "route does not declare this parameter");
  return it->second;
}

Result<std::int64_t> ApiRequest::ParamId(std::string_view name) const {
  const std::string& text = Param(name);
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || ptr != text.data() + text.size() || id <= 0) {
    return Status::InvalidArgument(std::string(name), "编号 " + text + " 无效：应为正整数。",
                                   "Id " + text + " is not valid: it must be a positive whole number.");
  }
  return id;
}

std::optional<std::string> ApiRequest::QueryText(std::string_view name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

Result<std::size_t> ApiRequest::QueryUint(std::string_view name, std::size_t fallback,
                                          std::size_t min, std::size_t max) const {
  auto it = query.find(name);
  if (it == query.end() || it->second.empty()) return fallback;
  const std::string& text = it->second;
  std::size_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max) {
    const std::string range = std::to_string(min) + "–" + std::to_string(max);
    return Status::InvalidArgument(std::string(name),
                                   "参数 " + std::string(name) + " 应为 " + range + " 之间的整数。",
                                   "Parameter " + std::string(name) + " must be a whole number from " +
                                       range + ".");
  }
  return value;
}

Result<bool> ApiRequest::QueryBool(std::string_view name, bool fallback) const {
  auto it = query.find(name);
  if (it == query.end() || it->second.empty()) return fallback;
  if (it->second == "true" || it->second == "1") return true;
  if (it->second == "false" || it->second == "0") return false;
  return Status::InvalidArgument(std::string(name),
                                 "参数 " + std::string(name) + " 应为 true 或 false。",
                                 "Parameter " + std::string(name) + " must be true or false.");
}

Result<JsonBody> JsonBody::Parse(const ApiRequest& req, bool allow_empty) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    if (allow_empty) return JsonBody(nlohmann::json::object());
    return Status::Error(ErrorCode::kMalformedRequest, "请求体为空：请发送一个 JSON 对象。",
                         "The request body is empty: send a JSON object.");
  }
  // Every exception nlohmann::json raises on user input becomes a 400 here,
  // the one place a body is parsed: syntax and UTF-8 errors (parse_error), a
  // number too large for a double such as 1e400 (out_of_range 406), and
  // nesting deeper than any of our bodies needs (stopped by the callback
  // before it can exhaust the stack on dump or destruction).
  std::string field;  // the top-level field being read, for the error
  auto callback = [&field](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::key && depth == 1 && parsed.is_string()) field = parsed.get<std::string>();
    if ((event == Event::object_start || event == Event::array_start) && depth >= kMaxJsonDepth) {
      throw TooDeep{};
    }
    return true;
  };
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(req.body, callback);
  } catch (const TooDeep&) {
    const std::string depth = std::to_string(kMaxJsonDepth);
    return Status::Error(ErrorCode::kMalformedRequest, "请求体嵌套太深：最多 " + depth + " 层。",
                         "The request body is nested too deeply: at most " + depth + " levels.", "body");
  } catch (const nlohmann::json::out_of_range&) {
    // 406: a number that does not fit a double.
    const std::string f = field.empty() ? "body" : field;
    return Status::InvalidArgument(f, "字段 " + f + " 的数值超出范围，请填写一个正常大小的数。",
                                   "Field " + f + " holds a number out of range; give a number of ordinary size.");
  } catch (const nlohmann::json::parse_error& e) {
    const std::string at = std::to_string(e.byte);
    return Status::Error(ErrorCode::kMalformedRequest,
                         "请求体不是有效的 JSON（第 " + at + " 个字节附近出错）。请检查格式，文本须为 UTF-8。",
                         "The request body is not valid JSON (error near byte " + at +
                             "). Check its syntax; text must be UTF-8.",
                         "body");
  } catch (const nlohmann::json::exception&) {
    return Status::Error(ErrorCode::kMalformedRequest, "请求体不是有效的 JSON。请检查格式。",
                         "The request body is not valid JSON. Check its syntax.", "body");
  }
  if (!parsed.is_object()) {
    return Status::Error(ErrorCode::kMalformedRequest, "请求体应为 JSON 对象（{...}）。",
                         "The request body must be a JSON object ({...}).");
  }
  return JsonBody(std::move(parsed));
}

Result<std::string> JsonBody::RequiredString(std::string_view field) {
  seen_.emplace_back(field);
  auto it = object_.find(field);
  if (it == object_.end() || it->is_null()) {
    return Status::InvalidArgument(std::string(field), "缺少字段 " + std::string(field) + "。",
                                   "Field " + std::string(field) + " is required.");
  }
  if (!it->is_string()) {
    return Status::InvalidArgument(std::string(field), "字段 " + std::string(field) + " 应为文本。",
                                   "Field " + std::string(field) + " must be a string.");
  }
  return it->get<std::string>();
}

Result<std::optional<std::int64_t>> JsonBody::OptionalInt(std::string_view field) {
  seen_.emplace_back(field);
  auto it = object_.find(field);
  if (it == object_.end() || it->is_null()) return std::optional<std::int64_t>();
  if (!it->is_number_integer()) {
    return Status::InvalidArgument(std::string(field), "字段 " + std::string(field) + " 应为整数。",
                                   "Field " + std::string(field) + " must be a whole number.");
  }
  // Above 2^63 - 1 the number is stored unsigned and would wrap on get<int64_t>.
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    return Status::InvalidArgument(std::string(field), "字段 " + std::string(field) + " 的数值超出范围。",
                                   "Field " + std::string(field) + " is out of range.");
  }
  return std::optional<std::int64_t>(it->get<std::int64_t>());
}

Result<std::optional<std::string>> JsonBody::OptionalString(std::string_view field) {
  seen_.emplace_back(field);
  auto it = object_.find(field);
  if (it == object_.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    return Status::InvalidArgument(std::string(field), "字段 " + std::string(field) + " 应为文本。",
                                   "Field " + std::string(field) + " must be a string.");
  }
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<bool>> JsonBody::OptionalBool(std::string_view field) {
  seen_.emplace_back(field);
  auto it = object_.find(field);
  if (it == object_.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) {
    return Status::InvalidArgument(std::string(field), "字段 " + std::string(field) + " 应为 true 或 false。",
                                   "Field " + std::string(field) + " must be true or false.");
  }
  return std::optional<bool>(it->get<bool>());
}

Result<std::optional<std::optional<std::string>>> JsonBody::NullableString(std::string_view field) {
  seen_.emplace_back(field);
  auto it = object_.find(field);
  using Out = std::optional<std::optional<std::string>>;
  if (it == object_.end()) return Out();
  if (it->is_null()) return Out(std::optional<std::string>());
  if (!it->is_string()) {
    return Status::InvalidArgument(std::string(field), "字段 " + std::string(field) + " 应为文本或 null。",
                                   "Field " + std::string(field) + " must be a string or null.");
  }
  return Out(std::optional<std::string>(it->get<std::string>()));
}

Result<std::vector<nlohmann::json>> JsonBody::ObjectList(std::string_view field, std::size_t max_items) {
  seen_.emplace_back(field);
  std::vector<nlohmann::json> out;
  auto it = object_.find(field);
  if (it == object_.end() || it->is_null()) return out;
  const std::string f(field);
  if (!it->is_array() || it->size() > max_items) {
    return Status::InvalidArgument(f, "字段 " + f + " 应为对象数组（最多 " + std::to_string(max_items) + " 项）。",
                                   "Field " + f + " must be an array of objects (at most " + std::to_string(max_items) + ").");
  }
  for (const auto& item : *it) {
    if (!item.is_object()) {
      return Status::InvalidArgument(f, "字段 " + f + " 的每一项都应为对象。", "Every item of " + f + " must be an object.");
    }
    out.push_back(item);
  }
  return out;
}

Result<std::vector<std::string>> JsonBody::StringList(std::string_view field) {
  seen_.emplace_back(field);
  std::vector<std::string> out;
  auto it = object_.find(field);
  if (it == object_.end() || it->is_null()) return out;
  const std::string f(field);
  if (!it->is_array() || it->size() > 1000) {
    return Status::InvalidArgument(f, "字段 " + f + " 应为文本数组（最多 1000 项）。",
                                   "Field " + f + " must be an array of strings (at most 1000).");
  }
  for (const auto& item : *it) {
    if (!item.is_string()) {
      return Status::InvalidArgument(f, "字段 " + f + " 的每一项都应为文本。", "Every item of " + f + " must be a string.");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

Status JsonBody::Finish() const {
  for (const auto& [key, value] : object_.items()) {
    if (std::find(seen_.begin(), seen_.end(), key) == seen_.end()) {
      return Status::InvalidArgument(key, "不认识的字段 " + key + "，请检查拼写。",
                                     "Unknown field " + key + "; check its spelling.");
    }
  }
  return Status::Ok();
}

}  // namespace jiceng::api
