#include "members/member_service.h"

#include <algorithm>
#include <functional>
#include <span>
#include <unordered_map>

#include "common/clock.h"
#include "db/sql_filters.h"
#include "members/roster_counts.h"
#include "people/people_store.h"
#include "orgs/org_service.h"
#include "common/text.h"

namespace jiceng::members {

Status MemberNotFound(std::int64_t id) {
  return Status::NotFound("没有编号为 " + std::to_string(id) + " 的党员记录。",
                          "No member record has id " + std::to_string(id) + ".", "id");
}

Status TransferNotFound(std::int64_t id) {
  return Status::NotFound("没有编号为 " + std::to_string(id) + " 的转接申请。",
                          "No transfer has id " + std::to_string(id) + ".", "id");
}

using db::Value;

bool IsSituation(std::string_view s) {
  return s == "in_service" || s == "rural_labour" || s == "elderly_infirm" || s == "migrant";
}

namespace {

Value OptInt(const std::optional<std::int64_t>& v) { return v ? Value(*v) : Value(nullptr); }

// The member's row with its person's (sealed) ID number and phone.
constexpr const char* kColumns =
    "m.id, m.org_id, un.code, m.name, m.gender, m.birth_date, p.phone_sealed, p.id_number_sealed, m.stage, "
    "m.stage_since, m.situation, m.status, m.version, m.created_at, m.person_id";
constexpr const char* kFrom =
    " FROM members m JOIN units un ON un.id = m.unit_id JOIN people p ON p.id = m.person_id";

Result<Member> ReadMember(const db::Row& row, const people::Vault& vault) {
  Member m;
  m.id = row.Int(0);
  m.org_id = row.Int(1);
  m.unit_code = std::stoull(row.Text(2));
  m.name = row.Text(3);
  m.gender = row.Text(4);
  m.birth_date = row.Text(5);
  JICENG_ASSIGN_OR_RETURN(m.phone, vault.OpenOptional(row.OptText(6)));
  JICENG_ASSIGN_OR_RETURN(m.id_number, vault.OpenOptional(row.OptText(7)));
  m.stage = row.Text(8);
  m.stage_since = row.Text(9);
  m.situation = row.Text(10);
  m.status = row.Text(11);
  m.version = row.Int(12);
  m.created_at = row.Text(13);
  m.person_id = row.Int(14);
  return m;
}

Status VersionConflict() {
  return Status::Conflict("该记录刚被其他人修改过，请刷新后重试。",
                          "Someone else changed this record meanwhile; reload and try again.", "version");
}

Result<std::string> CheckPersonName(std::string_view raw) {
  std::string name = Trim(raw);
  if (name.empty() || !IsValidUtf8(name) || HasControlChars(name) || Utf8Length(name) > 30) {
    return Status::InvalidArgument("name", "请填写 1–30 字的姓名。", "Give a name of 1–30 characters.");
  }
  return name;
}

Status CheckGender(std::string_view g) {
  if (g == "male" || g == "female") return Status::Ok();
  return Status::InvalidArgument("gender", "性别应为 male（男）或 female（女）。", "gender must be male or female.");
}

Status CheckSituation(std::string_view s) {
  if (IsSituation(s)) return Status::Ok();
  return Status::InvalidArgument("situation",
                                 "分类应为 in_service（在职）、rural_labour（农村有劳动能力）、elderly_infirm（年老体弱）"
                                 "或 migrant（外出流动）。",
                                 "situation must be in_service, rural_labour, elderly_infirm or migrant.");
}

Result<std::string> CheckBirthDate(std::string_view text, Date today_date) {
  auto d = ParseDate(text);
  if (!d) {
    return Status::InvalidArgument("birth_date", "出生日期格式应为 1980-05-01。", "birth_date should look like 1980-05-01.");
  }
  const std::chrono::year_month_day born(*d), today(today_date);
  int age = static_cast<int>(today.year()) - static_cast<int>(born.year());
  if (today.month() < born.month() || (today.month() == born.month() && today.day() < born.day())) --age;
  if (age < 18 || age > 120) {
    return Status::InvalidArgument("birth_date", "出生日期不对：须年满十八周岁。", "birth_date: the person must be at least 18.");
  }
  return FormatDate(*d);
}

// The ID number's birth date must agree with the birth date given.
Status CheckIdMatchesBirth(const std::string& id, const std::string& birth_date) {
  const std::string in_id = id.substr(6, 4) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2);
  if (in_id != birth_date) {
    return Status::InvalidArgument("id_number", "身份证号中的出生日期 " + in_id + " 与填写的出生日期 " + birth_date + " 不一致。",
                                   "The ID number's birth date " + in_id + " differs from birth_date " + birth_date + ".");
  }
  return Status::Ok();
}

}  // namespace

namespace {

Result<std::pair<std::int64_t, std::string>> ActiveOrgUnit(db::Session& s, std::int64_t org_id, std::string_view field) {
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT o.unit_id, un.code, o.status FROM organizations o JOIN units un "
                                               "ON un.id = o.unit_id WHERE o.id = ?",
                                               {Value(org_id)}));
  if (!row) {
    return Status::NotFound("没有编号为 " + std::to_string(org_id) + " 的组织。",
                            "No organization has id " + std::to_string(org_id) + ".", std::string(field));
  }
  if (row->Text(2) != "active") {
    return Status::FailedPrecondition("该组织已撤销或合并。", "That organization has ended.", std::string(field));
  }
  return std::make_pair(row->Int(0), row->Text(1));
}

constexpr const char* kTransferColumns =
    "t.id, t.member_id, m.name, t.from_org_id, t.to_org_id, fu.code, tu.code, t.status, t.requested_on, t.decided_on, "
    "t.reason";
constexpr const char* kTransferFrom =
    " FROM transfers t JOIN members m ON m.id = t.member_id JOIN organizations fo ON fo.id = t.from_org_id "
    "JOIN units fu ON fu.id = fo.unit_id JOIN organizations tor ON tor.id = t.to_org_id JOIN units tu "
    "ON tu.id = tor.unit_id";

Transfer ReadTransfer(const db::Row& row, int overdue_days, Date today) {
  Transfer t;
  t.id = row.Int(0);
  t.member_id = row.Int(1);
  t.member_name = row.Text(2);
  t.from_org_id = row.Int(3);
  t.to_org_id = row.Int(4);
  t.from_unit = std::stoull(row.Text(5));
  t.to_unit = std::stoull(row.Text(6));
  t.status = row.Text(7);
  t.requested_on = row.Text(8);
  t.decided_on = row.OptText(9);
  t.reason = row.OptText(10);
  if (t.status == "pending") {
    if (auto d = ParseDate(t.requested_on)) t.overdue = today - *d > std::chrono::days(overdue_days);
  }
  return t;
}

}  // namespace

Result<Member> MemberService::Load(db::Session& s, std::int64_t id) {
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(std::string("SELECT ") + kColumns + kFrom + " WHERE m.id = ?",
                                               {Value(id)}));
  if (!row) return MemberNotFound(id);
  return ReadMember(*row, vault_);
}

Result<Member> MemberService::Get(std::int64_t id) {
  std::optional<Member> m;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto loaded, Load(s, id));
    m = std::move(loaded);
    return Status::Ok();
  }));
  return std::move(*m);
}

Result<std::uint64_t> MemberService::UnitOf(std::int64_t member_id) {
  JICENG_ASSIGN_OR_RETURN(auto m, Get(member_id));
  return m.unit_code;
}

std::vector<Status> MemberService::CheckInput(const MemberInput& in, Member* out) const {
  // Every field is checked, so that an import can report all problems of a
  // row at once; Create() reports the first.
  std::vector<Status> errors;
  Member m;
  m.org_id = in.org_id;
  if (auto name = CheckPersonName(in.name); name.ok()) {
    m.name = std::move(name).value();
  } else {
    errors.push_back(name.status());
  }
  if (Status st = CheckGender(in.gender); st.ok()) {
    m.gender = in.gender;
  } else {
    errors.push_back(st);
  }
  bool birth_ok = false;
  if (auto birth = CheckBirthDate(in.birth_date, clock_.Today()); birth.ok()) {
    m.birth_date = std::move(birth).value();
    birth_ok = true;
  } else {
    errors.push_back(birth.status());
  }
  if (auto phone = people::CheckPhone(in.phone); phone.ok()) {
    m.phone = std::move(phone).value();
  } else {
    errors.push_back(phone.status());
  }
  if (in.id_number && !Trim(*in.id_number).empty()) {
    std::string id = Trim(*in.id_number);
    Status st = people::CheckIdNumber(id);
    if (st.ok() && birth_ok) st = CheckIdMatchesBirth(id, m.birth_date);
    if (st.ok()) {
      m.id_number = id;
    } else {
      errors.push_back(st);
    }
  }
  if (auto stage = rules_.RequireStage(in.stage, "stage"); stage.ok()) {
    m.stage = (*stage)->id;
  } else {
    errors.push_back(stage.status());
  }
  Date since = clock_.Today();
  if (in.stage_since) {
    auto d = ParseDate(*in.stage_since);
    if (!d || *d > clock_.Today()) {
      errors.push_back(Status::InvalidArgument("stage_since", "进入当前阶段的日期应为不晚于今天的日期，如 2025-07-01。",
                                               "stage_since must be a date no later than today, e.g. 2025-07-01."));
    } else {
      since = *d;
    }
  }
  m.stage_since = FormatDate(since);
  if (Status st = CheckSituation(in.situation); st.ok()) {
    m.situation = in.situation;
  } else {
    errors.push_back(st);
  }
  m.status = "active";
  if (out != nullptr) *out = std::move(m);
  return errors;
}

Result<std::vector<std::int64_t>> MemberService::InsertMembers(db::Session& s, std::span<const NewMember> rows,
                                                               std::optional<std::int64_t> by_user) {
  if (rows.empty()) return std::vector<std::int64_t>{};
  const std::string now = NowUtcIso();
  // Each member is a person of the people register first (their ID number
  // and phone sealed there), then the member row referring to them.
  std::vector<people::PersonFields> persons;
  persons.reserve(rows.size());
  for (const NewMember& r : rows) {
    const Member& m = r.member;
    persons.push_back({r.unit_id, r.province_code, m.name, m.gender, m.birth_date, m.id_number, m.phone});
  }
  JICENG_ASSIGN_OR_RETURN(auto person_ids, people::InsertPeople(s, vault_, persons));
  // One bulk insert (COPY on PostgreSQL). Writers are serialized and ids are
  // assigned in row order, so the new members are exactly the rows after the
  // highest id before it, in the order given.
  static const std::vector<std::string> kMemberColumns = {
      "org_id", "unit_id",   "province_code", "person_id", "name",       "gender",     "birth_date", "stage",
      "stage_since", "situation", "status",   "version",   "created_at", "updated_at"};
  JICENG_ASSIGN_OR_RETURN(auto highest, s.QueryOne("SELECT COALESCE(MAX(id), 0) FROM members"));
  const std::int64_t members_after = highest ? highest->Int(0) : 0;
  std::vector<db::Params> batch;
  batch.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const NewMember& r = rows[i];
    const Member& m = r.member;
    batch.push_back({Value(m.org_id), Value(r.unit_id), Value(r.province_code), Value(person_ids[i]), Value(m.name),
                     Value(m.gender), Value(m.birth_date), Value(m.stage), Value(m.stage_since), Value(m.situation),
                     Value(std::string("active")), Value(std::int64_t{1}), Value(now), Value(now)});
  }
  JICENG_RETURN_IF_ERROR(s.BulkInsert("members", kMemberColumns, batch).status());
  auto ids = std::make_optional<std::vector<std::int64_t>>();
  ids->reserve(rows.size());
  JICENG_RETURN_IF_ERROR(s.Query("SELECT id FROM members WHERE id > ? ORDER BY id", {Value(members_after)},
                                 [&](const db::Row& r) {
                                   ids->push_back(r.Int(0));
                                   return Status::Ok();
                                 }));
  if (ids->size() != rows.size()) {
    return Status::Internal("bulk member insert: " + std::to_string(rows.size()) + " rows, " +
                            std::to_string(ids->size()) + " new ids");
  }
  // The first pipeline event of each as one bulk insert (COPY on PostgreSQL);
  // writers are serialized, so the new events are exactly those after the
  // highest id before it — published to the roll-up engine with the members.
  static const std::vector<std::string> kEventColumns = {"member_id", "province_code", "unit_id",     "from_stage",
                                                         "to_stage",  "on_date",       "approved_by", "note",
                                                         "created_at"};
  JICENG_ASSIGN_OR_RETURN(auto last, s.QueryOne("SELECT COALESCE(MAX(id), 0) FROM member_stage_events"));
  const std::int64_t events_after = last ? last->Int(0) : 0;
  batch.clear();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    batch.push_back({Value((*ids)[i]), Value(rows[i].province_code), Value(rows[i].unit_id), Value(nullptr),
                     Value(rows[i].member.stage), Value(rows[i].member.stage_since), OptInt(by_user),
                     Value(std::string()), Value(now)});
  }
  JICENG_RETURN_IF_ERROR(s.BulkInsert("member_stage_events", kEventColumns, batch).status());
  std::vector<std::int64_t> events;
  events.reserve(rows.size());
  JICENG_RETURN_IF_ERROR(s.Query("SELECT id FROM member_stage_events WHERE id > ?", {Value(events_after)},
                                 [&](const db::Row& r) {
                                   events.push_back(r.Int(0));
                                   return Status::Ok();
                                 }));
  JICENG_RETURN_IF_ERROR(changes_.ChangedMany(s, "members", *ids));
  JICENG_RETURN_IF_ERROR(changes_.ChangedMany(s, "member_stage_events", events));
  return std::move(*ids);
}

Result<Member> MemberService::Create(const MemberInput& in, std::optional<std::int64_t> by_user) {
  Member m;
  if (auto errors = CheckInput(in, &m); !errors.empty()) return errors.front();
  std::int64_t id = 0;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto org, ActiveOrgUnit(s, in.org_id, "org_id"));
    const NewMember row{m, org.first, org.second.substr(0, 2)};
    JICENG_ASSIGN_OR_RETURN(auto ids, InsertMembers(s, std::span<const NewMember>(&row, 1), by_user));
    id = ids.front();
    return Status::Ok();
  }));
  return Get(id);
}

namespace {

// The filter's subtrees, each once and none inside another, in code order;
// {"0"} for the whole country.
std::vector<std::string> SubtreeRoots(const MemberFilter& f) {
  if (f.nationwide) return {"0"};
  std::vector<std::string> roots;
  for (const std::string& code : f.unit_prefixes) {
    bool nested = false;
    for (const std::string& other : f.unit_prefixes) {
      nested = nested || (other.size() < code.size() && code.compare(0, other.size(), other) == 0);
    }
    if (!nested) roots.push_back(code);
  }
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  return roots;
}

// How many members each unit's subtree holds that the list might show (at
// least as many as match its filter); nullopt when unknown.
using SubtreeCountFn =
    std::function<std::optional<std::vector<std::int64_t>>(std::span<const std::int64_t> unit_ids)>;

// The units of one subtree in code order (the list's order), a slice at a
// time. With subtree counts (the roll-up engine's), a unit whose subtree
// holds no member the list could show is left out with everything under it:
// on sparse data the walk visits the units on the paths down to the members
// — a few hundred — instead of most of the country's 665,276. Without
// counts, every unit.
class SubtreeWalk {
 public:
  SubtreeWalk(const hierarchy::UnitTree& tree, std::uint64_t root, SubtreeCountFn counts)
      : tree_(tree), root_(root), counts_(std::move(counts)) {
    if (!counts_) return;
    if (root == 0) {
      PushChildren(0);  // the country itself is no unit
    } else if (auto unit = tree_.Find(root)) {
      const std::int64_t id = unit->id;
      const auto n = counts_(std::span<const std::int64_t>(&id, 1));
      if (!n || n->front() > 0) pending_.emplace_back(root, id);
    }
  }

  // The next units, at most `max`; empty at the end.
  std::vector<std::int64_t> Next(std::size_t max) {
    if (!counts_) {
      std::vector<std::int64_t> units = tree_.IdsInSubtree(root_, at_, max);
      at_ += units.size();
      return units;
    }
    // Depth first, children in code order: preorder is code order.
    std::vector<std::int64_t> units;
    while (units.size() < max && !pending_.empty()) {
      const auto [code, id] = pending_.back();
      pending_.pop_back();
      units.push_back(id);  // its own members, if any, come before its children's
      PushChildren(code);
    }
    return units;
  }

 private:
  // Stacks the children of `code` whose subtrees are not empty, the first on top.
  void PushChildren(std::uint64_t code) {
    const auto children = tree_.ChildIds(code);
    if (children.empty()) return;
    std::vector<std::int64_t> ids;
    ids.reserve(children.size());
    for (const auto& child : children) ids.push_back(child.second);
    // Unknown counts keep every child: never leave out a member.
    const auto n = counts_(ids);
    for (std::size_t i = children.size(); i-- > 0;) {
      if (!n || (*n)[i] > 0) pending_.push_back(children[i]);
    }
  }

  const hierarchy::UnitTree& tree_;
  const std::uint64_t root_;
  const SubtreeCountFn counts_;
  std::size_t at_ = 0;  // without counts: units of the subtree given so far
  std::vector<std::pair<std::uint64_t, std::int64_t>> pending_;  // (code, id), next on top
};

}  // namespace

Result<std::pair<std::vector<Member>, std::size_t>> MemberService::List(const MemberFilter& f) {
  if (!f.nationwide && f.unit_prefixes.empty()) return std::make_pair(std::vector<Member>{}, std::size_t{0});
  // The filters other than the place, on members alone.
  std::string filters = "1 = 1";
  db::Params filter_params;
  if (f.org_id) {
    filters += " AND m.org_id = ?";
    filter_params.emplace_back(*f.org_id);
  }
  if (f.stage) {
    filters += " AND m.stage = ?";
    filter_params.emplace_back(*f.stage);
  }
  if (f.situation) {
    filters += " AND m.situation = ?";
    filter_params.emplace_back(*f.situation);
  }
  if (f.status) {
    filters += " AND m.status = ?";
    filter_params.emplace_back(*f.status);
  } else {
    filters += " AND m.status <> 'left'";
  }
  if (!f.name.empty()) {
    filters += " AND m.name LIKE ? ESCAPE '\\'";
    filter_params.emplace_back(db::ContainsPattern(f.name));
  }
  const std::vector<std::string> roots = SubtreeRoots(f);

  std::pair<std::vector<Member>, std::size_t> out;
  const std::optional<std::size_t> counted = CountFromEngine(f);
  // The engine counts the members not marked as left, by stage and situation:
  // an upper bound of what any filter but status "left" shows, so the walk
  // may skip the subtrees it says are empty.
  SubtreeCountFn subtree_counts;
  if (roster_counts_ != nullptr && (!f.status || *f.status != "left")) {
    const RosterCounts* counts = roster_counts_;
    subtree_counts = [counts, &f](std::span<const std::int64_t> units) {
      // The tightest count the engine can give (a situation across the
      // pipeline stages it cannot; then the stage alone, then any).
      auto n = counts->CountEach(units, f.stage, f.situation);
      if (!n) n = counts->CountEach(units, f.stage, std::nullopt);
      if (!n) n = counts->CountEach(units, std::nullopt, std::nullopt);
      return n;
    };
  }
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    if (counted) {
      out.second = *counted;
    } else {
      std::string where = filters;
      db::Params params = filter_params;
      if (!f.nationwide) where += " AND " + db::CodePrefixCondition("un.code", f.unit_prefixes, params);
      JICENG_ASSIGN_OR_RETURN(auto count, s.QueryOne("SELECT COUNT(*) FROM members m JOIN units un ON un.id = "
                                                     "m.unit_id WHERE " + where,
                                                     params));
      out.second = static_cast<std::size_t>(count->Int(0));
    }
    // The page's ids, in unit-code order and then by id: walk the subtrees'
    // units in code order (from memory) a slice at a time, growing slices,
    // and stop once the page is full. The first page of a county reads the
    // members of its first units, not all 50,000 of them; with the engine's
    // counts, empty subtrees are skipped whole (SubtreeWalk).
    std::vector<std::int64_t> ids;
    std::size_t skip = f.offset;
    for (const std::string& root : roots) {
      SubtreeWalk walk(hierarchy_.tree(), std::stoull(root), subtree_counts);
      std::size_t slice = 1;  // doubling: a village can hold hundreds of members
      while (ids.size() < f.limit) {
        const std::vector<std::int64_t> units = walk.Next(slice);
        if (units.empty()) break;
        slice = std::min<std::size_t>(slice * 2, 4096);
        std::unordered_map<std::int64_t, std::size_t> place;
        db::Params params = filter_params;
        for (std::size_t i = 0; i < units.size(); ++i) {
          place.emplace(units[i], i);
          params.emplace_back(units[i]);
        }
        // One unit's members are in id order already: read only as many as the page still needs.
        std::string tail;
        if (units.size() == 1) {
          tail = " ORDER BY m.id LIMIT ?";
          params.emplace_back(static_cast<std::int64_t>(skip + f.limit - ids.size()));
        }
        std::vector<std::pair<std::size_t, std::int64_t>> found;  // (unit's place, member id)
        JICENG_RETURN_IF_ERROR(s.Query("SELECT m.id, m.unit_id FROM members m WHERE " + filters + " AND m.unit_id IN (" +
                                           db::Placeholders(units.size()) + ")" + tail,
                                       params, [&](const db::Row& row) {
                                         found.emplace_back(place.at(row.Int(1)), row.Int(0));
                                         return Status::Ok();
                                       }));
        std::sort(found.begin(), found.end());
        for (const auto& [unit_place, id] : found) {
          if (skip > 0) {
            --skip;
          } else if (ids.size() < f.limit) {
            ids.push_back(id);
          }
        }
      }
      if (ids.size() >= f.limit) break;
    }
    // Their rows, a thousand ids at a time (an export asks for 100,000).
    std::unordered_map<std::int64_t, std::size_t> order;
    for (std::size_t i = 0; i < ids.size(); ++i) order.emplace(ids[i], i);
    out.first.resize(ids.size());
    return db::QueryIn(s, std::string("SELECT ") + kColumns + kFrom + " WHERE m.id",
                       ids,
                       [&](const db::Row& row) {
                         JICENG_ASSIGN_OR_RETURN(Member m, ReadMember(row, vault_));
                         out.first[order.at(m.id)] = std::move(m);
                         return Status::Ok();
                       },
                       1000);
    return Status::Ok();
  }));
  return out;
}

std::optional<std::size_t> MemberService::CountFromEngine(const MemberFilter& f) const {
  if (roster_counts_ == nullptr || f.org_id || f.status || !f.name.empty()) return std::nullopt;
  std::vector<std::int64_t> units;
  for (const std::string& code : SubtreeRoots(f)) {
    if (code == "0") {
      units.push_back(analytics::kNation);
      continue;
    }
    auto unit = hierarchy_.Get(code);
    if (!unit.ok()) return std::nullopt;
    units.push_back(unit->id);
  }
  auto n = roster_counts_->Count(units, f.stage, f.situation);
  if (!n || *n < 0) return std::nullopt;
  return static_cast<std::size_t>(*n);
}

Result<Member> MemberService::Update(std::int64_t id, const MemberPatch& p, std::optional<std::int64_t> version) {
  JICENG_ASSIGN_OR_RETURN(auto m, Get(id));
  if (version && *version != m.version) return VersionConflict();
  const std::int64_t current = m.version;
  if (p.name) {
    JICENG_ASSIGN_OR_RETURN(m.name, CheckPersonName(*p.name));
  }
  if (p.gender) {
    JICENG_RETURN_IF_ERROR(CheckGender(*p.gender));
    m.gender = *p.gender;
  }
  if (p.birth_date) {
    JICENG_ASSIGN_OR_RETURN(m.birth_date, CheckBirthDate(*p.birth_date, clock_.Today()));
  }
  if (p.phone) {
    JICENG_ASSIGN_OR_RETURN(m.phone, people::CheckPhone(*p.phone));
  }
  if (p.id_number) {
    if (*p.id_number && !Trim(**p.id_number).empty()) {
      std::string idn = Trim(**p.id_number);
      JICENG_RETURN_IF_ERROR(people::CheckIdNumber(idn));
      m.id_number = idn;
    } else {
      m.id_number.reset();
    }
  }
  if (m.id_number) JICENG_RETURN_IF_ERROR(CheckIdMatchesBirth(*m.id_number, m.birth_date));
  if (p.situation) {
    JICENG_RETURN_IF_ERROR(CheckSituation(*p.situation));
    m.situation = *p.situation;
  }
  Status st = db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(
        auto n, s.Exec("UPDATE members SET name = ?, gender = ?, birth_date = ?, situation = ?, "
                       "version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                       {Value(m.name), Value(m.gender), Value(m.birth_date), Value(m.situation), Value(NowUtcIso()),
                        Value(id), Value(current)}));
    if (n == 0) return VersionConflict();
    // The person's identity moves with the member's (same transaction).
    JICENG_RETURN_IF_ERROR(people::UpdatePerson(
        s, vault_, m.person_id, {0, {}, m.name, m.gender, m.birth_date, m.id_number, m.phone}));
    return changes_.Changed(s, "members", id);
  });
  JICENG_RETURN_IF_ERROR(st);
  return Get(id);
}

Result<std::vector<StageEvent>> MemberService::Timeline(std::int64_t id) {
  std::vector<StageEvent> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto m, Load(s, id));
    (void)m;
    return s.Query("SELECT id, from_stage, to_stage, on_date, approved_by, note FROM member_stage_events "
                   "WHERE member_id = ? ORDER BY on_date, id",
                   {Value(id)}, [&](const db::Row& row) {
                     StageEvent e;
                     e.id = row.Int(0);
                     e.from_stage = row.OptText(1);
                     e.to_stage = row.Text(2);
                     e.on_date = row.Text(3);
                     if (!row.IsNull(4)) e.approved_by = row.Int(4);
                     e.note = row.Text(5);
                     out.push_back(std::move(e));
                     return Status::Ok();
                   });
  }));
  return out;
}

Result<Member> MemberService::Advance(std::int64_t id, const std::string& to_stage, const std::string& on_date,
                                      const std::string& note, std::optional<std::int64_t> by_user) {
  JICENG_ASSIGN_OR_RETURN(const Stage* to, rules_.RequireStage(to_stage, "to_stage"));
  auto on = ParseDate(on_date);
  if (!on) return Status::InvalidArgument("on_date", "日期格式应为 2026-07-01。", "on_date should look like 2026-07-01.");
  if (Utf8Length(note) > 200 || HasControlChars(note)) {
    return Status::InvalidArgument("note", "备注最多 200 字，不能换行。", "The note has at most 200 characters, on one line.");
  }
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto m, Load(s, id));
    if (m.status != "active") {
      return Status::FailedPrecondition("该党员正在转接组织关系或已离开，不能办理发展程序。",
                                        "This person is in transit or has left; no pipeline step is possible.", "id");
    }
    const Stage* from = rules_.FindStage(m.stage);
    if (from == nullptr) return Status::Internal("unknown stage in database: " + m.stage);
    JICENG_RETURN_IF_ERROR(rules_.CheckAdvance(*from, *ParseDate(m.stage_since), *to, *on, clock_.Today()));
    JICENG_ASSIGN_OR_RETURN(auto unit, s.QueryOne("SELECT unit_id FROM members WHERE id = ?", {Value(id)}));
    const std::string now = NowUtcIso();
    JICENG_RETURN_IF_ERROR(s.Exec("UPDATE members SET stage = ?, stage_since = ?, version = version + 1, updated_at = ? "
                                  "WHERE id = ?",
                                  {Value(to->id), Value(FormatDate(*on)), Value(now), Value(id)})
                               .status());
    JICENG_ASSIGN_OR_RETURN(
        auto event, s.InsertReturningId("INSERT INTO member_stage_events (member_id, province_code, unit_id, "
                                        "from_stage, to_stage, on_date, approved_by, note, created_at) VALUES (?, "
                                        "(SELECT province_code FROM members WHERE id = ?), ?, ?, ?, ?, ?, ?, ?) "
                                        "RETURNING id",
                                        {Value(id), Value(id), Value(unit->Int(0)), Value(from->id), Value(to->id),
                                         Value(FormatDate(*on)), OptInt(by_user), Value(Trim(note)), Value(now)}));
    JICENG_RETURN_IF_ERROR(changes_.Changed(s, "members", id));
    return changes_.Changed(s, "member_stage_events", event);
  }));
  return Get(id);
}

Result<PipelineFigures> MemberService::Figures(std::uint64_t unit_code, const std::string& from, const std::string& to) {
  const std::string prefix = std::to_string(unit_code);
  PipelineFigures f;
  for (const Stage& s : rules_.stages()) {
    f.by_stage[s.id] = 0;
    f.entered[s.id] = 0;
  }
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    const db::Params p = {Value(static_cast<std::int64_t>(prefix.size())), Value(prefix)};
    JICENG_RETURN_IF_ERROR(s.Query("SELECT m.stage, COUNT(*) FROM members m JOIN units un ON un.id = m.unit_id "
                                   "WHERE m.status <> 'left' AND substr(un.code, 1, ?) = ? GROUP BY m.stage",
                                   p, [&](const db::Row& row) {
                                     f.by_stage[row.Text(0)] = row.Int(1);
                                     return Status::Ok();
                                   }));
    db::Params q = p;
    q.emplace_back(from);
    q.emplace_back(to);
    return s.Query("SELECT e.to_stage, COUNT(*) FROM member_stage_events e JOIN units un ON un.id = e.unit_id "
                   "WHERE e.from_stage IS NOT NULL AND substr(un.code, 1, ?) = ? AND e.on_date >= ? AND e.on_date < ? "
                   "GROUP BY e.to_stage",
                   q, [&](const db::Row& row) {
                     f.entered[row.Text(0)] = row.Int(1);
                     return Status::Ok();
                   });
  }));
  return f;
}

Result<Transfer> MemberService::GetTransfer(std::int64_t transfer_id) {
  std::optional<Transfer> t;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(std::string("SELECT ") + kTransferColumns + kTransferFrom +
                                                     " WHERE t.id = ?",
                                                 {Value(transfer_id)}));
    if (row) t = ReadTransfer(*row, rules_.transfer_overdue_days(), clock_.Today());
    return Status::Ok();
  }));
  if (!t) return TransferNotFound(transfer_id);
  return std::move(*t);
}

Result<Transfer> MemberService::RequestTransfer(std::int64_t member_id, std::int64_t to_org_id, const std::string& reason,
                                                std::optional<std::int64_t> by_user) {
  if (Utf8Length(reason) > 200 || HasControlChars(reason)) {
    return Status::InvalidArgument("reason", "说明最多 200 字，不能换行。", "The reason has at most 200 characters, on one line.");
  }
  std::int64_t id = 0;
  Status st = db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto m, Load(s, member_id));
    if (m.status != "active") {
      return Status::FailedPrecondition("该党员已有一项转接正在办理，或已离开。",
                                        "This person already has a transfer under way, or has left.", "member_id");
    }
    if (m.org_id == to_org_id) {
      return Status::InvalidArgument("to_org_id", "转入组织与当前组织相同。", "The receiving organization is the current one.");
    }
    JICENG_ASSIGN_OR_RETURN(auto to, ActiveOrgUnit(s, to_org_id, "to_org_id"));
    JICENG_ASSIGN_OR_RETURN(auto from_unit, s.QueryOne("SELECT unit_id FROM members WHERE id = ?", {Value(member_id)}));
    (void)to;
    const std::string now = NowUtcIso();
    JICENG_ASSIGN_OR_RETURN(
        id, s.InsertReturningId("INSERT INTO transfers (member_id, province_code, from_org_id, to_org_id, unit_id, "
                                "status, requested_on, requested_by, reason, created_at) VALUES (?, (SELECT "
                                "province_code FROM members WHERE id = ?), ?, ?, ?, 'pending', ?, ?, ?, ?) RETURNING id",
                                {Value(member_id), Value(member_id), Value(m.org_id), Value(to_org_id),
                                 Value(from_unit->Int(0)),
                                 Value(FormatDate(clock_.Today())), OptInt(by_user), Value(Trim(reason)), Value(now)}));
    JICENG_RETURN_IF_ERROR(
        s.Exec("UPDATE members SET status = 'in_transit', version = version + 1, updated_at = ? WHERE id = ?",
               {Value(now), Value(member_id)})
            .status());
    return changes_.Changed(s, "members", member_id);
  });
  if (st.code() == ErrorCode::kConflict) {
    return Status::Conflict("该党员已有一项转接正在办理。", "This person already has a transfer under way.", "member_id");
  }
  JICENG_RETURN_IF_ERROR(st);
  return GetTransfer(id);
}

Result<Transfer> MemberService::DecideTransfer(std::int64_t transfer_id, bool confirm, const std::string& reason,
                                               std::optional<std::int64_t> by_user) {
  if (!confirm && Trim(reason).empty()) {
    return Status::InvalidArgument("reason", "退回转接须写明原因。", "Give a reason for rejecting the transfer.");
  }
  if (Utf8Length(reason) > 200 || HasControlChars(reason)) {
    return Status::InvalidArgument("reason", "说明最多 200 字，不能换行。", "The reason has at most 200 characters, on one line.");
  }
  JICENG_ASSIGN_OR_RETURN(auto t, GetTransfer(transfer_id));
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto n, s.Exec("UPDATE transfers SET status = ?, decided_on = ?, decided_by = ?, reason = "
                                           "CASE WHEN ? = '' THEN reason ELSE ? END WHERE id = ? AND status = 'pending'",
                                           {Value(std::string(confirm ? "confirmed" : "rejected")),
                                            Value(FormatDate(clock_.Today())), OptInt(by_user), Value(Trim(reason)),
                                            Value(Trim(reason)), Value(transfer_id)}));
    if (n == 0) {
      return Status::FailedPrecondition("这项转接已经办结。", "This transfer has already been decided.", "id");
    }
    const std::string now = NowUtcIso();
    if (confirm) {
      JICENG_ASSIGN_OR_RETURN(auto to, ActiveOrgUnit(s, t.to_org_id, "to_org_id"));
      // Across a provincial border the member's records move with the member.
      JICENG_RETURN_IF_ERROR(s.Exec("UPDATE members SET org_id = ?, unit_id = ?, province_code = ?, status = 'active', "
                                    "version = version + 1, updated_at = ? WHERE id = ?",
                                    {Value(t.to_org_id), Value(to.first), Value(to.second.substr(0, 2)), Value(now),
                                     Value(t.member_id)})
                                 .status());
      JICENG_RETURN_IF_ERROR(
          orgs::FollowMembersProvince(s, "SELECT id FROM members WHERE id = ?", {Value(t.member_id)}));
      // Offices held in the sending organization end with the move.
      if (endings_ != nullptr) {
        JICENG_RETURN_IF_ERROR(endings_->MemberLeft(s, {t.from_org_id, t.member_id, FormatDate(clock_.Today())}));
      }
    } else {
      JICENG_RETURN_IF_ERROR(
          s.Exec("UPDATE members SET status = 'active', version = version + 1, updated_at = ? WHERE id = ?",
                 {Value(now), Value(t.member_id)})
              .status());
    }
    return changes_.Changed(s, "members", t.member_id);
  }));
  return GetTransfer(transfer_id);
}

Result<Transfer> MemberService::CancelTransfer(std::int64_t transfer_id, std::optional<std::int64_t> by_user) {
  JICENG_ASSIGN_OR_RETURN(auto t, GetTransfer(transfer_id));
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto n, s.Exec("UPDATE transfers SET status = 'cancelled', decided_on = ?, decided_by = ? "
                                           "WHERE id = ? AND status = 'pending'",
                                           {Value(FormatDate(clock_.Today())), OptInt(by_user), Value(transfer_id)}));
    if (n == 0) return Status::FailedPrecondition("这项转接已经办结。", "This transfer has already been decided.", "id");
    JICENG_RETURN_IF_ERROR(
        s.Exec("UPDATE members SET status = 'active', version = version + 1, updated_at = ? WHERE id = ?",
               {Value(NowUtcIso()), Value(t.member_id)})
            .status());
    return changes_.Changed(s, "members", t.member_id);
  }));
  return GetTransfer(transfer_id);
}

Result<std::vector<Transfer>> MemberService::ListTransfers(const std::vector<std::string>& prefixes, bool nationwide,
                                                           std::optional<std::string> status) {
  std::string where = "1 = 1";
  db::Params params;
  if (!nationwide) {
    if (prefixes.empty()) return std::vector<Transfer>{};
    where += " AND (";
    for (std::size_t i = 0; i < prefixes.size(); ++i) {
      where += (i ? " OR " : "") + std::string("substr(fu.code, 1, ?) = ? OR substr(tu.code, 1, ?) = ?");
      for (int k = 0; k < 2; ++k) {
        params.emplace_back(static_cast<std::int64_t>(prefixes[i].size()));
        params.emplace_back(prefixes[i]);
      }
    }
    where += ")";
  }
  if (status) {
    where += " AND t.status = ?";
    params.emplace_back(*status);
  }
  std::vector<Transfer> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) {
    return s.Query(std::string("SELECT ") + kTransferColumns + kTransferFrom + " WHERE " + where +
                       " ORDER BY t.id DESC LIMIT 500",
                   params, [&](const db::Row& row) {
                     out.push_back(ReadTransfer(row, rules_.transfer_overdue_days(), clock_.Today()));
                     return Status::Ok();
                   });
  }));
  return out;
}

}  // namespace jiceng::members
