// HTTP endpoints of the working-day calendar (工作日历):
//   GET    /api/v1/calendar/:year        any signed-in user: the year's days that are not a plain
//                                        weekday/weekend (holidays, make-up working days, corrections)
//                                        and where the year comes from: "file", "overrides" or
//                                        "fallback" (no data: Monday–Friday)
//   PUT    /api/v1/calendar/days/:date   calendar.write: set an administrator's correction of one day,
//                                        body {kind: holiday|workday, name, note?}
//   DELETE /api/v1/calendar/days/:date   calendar.write: remove it (the file's answer is back)
// Corrections are audited like every write (target "calendar:YYYY-MM-DD").
#pragma once

#include "api/route.h"
#include "calendar/calendar_service.h"

namespace jiceng::api {

void AddCalendarRoutes(RouteTable& routes, calendar::CalendarService& calendar);

}  // namespace jiceng::api
