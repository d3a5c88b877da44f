#include "cli/demo_data.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace jiceng::cli {
namespace {

using std::chrono::days;
using std::chrono::year_month;
using std::chrono::year_month_day;

// --- determinism -------------------------------------------------------------

// splitmix64: the same numbers on every platform and standard library (the
// <random> distributions are not specified bit for bit).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int Below(int n) { return n <= 0 ? 0 : static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }
  bool Percent(int p) { return Below(100) < p; }
  template <typename T, std::size_t N>
  const T& Pick(const std::array<T, N>& items) {
    return items[static_cast<std::size_t>(Below(static_cast<int>(N)))];
  }

 private:
  std::uint64_t state_;
};

constexpr std::uint64_t kSeed = 0x540424'2026ull;

// A stream of its own for each place, so that one village's data does not
// depend on how many numbers another one drew.
Rng RngFor(std::string_view key) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
  return Rng(h ^ kSeed);
}

// --- names -------------------------------------------------------------------

// Tibetan names are two names of two syllables; the second often says
// whether the person is a man or a woman.
constexpr std::array<const char*, 24> kTibetanFirst = {
    "次仁", "扎西", "格桑", "旦增", "尼玛", "达瓦", "边巴", "普布", "拉巴", "索朗", "洛桑", "顿珠",
    "白玛", "平措", "米玛", "巴桑", "欧珠", "强巴", "贡嘎", "阿旺", "罗布", "益西", "德吉", "央金"};
constexpr std::array<const char*, 16> kTibetanMale = {"多吉", "顿珠", "平措", "旺堆", "次仁", "扎西",
                                                      "罗布", "朗杰", "群培", "晋美", "坚参", "仁增",
                                                      "达杰", "江村", "索朗", "尼玛"};
constexpr std::array<const char*, 16> kTibetanFemale = {"卓玛", "央金", "拉姆", "德吉", "曲珍", "措姆",
                                                        "卓嘎", "玉珍", "央宗", "布赤", "普赤", "旺姆",
                                                        "拉珍", "次珍", "白珍", "格桑"};
constexpr std::array<const char*, 24> kHanSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄",
                                                      "周", "吴", "徐", "孙", "马", "胡", "朱", "郭",
                                                      "何", "罗", "高", "林", "唐", "邓", "冯", "曾"};
constexpr std::array<const char*, 16> kHanMale = {"建国", "志强", "伟", "军", "磊", "勇", "杰", "涛",
                                                  "明", "超", "刚", "海峰", "俊", "文斌", "国华", "晓东"};
constexpr std::array<const char*, 16> kHanFemale = {"海燕", "丽华", "秀英", "芳", "敏", "静", "艳", "娟",
                                                    "霞", "桂英", "丽", "晓梅", "婷", "玉兰", "红梅", "雪"};

struct Name {
  std::string name;
  std::string gender;
};

Name TibetanName(Rng& r) {
  const bool female = r.Percent(48);
  std::string first = r.Pick(kTibetanFirst);
  std::string second = female ? r.Pick(kTibetanFemale) : r.Pick(kTibetanMale);
  if (second == first) second = female ? "卓玛" : "多吉";
  // A few go by one name of two syllables (never one of the anchors' names below).
  static constexpr std::array<std::string_view, 10> kTaken = {"次仁", "扎西", "卓玛", "格桑", "央金",
                                                              "旦增", "拉姆", "多吉", "德吉", "平措"};
  if (r.Percent(4) && std::find(kTaken.begin(), kTaken.end(), second) == kTaken.end()) {
    return {second, female ? "female" : "male"};
  }
  return {first + second, female ? "female" : "male"};
}

Name HanName(Rng& r) {
  const bool female = r.Percent(45);
  return {std::string(r.Pick(kHanSurnames)) + (female ? r.Pick(kHanFemale) : r.Pick(kHanMale)),
          female ? "female" : "male"};
}

// --- dates -------------------------------------------------------------------

std::string Fmt(Date d) { return FormatDate(d); }
Date YearsBefore(Date d, int years, int extra_days = 0) { return d - days(365 * years + years / 4 + extra_days); }
std::string MonthText(year_month ym) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ym.year()), static_cast<unsigned>(ym.month()));
  return buf;
}
Date DayOf(year_month ym, int day) { return std::chrono::sys_days(ym / std::chrono::day(static_cast<unsigned>(day))); }

// --- the plan ----------------------------------------------------------------

enum class Place { kVillage, kCommunity, kOrgans, kEnterprise, kSelfEmployed };

struct Person {
  members::MemberInput in;
  int age = 0;
  std::int64_t id = 0;
  std::int64_t card_id = 0;
  // Dues: the last months left unpaid (0: up to date), paid quarter by quarter.
  int arrears_months = 0;
  bool pays_by_quarter = false;
  std::int64_t fen = 0;
};

struct Branch {
  std::int64_t org_id = 0;
  std::int64_t unit_id = 0;
  std::string unit_code;
  std::string name;
  Place place = Place::kVillage;
  bool behind = false;  // has let its meetings slip
  int size = 0;
  std::vector<Person> people;
};

struct Township {
  hierarchy::UnitView unit;
  std::int64_t committee_id = 0;
  std::vector<Branch> branches;
};

// "扎木社区居委会" -> "扎木社区".
std::string ShortName(const std::string& unit_name) {
  for (std::string_view suffix : {"居委会", "村委会"}) {
    if (unit_name.size() > suffix.size() && unit_name.ends_with(suffix)) {
      return unit_name.substr(0, unit_name.size() - suffix.size());
    }
  }
  return unit_name;
}

bool Paying(const Person& p) { return p.in.stage == "full" || p.in.stage == "probationary"; }

// The old demo's ten people, kept by name and stage for the web tests and the
// README's walkthrough, first in the organs' branch of the first town (whose
// members every list of Bomi shows first: it sits at the town itself): 次仁
// owes the last months' dues, 拉姆 has been an activist for under a year,
// 旦增 for over one. Generated names never equal theirs.
struct Anchor {
  const char* name;
  const char* gender;
  const char* stage;
  int days_in_stage;
  const char* situation;
  int age;
};
constexpr std::array<Anchor, 10> kAnchors = {{
    {"次仁", "male", "full", 5990, "in_service", 58},
    {"扎西", "male", "full", 4200, "in_service", 44},
    {"卓玛", "female", "full", 2700, "in_service", 39},
    {"格桑", "female", "probationary", 160, "in_service", 31},
    {"央金", "female", "candidate", 260, "in_service", 27},
    {"旦增", "male", "activist", 580, "in_service", 29},
    {"拉姆", "female", "activist", 240, "in_service", 26},
    {"多吉", "male", "applicant", 80, "in_service", 23},
    {"德吉", "male", "full", 9100, "elderly_infirm", 76},
    {"平措", "female", "full", 6560, "elderly_infirm", 81},
}};

Person AnchorPerson(const Anchor& a, Date today) {
  Person p;
  p.in.name = a.name;
  p.in.gender = a.gender;
  p.in.stage = a.stage;
  p.in.stage_since = Fmt(today - days(a.days_in_stage));
  p.in.situation = a.situation;
  p.in.birth_date = Fmt(YearsBefore(today, a.age, 97));
  p.age = a.age;
  p.arrears_months = std::string_view(a.name) == "次仁" ? 3 : 0;
  p.fen = p.in.situation == "in_service" ? 6000 : p.in.situation == "elderly_infirm" ? 20 : 50;
  return p;
}

// One person of a branch: the stage, then an age and dates that fit it.
Person MakePerson(Rng& r, Place place, Date today) {
  Person p;
  const bool han = place == Place::kOrgans ? r.Percent(45)
                   : place == Place::kCommunity || place == Place::kEnterprise ? r.Percent(25)
                                                                                : r.Percent(5);
  Name n = han ? HanName(r) : TibetanName(r);
  p.in.name = std::move(n.name);
  p.in.gender = std::move(n.gender);
  const int roll = r.Below(100);
  int since_days = 0;
  if (roll < 4) {
    p.in.stage = "applicant";
    p.age = r.Between(19, 34);
    since_days = r.Between(5, 330);
  } else if (roll < 10) {
    p.in.stage = "activist";
    p.age = r.Between(20, 38);
    since_days = r.Between(30, 760);
  } else if (roll < 12) {
    p.in.stage = "candidate";
    p.age = r.Between(22, 40);
    since_days = r.Between(15, 240);
  } else if (roll < 15) {
    p.in.stage = "probationary";
    p.age = r.Between(23, 42);
    since_days = r.Between(10, 355);
  } else {
    p.in.stage = "full";
    // Villages keep their older members; the young often work away.
    p.age = place == Place::kOrgans || place == Place::kEnterprise ? r.Between(26, 59) : r.Between(26, 88);
    const int max_years = std::max(1, p.age - 21);
    since_days = 365 * r.Between(1, max_years) + r.Below(365);
  }
  p.in.stage_since = Fmt(today - days(since_days));
  p.in.birth_date = Fmt(YearsBefore(today, p.age, r.Below(365)));
  if (place == Place::kOrgans || place == Place::kEnterprise) {
    p.in.situation = "in_service";
  } else if (p.age >= 72) {
    p.in.situation = "elderly_infirm";
  } else {
    const int s = r.Below(100);
    const int in_service = place == Place::kCommunity ? 35 : 7;
    p.in.situation = s < in_service ? "in_service" : s < in_service + 18 ? "migrant" : "rural_labour";
  }
  if (p.in.situation == "in_service") {
    p.fen = 100 * r.Between(20, 120);  // 0.5–2 % of a salary: ¥20–¥120 a month
  } else if (p.in.situation == "migrant") {
    p.fen = 100 * r.Between(1, 5);
  } else {
    p.fen = p.in.situation == "elderly_infirm" ? 20 : 10 * r.Between(2, 10);  // farmers: ¥0.2–¥1
  }
  p.arrears_months = r.Percent(p.in.situation == "migrant" ? 30 : 8) ? r.Between(2, 7) : 0;
  p.pays_by_quarter = p.in.situation == "rural_labour" && r.Percent(25);
  return p;
}

// --- meetings ----------------------------------------------------------------

constexpr std::array<const char*, 8> kCommitteeTopics = {
    "支委会：研究本月党员发展工作", "支委会：讨论党费收缴情况",   "支委会：部署森林防火工作",
    "支委会：研究村集体经济项目",   "支委会：讨论困难党员帮扶名单", "支委会：研究村级活动场所管理",
    "支委会：部署安全生产检查",     "支委会：研究四议两公开事项"};
constexpr std::array<const char*, 6> kGroupTopics = {"党小组会：学习党的二十大精神", "党小组会：交流本组生产情况",
                                                     "党小组会：传达支部会议精神",   "党小组会：学习党章党规",
                                                     "党小组会：讨论本组环境整治",   "党小组会：交流茶叶种植经验"};
constexpr std::array<const char*, 6> kThemeTopics = {"主题党日：清洁家园",       "主题党日：走访慰问困难群众",
                                                     "主题党日：护林防火宣传",   "主题党日：学习强国交流",
                                                     "主题党日：义务植树",       "主题党日：政策宣讲进农户"};
constexpr std::array<const char*, 4> kGeneralTopics = {"党员大会：通报支部半年工作", "党员大会：民主评议党员",
                                                       "党员大会：讨论发展对象",     "党员大会：审议村级重大事项"};
constexpr std::array<const char*, 4> kLectureTopics = {"党课：学习党章", "党课：铸牢中华民族共同体意识",
                                                       "党课：乡村振兴政策解读", "党课：党史学习教育"};

std::string AttendanceStatus(Rng& r, const Person& p) {
  const int roll = r.Below(100);
  if (p.in.situation == "migrant") return roll < 45 ? "present" : roll < 90 ? "leave" : "absent";
  if (p.in.situation == "elderly_infirm") return roll < 70 ? "present" : roll < 95 ? "leave" : "absent";
  return roll < 90 ? "present" : roll < 97 ? "leave" : "absent";
}

// --- writing -----------------------------------------------------------------

struct Counters {
  int payments = 0;
  int cards = 0;
  int meetings = 0;
};

// Members, dues, cards and a year of meetings of one township's branches,
// inside one transaction.
Status WriteTownship(App& app, db::Session& s, Township& t, Date today, int& card_seq, Counters& n) {
  const year_month this_month = year_month_day(today).year() / year_month_day(today).month();
  const int this_year = static_cast<int>(year_month_day(today).year());
  for (Branch& b : t.branches) {
    if (b.people.empty()) continue;
    std::vector<members::NewMember> rows;
    rows.reserve(b.people.size());
    for (Person& p : b.people) {
      p.in.org_id = b.org_id;
      members::Member m;
      if (auto errors = app.members->CheckInput(p.in, &m); !errors.empty()) return errors.front();
      rows.push_back({std::move(m), b.unit_id, b.unit_code.substr(0, 2)});
    }
    JICENG_ASSIGN_OR_RETURN(auto ids, app.members->InsertMembers(s, rows, std::nullopt));
    for (std::size_t i = 0; i < ids.size(); ++i) b.people[i].id = ids[i];

    Rng r = RngFor("dues/" + b.name);
    std::vector<members::DuesPayment> payments;
    for (Person& p : b.people) {
      if (!Paying(p)) continue;
      // The standard from the first month of the year shown, or from the month
      // the person became a member.
      const Date since = *ParseDate(*p.in.stage_since);
      const year_month joined = year_month_day(since).year() / year_month_day(since).month();
      year_month from = this_month - std::chrono::months(11);
      if (joined > from) from = joined;
      JICENG_RETURN_IF_ERROR(app.dues->SetStandardIn(s, p.id, p.fen, MonthText(from)));
      // Most pay early in the month, at the branch's first meeting; a quarter of
      // the farmers pay a quarter at a time, in its first month; the members in
      // arrears stopped paying some months ago.
      const year_month last_paid = this_month - std::chrono::months(p.arrears_months);
      const unsigned quarter_end = (static_cast<unsigned>(this_month.month()) + 2) / 3 * 3;
      const year_month until = p.pays_by_quarter && p.arrears_months == 0
                                    ? this_month.year() / std::chrono::month(quarter_end)
                                    : this_month;
      for (year_month m = from; m <= until && (p.arrears_months == 0 || m < last_paid); m += std::chrono::months(1)) {
        Date paid_on = DayOf(m, r.Between(1, 6));
        if (p.pays_by_quarter) {
          const unsigned q0 = (static_cast<unsigned>(m.month()) - 1) / 3 * 3 + 1;
          year_month first = m.year() / std::chrono::month(q0);
          if (first < from) first = from;
          paid_on = DayOf(first, 3);
        }
        if (paid_on > today) break;
        payments.push_back({p.id, MonthText(m), p.fen, Fmt(paid_on)});
      }
      // Cards for full members (most of them, issued in the last few years), and
      // this year's review under way.
      if (p.in.stage == "full" && r.Percent(94)) {
        Date issued = YearsBefore(today, r.Between(1, 4), r.Below(300));
        if (issued < since + days(30)) issued = std::min(today, since + days(30));
        char number[32];
        std::snprintf(number, sizeof number, "540424%06d", ++card_seq);
        JICENG_ASSIGN_OR_RETURN(auto card, app.dues->IssueCardIn(s, p.id, number, Fmt(issued)));
        p.card_id = card.id;
        ++n.cards;
        if (issued < today - days(60) && r.Percent(60)) {
          const bool fix = r.Percent(3);
          JICENG_RETURN_IF_ERROR(app.dues->ReviewCardIn(s, card.id, this_year, fix ? "needs_correction" : "valid",
                                                        fix ? "照片与本人不符，需换发" : "")
                                     .status());
        }
      }
    }

    JICENG_RETURN_IF_ERROR(app.dues->RecordPaymentsIn(s, payments, std::nullopt));
    n.payments += static_cast<int>(payments.size());

    // A year of organizational life: the twelve months up to this one.
    Rng mr = RngFor("meetings/" + b.name);
    std::vector<const Person*> members_present;
    for (const Person& p : b.people) {
      if (Paying(p)) members_present.push_back(&p);
    }
    if (members_present.empty()) continue;
    auto attendance_of = [&](std::size_t count) {
      std::vector<members::Attendance> out;
      for (std::size_t i = 0; i < members_present.size() && i < count; ++i) {
        out.push_back({members_present[i]->id, AttendanceStatus(mr, *members_present[i])});
      }
      return out;
    };
    const std::vector<members::Attendance> committee = attendance_of(std::min<std::size_t>(5, members_present.size()));
    // Behind: no committee meeting or group meeting for the last months, no
    // lecture last quarter.
    const int gap = b.behind ? mr.Between(2, 5) : 0;
    auto record = [&](const char* kind, Date on, const std::string& topic,
                      const std::vector<members::Attendance>& who) -> Status {
      if (on > today) return Status::Ok();
      JICENG_RETURN_IF_ERROR(app.meetings->RecordIn(s, b.org_id, kind, Fmt(on), topic, who, std::nullopt).status());
      ++n.meetings;
      return Status::Ok();
    };
    for (int back = 11; back >= 0; --back) {
      const year_month m = this_month - std::chrono::months(back);
      const bool slipping = back < gap;
      const int month = static_cast<int>(static_cast<unsigned>(m.month()));
      if (!slipping || mr.Percent(20)) {
        JICENG_RETURN_IF_ERROR(
            record("committee", DayOf(m, mr.Between(2, 8)), mr.Pick(kCommitteeTopics), committee));
      }
      if (!slipping && mr.Percent(b.behind ? 60 : 96)) {
        JICENG_RETURN_IF_ERROR(record("group", DayOf(m, mr.Between(9, 14)), mr.Pick(kGroupTopics),
                                      attendance_of(std::max<std::size_t>(3, members_present.size() / 3))));
      }
      if (!slipping && mr.Percent(b.behind ? 50 : 92)) {
        const std::string topic = month == 7 ? "七一主题党日：重温入党誓词" : mr.Pick(kThemeTopics);
        JICENG_RETURN_IF_ERROR(record("theme_day", DayOf(m, 15), topic, attendance_of(members_present.size())));
      }
      if (month % 3 == 0) {  // the quarter's last month
        if (!(b.behind && back < 3)) {
          JICENG_RETURN_IF_ERROR(record("general", DayOf(m, mr.Between(18, 24)), mr.Pick(kGeneralTopics),
                                        attendance_of(members_present.size())));
        }
        if (!(b.behind && back < 6)) {
          JICENG_RETURN_IF_ERROR(record("lecture", DayOf(m, mr.Between(20, 27)), mr.Pick(kLectureTopics),
                                        attendance_of(members_present.size())));
        }
      }
    }
  }
  return Status::Ok();
}

Result<std::int64_t> CreateOrg(App& app, orgs::OrgInput in, int& count) {
  JICENG_ASSIGN_OR_RETURN(auto org, app.orgs->Create(in));
  ++count;
  return org.id;
}

}  // namespace

std::vector<std::string> DemoGroupNames(const std::string& township_code, std::size_t index,
                                        const std::string& village_code) {
  if (township_code == "540424100" && index < 3) return {"本东村民小组", "一组", "二组", "三组"};
  static constexpr std::array<const char*, 5> kNumbered = {"一组", "二组", "三组", "四组", "五组"};
  const int n = RngFor("groups/" + village_code).Between(2, 5);
  return std::vector<std::string>(kNumbered.begin(), kNumbered.begin() + n);
}

Result<DemoPartyFigures> AddDemoParty(App& app) {
  DemoPartyFigures out;
  orgs::OrgFilter existing{{kDemoCounty}, false, std::nullopt, true, 0, 1};
  JICENG_ASSIGN_OR_RETURN(auto found, app.orgs->List(existing));
  if (found.second > 0) {
    out.skipped = true;
    return out;
  }
  const auto& tree = app.hierarchy->tree();
  const Date today = app.clock->Today();
  auto children = [&](const std::string& code) {
    auto page = tree.Children(std::stoull(code), 0, 1000, false);
    return page ? page->items : std::vector<hierarchy::UnitView>{};
  };
  auto unit_of = [&](const std::string& code) -> Result<hierarchy::UnitView> { return app.hierarchy->Get(code); };

  // Organizations, each created (and audited) on its own.
  JICENG_ASSIGN_OR_RETURN(auto county_unit, unit_of(kDemoCounty));
  orgs::OrgInput county_in{kDemoCounty, std::nullopt, "committee", "中共" + county_unit.name + "委员会"};
  county_in.established_on = Fmt(YearsBefore(today, 65, 120));
  JICENG_ASSIGN_OR_RETURN(const std::int64_t county, CreateOrg(app, county_in, out.organizations));

  std::vector<Township> townships;
  for (const hierarchy::UnitView& u : children(kDemoCounty)) {
    if (u.level != hierarchy::Level::kTownship) continue;
    townships.push_back(Township{u, 0, {}});
  }
  if (townships.empty()) {
    return Status::FailedPrecondition("数据库中没有波密县的乡镇：请先运行 jiceng import-divisions。",
                                      "Bomi county has no townships in the database: run `jiceng import-divisions` first.");
  }
  // The township in place `i` of the county's list (some get more than a committee and branches).
  auto is = [&](const Township& t, std::size_t i) { return i < townships.size() && &t == &townships[i]; };
  for (Township& t : townships) {
    Rng r = RngFor("orgs/" + t.unit.code);
    const std::string town = t.unit.name;
    orgs::OrgInput committee{t.unit.code, county, "committee", "中共" + town + "委员会"};
    committee.established_on = Fmt(YearsBefore(today, 50 + r.Below(10), r.Below(300)));
    JICENG_ASSIGN_OR_RETURN(t.committee_id, CreateOrg(app, committee, out.organizations));
    auto branch = [&](const hierarchy::UnitView& unit, std::optional<std::int64_t> parent, const std::string& kind,
                      const std::string& name, Place place, int size,
                      std::optional<std::int64_t> two_new = std::nullopt) -> Result<std::int64_t> {
      orgs::OrgInput in{unit.code, parent ? parent : t.committee_id, kind, name};
      in.two_new_id = two_new;
      in.established_on = Fmt(YearsBefore(today, place == Place::kEnterprise ? 3 + r.Below(6) : 20 + r.Below(30),
                                          r.Below(300)));
      JICENG_ASSIGN_OR_RETURN(auto id, CreateOrg(app, in, out.organizations));
      if (size > 0) {
        Branch b;
        b.org_id = id;
        b.unit_id = unit.id;
        b.unit_code = unit.code;
        b.name = name;
        b.place = place;
        b.size = size;
        t.branches.push_back(std::move(b));
      }
      return id;
    };
    const std::vector<hierarchy::UnitView> villages = children(t.unit.code);
    for (std::size_t v = 0; v < villages.size(); ++v) {
      const hierarchy::UnitView& village = villages[v];
      if (village.level != hierarchy::Level::kVillage) continue;
      const std::string name = ShortName(village.name);
      if (village.name.ends_with("居委会")) {
        // The town's community: a general branch over two branches.
        JICENG_ASSIGN_OR_RETURN(auto general,
                                branch(village, std::nullopt, "general_branch", name + "党总支", Place::kCommunity, 0));
        JICENG_RETURN_IF_ERROR(
            branch(village, general, "branch", name + "第一党支部", Place::kCommunity, r.Between(40, 48)).status());
        JICENG_RETURN_IF_ERROR(
            branch(village, general, "branch", name + "第二党支部", Place::kCommunity, r.Between(36, 44)).status());
        continue;
      }
      // Two large villages of the second township: a general branch with a
      // branch in each of its first two villager groups (一个村民小组建立一个党支部).
      const std::vector<hierarchy::UnitView> groups = children(village.code);
      if (is(t, 1) && v < 2 && groups.size() >= 2) {
        JICENG_ASSIGN_OR_RETURN(auto general,
                                branch(village, std::nullopt, "general_branch", name + "党总支", Place::kVillage, 0));
        for (std::size_t g = 0; g < 2; ++g) {
          JICENG_RETURN_IF_ERROR(branch(groups[g], general, "branch", name + groups[g].name + "党支部",
                                        Place::kVillage, r.Between(24, 34))
                                     .status());
        }
        continue;
      }
      JICENG_RETURN_IF_ERROR(
          branch(village, std::nullopt, "branch", name + "党支部", Place::kVillage, r.Between(16, 46)).status());
    }
    // The township's organs (made after the villages' branches, so that the
    // first town's community branch is organization 4, as in the old demo).
    JICENG_RETURN_IF_ERROR(
        branch(t.unit, std::nullopt, "branch", town + "机关党支部", Place::kOrgans, r.Between(14, 26)).status());
    // Two-new organizations (两新组织): the tea farm of the first rural township
    // has its own branch; the first town's self-employed share a joint branch;
    // a tourism company of the fifth township has none yet.
    if (is(t, 3) && !villages.empty()) {
      JICENG_ASSIGN_OR_RETURN(auto farm, app.orgs->RegisterTwoNew(villages[0].code, town + "茶场", "enterprise",
                                                                  Fmt(YearsBefore(today, 6, 40))));
      JICENG_RETURN_IF_ERROR(
          branch(villages[0], std::nullopt, "branch", town + "茶场党支部", Place::kEnterprise, 13, farm.id).status());
    }
    if (is(t, 0)) {
      JICENG_ASSIGN_OR_RETURN(auto assoc, app.orgs->RegisterTwoNew(t.unit.code, town + "个体劳动者协会", "social",
                                                                   Fmt(YearsBefore(today, 4, 100))));
      JICENG_RETURN_IF_ERROR(branch(t.unit, std::nullopt, "joint_branch", town + "个体工商户联合党支部",
                                    Place::kSelfEmployed, 11, assoc.id)
                                 .status());
      // The herb-gathering season's temporary branch: this year's once it has begun.
      int season = static_cast<int>(year_month_day(today).year());
      if (Fmt(today).substr(5) < "05-01") --season;
      orgs::OrgInput seasonal{t.unit.code, t.committee_id, "temporary_branch", town + "虫草采挖临时党支部"};
      seasonal.temp_reason = "虫草采挖季";
      seasonal.starts_on = std::to_string(season) + "-05-01";
      seasonal.ends_on = std::to_string(season) + "-07-15";
      seasonal.established_on = std::min(Fmt(today), std::to_string(season) + "-04-25");
      JICENG_RETURN_IF_ERROR(CreateOrg(app, seasonal, out.organizations).status());
    }
    if (is(t, 4) && villages.size() > 1) {
      JICENG_RETURN_IF_ERROR(app.orgs
                                 ->RegisterTwoNew(villages[1].code, town + "旅游开发有限公司", "enterprise",
                                                  Fmt(YearsBefore(today, 1, 50)))
                                 .status());
    }
  }

  // The people of every branch; about one branch in seven lets its meetings slip.
  for (Township& t : townships) {
    for (Branch& b : t.branches) {
      Rng r = RngFor("people/" + b.name);
      b.behind = b.place != Place::kOrgans && r.Percent(15);
      for (int i = 0; i < b.size; ++i) b.people.push_back(MakePerson(r, b.place, today));
    }
  }
  // The anchors go first into the first town's organs' branch; the first
  // branch of its community keeps up with its meetings and has the history
  // of officers, the first pairing and the first task team.
  Branch* organs_ptr = &townships[0].branches[0];
  for (Branch& b : townships[0].branches) {
    if (b.place == Place::kOrgans) organs_ptr = &b;
  }
  Branch& organs = *organs_ptr;
  for (std::size_t i = 0; i < kAnchors.size(); ++i) {
    organs.people.insert(organs.people.begin() + static_cast<std::ptrdiff_t>(i), AnchorPerson(kAnchors[i], today));
  }
  Branch* first_ptr = &townships[0].branches[0];
  for (Branch& b : townships[0].branches) {
    if (b.place != Place::kOrgans) {
      first_ptr = &b;
      break;
    }
  }
  Branch& first = *first_ptr;
  first.behind = false;

  // Members, dues, cards and meetings: one transaction per township.
  Counters counters;
  int card_seq = 0;
  for (Township& t : townships) {
    JICENG_RETURN_IF_ERROR(app.db->Write([&](db::Session& s) { return WriteTownship(app, s, t, today, card_seq, counters); }));
    for (const Branch& b : t.branches) out.members += static_cast<int>(b.people.size());
  }
  out.payments = counters.payments;
  out.cards = counters.cards;
  out.meetings = counters.meetings;

  // Officers of every branch, elected at the county's last general election
  // (a five-year term); in the first branch the secretary was succeeded by
  // the deputy eight months ago, so that the history shows.
  const Date elected = YearsBefore(today, 2, 280);
  const std::string term_end = Fmt(YearsBefore(elected, -5));
  for (Township& t : townships) {
    for (Branch& b : t.branches) {
      std::vector<const Person*> eligible;
      for (const Person& p : b.people) {
        if (p.in.stage == "full" && p.age <= 66) eligible.push_back(&p);
      }
      if (eligible.size() < 3) continue;
      auto appoint = [&](std::size_t who, const char* position, Date start) -> Status {
        ++out.appointments;
        return app.officers->Appoint({b.org_id, eligible[who]->id, position, Fmt(start), term_end}, std::nullopt)
            .status();
      };
      const Date start = elected + days(RngFor("officers/" + b.name).Below(20));
      JICENG_RETURN_IF_ERROR(appoint(0, "secretary", start));
      JICENG_RETURN_IF_ERROR(appoint(1, b.people.size() >= 20 ? "deputy_secretary" : "committee_member", start));
      JICENG_RETURN_IF_ERROR(appoint(2, "committee_member", start));
      if (b.people.size() >= 30 && eligible.size() >= 5) {
        JICENG_RETURN_IF_ERROR(appoint(3, "committee_member", start));
        JICENG_RETURN_IF_ERROR(appoint(4, "committee_member", start));
      }
      if (&b == &first && eligible.size() >= 6) {
        const Date change = today - days(240);
        JICENG_RETURN_IF_ERROR(appoint(1, "secretary", change));
        JICENG_RETURN_IF_ERROR(appoint(5, "deputy_secretary", change));
      }
    }
  }

  // Pairings (结对共建) with a shared activity, and task teams (一事一团).
  auto branch_at = [&](std::size_t township, Place place, std::size_t nth) -> Branch* {
    if (township >= townships.size()) return nullptr;
    for (Branch& b : townships[township].branches) {
      if (b.place == place && nth-- == 0) return &b;
    }
    return nullptr;
  };
  auto last_day = [&](int month, int day) {
    const int year = static_cast<int>(year_month_day(today).year());
    Date d = DayOf(std::chrono::year(year) / std::chrono::month(static_cast<unsigned>(month)), day);
    return d <= today ? d : YearsBefore(d, 1);
  };
  struct PairPlan {
    Branch* a;
    Branch* b;
    const char* kind;
    int months_ago;
    const char* note;
    const char* title;
    const char* summary;
  };
  Branch* tongmu = branch_at(0, Place::kVillage, 0);
  const PairPlan pairs[] = {
      {&first, tongmu, "adjacent_area", 21, "相邻两村党支部结对共建", "七一联合主题党日",
       "两村党员共同重温入党誓词，交流茶叶种植和民宿经营经验。"},
      {branch_at(0, Place::kOrgans, 0), branch_at(3, Place::kEnterprise, 0), "office_enterprise", 14,
       "镇机关与茶场党支部共建", "茶场用工和技术培训对接会", "机关党员到茶场宣讲就业政策，茶场提供 12 个季节性岗位。"},
      {branch_at(0, Place::kCommunity, 1), branch_at(7, Place::kVillage, 2), "urban_rural", 10,
       "社区与偏远村城乡结对", "送医送药进村", "社区党员联系县医院医生为村民义诊，登记慢病患者 23 人。"},
  };
  int pairings = 0;
  for (const PairPlan& p : pairs) {
    if (p.a == nullptr || p.b == nullptr) continue;
    const Date starts = today - days(30 * p.months_ago + 5);
    JICENG_ASSIGN_OR_RETURN(auto pairing, app.pairings->Create({p.a->org_id, p.b->org_id, p.kind, Fmt(starts),
                                                                std::nullopt, p.note},
                                                               std::nullopt));
    ++pairings;
    Date held = std::string_view(p.title) == "七一联合主题党日" ? last_day(7, 1) : today - days(30 * p.months_ago / 2);
    if (held < starts) held = starts;
    const std::int64_t participants = static_cast<std::int64_t>(p.a->people.size() + p.b->people.size()) / 2;
    JICENG_RETURN_IF_ERROR(
        app.pairings->AddActivity(pairing.id, {Fmt(held), p.title, p.summary, participants}, std::nullopt).status());
  }

  struct TeamPlan {
    Branch* b;
    const char* name;
    const char* purpose;
    int size;
  };
  const TeamPlan teams[] = {
      {&first, "茶产业发展服务团", "茶叶种植技术帮扶与合作社运营", 4},
      {branch_at(0, Place::kOrgans, 0), "政策宣讲团", "惠民政策进村入户宣讲", 5},
      {branch_at(3, Place::kVillage, 1), "森林防火应急突击队", "防火期巡山、扑救初期火情", 8},
  };
  int team_count = 0;
  for (const TeamPlan& plan : teams) {
    if (plan.b == nullptr) continue;
    const Date starts = today - days(270);
    JICENG_ASSIGN_OR_RETURN(auto team, app.teams->Create({plan.b->org_id, plan.name, plan.purpose, Fmt(starts),
                                                          std::nullopt},
                                                         std::nullopt));
    ++team_count;
    std::vector<std::int64_t> joined;
    for (const Person& p : plan.b->people) {
      if (static_cast<int>(joined.size()) >= plan.size) break;
      if (p.in.stage != "full" || p.age > 60) continue;
      JICENG_RETURN_IF_ERROR(app.teams->Join(team.id, p.id, Fmt(starts)).status());
      joined.push_back(p.id);
    }
    // One member of the first team has left it.
    if (&plan == &teams[0] && joined.size() >= 4) {
      JICENG_RETURN_IF_ERROR(app.teams->Leave(team.id, joined[3], Fmt(today - days(35))).status());
    }
  }
  out.pairings = pairings;
  out.task_teams = team_count;
  return out;
}

}  // namespace jiceng::cli
