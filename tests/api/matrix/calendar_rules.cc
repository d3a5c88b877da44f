// The authorization matrix's rules for the working-day calendar: any signed-in
// user reads a year; only calendar.write (system_admin, nationwide) corrects a
// day. How to build each route's request: see auth_matrix.h.
#include "auth_matrix.h"

namespace jiceng::apitest {

namespace {

// A day far from any test's deadlines, so that corrections made here touch nothing else.
constexpr const char* kMatrixDay = "2031-03-03";
constexpr const char* kMatrixPath = "/api/v1/calendar/days/2031-03-03";

}  // namespace

void AuthApi::CalendarRules(MatrixRules& rules) {
  rules["GET /api/v1/calendar/:year"] = {[](const RoleUser&) {
                                           MatrixRequest m{"/api/v1/calendar/2026", {}, {}, 200};
                                           m.must_contain = "国务院办公厅关于2026年部分节假日安排的通知";
                                           return m;
                                         },
                                         {}};
  // The writes act on the whole country (Target::Nation): "outside the
  // user's area" is the same request, which only a nationwide grant may make.
  auto put = [](const RoleUser&) {
    MatrixRequest m{kMatrixPath, json{{"kind", "holiday"}, {"name", "矩阵测试"}}, {}, 200};
    m.after = [](const HttpResponse&, bool allowed) {
      HttpResponse year = Client().Get("/api/v1/calendar/2031");
      EXPECT_EQ(year.status, 200) << year;
      EXPECT_EQ(year.body.find(kMatrixDay) != std::string::npos, allowed) << year;
      if (allowed) {
        EXPECT_EQ(Client().Delete(kMatrixPath).status, 204);
      }
    };
    return m;
  };
  rules["PUT /api/v1/calendar/days/:date"] = {put, put};
  auto clear = [](const RoleUser&) {
    HttpResponse set = Client().Request("PUT", kMatrixPath, json{{"kind", "workday"}, {"name", "矩阵测试"}}.dump(),
                                        {{"Content-Type", "application/json"}});
    EXPECT_EQ(set.status, 200) << set;
    MatrixRequest m{kMatrixPath, {}, {}, 204};
    m.after = [](const HttpResponse&, bool allowed) {
      HttpResponse year = Client().Get("/api/v1/calendar/2031");
      EXPECT_EQ(year.status, 200) << year;
      EXPECT_EQ(year.body.find(kMatrixDay) == std::string::npos, allowed) << year;
      if (!allowed) {
        EXPECT_EQ(Client().Delete(kMatrixPath).status, 204);
      }
    };
    return m;
  };
  rules["DELETE /api/v1/calendar/days/:date"] = {clear, clear};
}

}  // namespace jiceng::apitest
