// Result<T> holds either a value of T or a non-OK Status, for functions that
// produce something and can fail in an expected way (see status.h).
#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "common/status.h"

namespace jiceng {

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "a Result built from a Status must carry an error");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok()
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace jiceng

#define JICENG_CONCAT_INNER(a, b) a##b
#define JICENG_CONCAT(a, b) JICENG_CONCAT_INNER(a, b)
// Evaluates `rexpr` (a Result<T>); on error returns its Status, otherwise
// moves the value into `lhs` (which may be a declaration: `auto x`).
#define JICENG_ASSIGN_OR_RETURN(lhs, rexpr)                          \
  auto JICENG_CONCAT(_res_, __LINE__) = (rexpr);                     \
  if (!JICENG_CONCAT(_res_, __LINE__).ok())                          \
    return JICENG_CONCAT(_res_, __LINE__).status();                  \
  lhs = std::move(JICENG_CONCAT(_res_, __LINE__)).value()
