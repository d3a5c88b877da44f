// The route table: every endpoint Jiceng serves, as data. The server
// registers each route with the HTTP router; later layers (authorization,
// the route-coverage test) read the same table.
#pragma once

#include <string>
#include <vector>

#include "api/request.h"

namespace jiceng::api {

struct Route {
  std::string method;   // "GET", "POST", "PATCH", "DELETE"
  std::string pattern;  // express style: "/api/v1/units/:code/children"
  HandlerFn handler;
};

using RouteTable = std::vector<Route>;

}  // namespace jiceng::api
