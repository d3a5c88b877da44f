-- wrk script: POST /api/v1/units/{village}/groups with a new group name each time.
-- A village holds at most 999 groups, so requests go round-robin over the village codes in the
-- file named by env VILLAGES (one code a line); each wrk thread starts at its own offset and
-- names its groups "压测组<thread>-<n>", so no two requests collide.
-- Authentication: env TOKEN (an API token, sent as a Bearer token).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

local villages = {}
local n = 0
local id = 0

function init(args)
  id = tonumber(wrk.thread:get("id")) or 0
  for line in io.lines(os.getenv("VILLAGES")) do
    if #line > 0 then table.insert(villages, line) end
  end
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
end

function request()
  n = n + 1
  local village = villages[((id * 7919 + n) % #villages) + 1]
  local body = string.format('{"name":"压测组%d-%d"}', id, n)
  return wrk.format("POST", "/api/v1/units/" .. village .. "/groups", nil, body)
end
