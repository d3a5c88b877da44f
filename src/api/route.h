// The route table: every endpoint Jiceng serves, as data — its handler, the
// permission it needs, how to find the unit it acts on (for the scope
// check), and its name in the audit log. The server checks every route the
// same way (server.cc: Dispatch); the authorization matrix test reads the
// same table (`jiceng routes`), so a route without a rule fails it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/request.h"

namespace jiceng::api {

// Route::permission values besides permission ids from definitions/roles.yaml.
inline constexpr const char* kPublic = "public";        // anyone, signed in or not
inline constexpr const char* kSignedIn = "signed_in";   // any signed-in user, about themselves

// The unit a request acts on, as a route's TargetFn finds it.
struct Target {
  enum class Kind {
    kNone,    // no single unit: the permission must be held somewhere; the handler filters by scope
    kNation,  // the whole country (e.g. an account with no home unit)
    kUnit,    // one unit, which must lie in the caller's scope
    kAnyOf,   // several units (a pairing's two sides): the permission must be held at one of them
  };
  Kind kind = Kind::kNone;
  std::uint64_t unit = 0;              // kUnit
  std::vector<std::uint64_t> units = {};  // kAnyOf, in order of preference; never empty
  // Set when the target is a record named by id (a member, an account ...):
  // the 404 a missing id gets. A caller who may not even read the record at
  // any of its units (`unit`, `units`, `also_seen_at`) gets this same 404
  // instead of a 403, so that ids cannot be probed; one who may read it but
  // not do this gets the 403.
  std::optional<Status> miss = {};
  // Units where the record is seen but not acted on (a transfer: the side
  // that does not decide). Set through AnyOf.
  std::vector<std::uint64_t> also_seen_at = {};
  // The permission to see the record; empty: the ".read" of the route's
  // permission's domain (members.write -> members.read).
  std::string read_permission = {};

  static Target None() { return {}; }
  static Target Nation() { return {Kind::kNation, 0}; }
  static Target Unit(std::uint64_t code) { return {Kind::kUnit, code}; }
  // A record at `code` (std::nullopt: a nationwide record), hidden as `miss`.
  static Target Record(std::optional<std::uint64_t> code, Status miss) {
    Target t = code ? Unit(*code) : Nation();
    t.miss = std::move(miss);
    return t;
  }
  // Something that belongs to several units at once (a pairing of two
  // organizations): the route's permission held at ONE of `units` lets the
  // caller act, and the audit entry names the first such unit. With `miss`
  // (a record named by id), it is seen from any of `units` and
  // `seen_only_at`, and a caller who sees it from none gets `miss`.
  // REQUIRES: !units.empty() (an empty list refuses everyone).
  static Target AnyOf(std::vector<std::uint64_t> units, std::optional<Status> miss = std::nullopt,
                      std::vector<std::uint64_t> seen_only_at = {}) {
    Target t;
    t.kind = Kind::kAnyOf;
    t.units = std::move(units);
    t.miss = std::move(miss);
    t.also_seen_at = std::move(seen_only_at);
    return t;
  }
};

using TargetFn = std::function<Result<Target>(const ApiRequest&)>;

struct Route {
  std::string method = {};      // "GET", "POST", "PATCH", "DELETE"
  std::string pattern = {};     // express style: "/api/v1/units/:code/children"
  HandlerFn handler = {};
  std::string permission = {};  // kPublic, kSignedIn, or a permission id ("units.read")
  TargetFn target = {};         // empty: Target::None()
  std::string action = {};      // audit log name, e.g. "units.groups.add"
  // Reads of a person's record are audited like writes; writes always are.
  bool audit_read = false;
  // The body is a file (an import), up to kMaxUploadBytes, of any
  // Content-Type but JSON and multipart; other routes take JSON only.
  bool upload = false;
};

using RouteTable = std::vector<Route>;

}  // namespace jiceng::api
