#include "imports/member_import.h"

#include <gtest/gtest.h>

#include "db/testing/migrated_database_test.h"
#include "hierarchy/testing/seed_units.h"
#include "people/testing/test_vault.h"
#include "exports/list_export.h"
#include "imports/org_import.h"
#include "io/csv/csv_writer.h"
#include "io/xlsx/xlsx_writer.h"
#include "orgs/org_service.h"

namespace jiceng::imports {
namespace {

using db::Value;

const std::optional<std::int64_t> kNoUser;
const ImportScope kNationwide{true, {}};

// A valid ID number (GB 11643) from its first 17 digits.
std::string IdNumber(const std::string& first17) {
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return first17 + "10X98765432"[sum % 11];
}

struct Issue {
  std::size_t row;
  std::string column;
  std::string field;
  bool operator==(const Issue&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Issue& i) { return os << "{" << i.row << ", " << i.column << ", " << i.field << "}"; }

std::vector<Issue> Issues(const std::vector<RowIssue>& issues) {
  std::vector<Issue> out;
  for (const auto& i : issues) out.push_back({i.row, i.column, i.field});
  return out;
}

std::string Dump(const ImportReport& r) {
  std::string s;
  for (const auto& e : r.errors) s += "row " + std::to_string(e.row) + " [" + e.column + "] " + e.message_zh + "\n";
  return s;
}

// A slice of the hierarchy: Luding county with a town and two villages (and
// a villager group), Bomi county with a town — inserted as the importer would.
// Runs on every engine (db/testing/test_database.h).
class ImportTest : public db::testing::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(hierarchy::testing::SeedUnits(*db_, hierarchy::testing::LudingAndBomi()).ok());
    hierarchy_ = std::move(hierarchy::HierarchyService::Load(*db_)).value();
    ASSERT_TRUE(hierarchy_->AddGroup("513322100201", "一组").ok());
    rules_ = std::make_unique<members::MembershipRules>(std::move(members::MembershipRules::LoadDefault()).value());
    orgs_ = std::make_unique<orgs::OrgService>(*db_, *hierarchy_, changes_, *clock_);
    members_ = std::make_unique<members::MemberService>(*db_, *hierarchy_, *rules_, changes_, people::testing::TestVault(), *clock_);
    county_ = Org({"513322", std::nullopt, "committee", "中共泸定县委"});
    town_ = Org({"513322100", county_, "committee", "中共泸桥镇委"});
    village_a_ = Org({"513322100201", town_, "branch", "甲村支部"});
    village_b_ = Org({"513322100202", town_, "branch", "乙村支部"});
  }
  void TearDown() override {
    members_.reset();
    orgs_.reset();
    hierarchy_.reset();
  }
  std::int64_t Org(orgs::OrgInput in) {
    auto o = orgs_->Create(in);
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    return o.ok() ? o->id : 0;
  }
  members::MemberInput Person(std::int64_t org, const char* name = "张三", const char* stage = "activist",
                     const char* since = "2025-01-01") {
    members::MemberInput in;
    in.org_id = org;
    in.name = name;
    in.gender = "male";
    in.birth_date = "1990-01-01";
    in.stage = stage;
    in.stage_since = since;
    in.situation = "rural_labour";
    return in;
  }


  std::int64_t CountMembers() {
    std::int64_t n = 0;
    EXPECT_TRUE(db_->Read([&](db::Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT COUNT(*) FROM members"));
      n = row->Int(0);
      return Status::Ok();
    }).ok());
    return n;
  }
  Result<ImportReport> ImportMembers(const std::string& bytes, bool dry_run, const ImportScope& scope = kNationwide) {
    MemberImporter importer(*db_, *members_);
    return importer.Run(bytes, "党员.csv", scope, dry_run, kNoUser);
  }

  // Real time in the business time zone (Asia/Shanghai): "today" as the services see it.
  std::unique_ptr<SystemBusinessClock> clock_ = std::move(SystemBusinessClock::Create()).value();
  std::unique_ptr<hierarchy::HierarchyService> hierarchy_;
  std::unique_ptr<members::MembershipRules> rules_;
  analytics::NoChangeSink changes_;
  std::unique_ptr<orgs::OrgService> orgs_;
  std::unique_ptr<members::MemberService> members_;
  std::int64_t county_ = 0, town_ = 0, village_a_ = 0, village_b_ = 0;
};


const std::string kHeader = "姓名,性别,出生日期,手机号,身份证号,所属组织,状态,入党日期,分类\n";

TEST_P(ImportTest, DryRunReportsEveryBadRowAndNothingIsWrittenUntilAllAreGood) {
  const std::string taken = IdNumber("51332219900101002");
  members::MemberInput existing = Person(village_b_, "已在册");
  existing.id_number = taken;
  ASSERT_TRUE(members_->Create(existing, kNoUser).ok());
  const std::string id1 = IdNumber("51332219800501001");
  const std::string good1 = "张三,男,1980-05-01,13800000001," + id1 + ",甲村支部,正式党员,2005-07-01,在职\n";
  const std::string good2 = "周九,女,1988/6/9,,,乙村支部,预备,2025-01-01,农村有劳动能力\n";
  const std::string file = kHeader + good1 +                                       // row 2
                           "李四,女,1985-13-40,,,甲村支部,预备党员,2025-01-01,农村有劳动能力\n"  // 3: wrong date
                           "王五,男,1975-03-03,,,丙村支部,正式党员,2000-07-01,年老体弱\n"      // 4: unknown org
                           "赵六,男,1980-05-01,," + id1 + ",乙村支部,正式党员,2005-07-01,外出流动\n"  // 5: same ID as row 2
                           ",女,1990-01-01,,,甲村支部,正式党员,2015-07-01,在职\n"               // 6: empty name
                           "钱七,男,1990-01-01,," + taken + ",乙村支部,正式,2010-01-01,在职\n"  // 7: ID in the database
                           "孙八,不详,1970-01-01,,,乙村支部,正式党员,2000-01-01,闲人\n"          // 8: bad gender and category
                           + good2;                                                               // 9
  const std::int64_t before = CountMembers();
  auto dry = ImportMembers(file, /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->rows, 8u);
  EXPECT_EQ(dry->valid_rows, 2u);
  EXPECT_EQ(Issues(dry->errors), (std::vector<Issue>{{3, "出生日期", "birth_date"},
                                                     {4, "所属组织", "org_name"},
                                                     {5, "身份证号", "id_number"},
                                                     {6, "姓名", "name"},
                                                     {7, "身份证号", "id_number"},
                                                     {8, "性别", "gender"},
                                                     {8, "分类", "situation"}}))
      << Dump(*dry);
  ASSERT_EQ(dry->errors.size(), 7u);
  EXPECT_EQ(dry->errors[0].message_zh, "出生日期格式应为 1980-05-01。");
  EXPECT_EQ(dry->errors[1].message_zh, "找不到名为“丙村支部”的党组织，请核对名称，或先建立该组织。");
  EXPECT_EQ(dry->errors[2].message_zh, "身份证号与第 2 行重复：同一个人不能登记两次。");
  EXPECT_EQ(dry->errors[2].message_en, "The ID number repeats row 2: a person cannot be registered twice.");
  EXPECT_EQ(dry->errors[3].message_zh, "请填写 1–30 字的姓名。");
  EXPECT_EQ(dry->errors[4].message_zh, "系统中已有人使用这个身份证号：同一个人不能登记两次。");
  EXPECT_EQ(dry->errors[5].message_zh, "“不详”不是有效的性别，应为“男”或“女”。");
  EXPECT_EQ(dry->errors[6].message_zh, "“闲人”不是有效的分类，应为在职、农村有劳动能力、年老体弱或外出流动。");
  EXPECT_FALSE(dry->committed);
  EXPECT_EQ(CountMembers(), before);

  // A commit of the same file refuses, with the same report, and writes nothing.
  auto refused = ImportMembers(file, /*dry_run=*/false);
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_FALSE(refused->committed);
  EXPECT_EQ(Issues(refused->errors), Issues(dry->errors));
  EXPECT_TRUE(refused->inserted_ids.empty());
  EXPECT_EQ(CountMembers(), before);

  // Fixed: every row goes in, in one transaction.
  const std::string fixed = kHeader + good1 +
                            "李四,女,1985-12-30,,,甲村支部,预备党员,2025-01-01,农村有劳动能力\n"
                            "王五,男,1975-03-03,,,甲村支部,正式党员,2000-07-01,年老体弱\n"
                            "赵六,男,1980-05-01,,,乙村支部,正式党员,2005-07-01,外出流动\n"
                            "吴十,女,1990-01-01,,,甲村支部,正式党员,2015-07-01,在职\n" + good2;
  auto done = ImportMembers(fixed, /*dry_run=*/false);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_TRUE(done->errors.empty()) << Dump(*done);
  EXPECT_TRUE(done->committed);
  ASSERT_EQ(done->inserted_ids.size(), 6u);
  EXPECT_EQ(CountMembers(), before + 6);
  auto zhang = members_->Get(done->inserted_ids[0]);
  ASSERT_TRUE(zhang.ok());
  EXPECT_EQ(zhang->name, "张三");
  EXPECT_EQ(zhang->org_id, village_a_);
  EXPECT_EQ(zhang->stage, "full");
  EXPECT_EQ(zhang->stage_since, "2005-07-01");
  EXPECT_EQ(zhang->situation, "in_service");
  EXPECT_EQ(zhang->id_number, id1);
  auto zhou = members_->Get(done->inserted_ids[5]);
  EXPECT_EQ(zhou->birth_date, "1988-06-09");
  EXPECT_EQ(zhou->stage, "probationary");
  // The same file again: every ID number is now taken.
  auto again = ImportMembers(fixed, /*dry_run=*/true);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Issues(again->errors), (std::vector<Issue>{{2, "身份证号", "id_number"}}));
}

TEST_P(ImportTest, RowsOutsideTheCallersScopeAreRowErrors) {
  const std::string file = kHeader + "张三,男,1980-05-01,,,甲村支部,正式党员,2005-07-01,在职\n";
  auto r = ImportMembers(file, /*dry_run=*/false, ImportScope{false, {"540424"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->committed);
  EXPECT_EQ(Issues(r->errors), (std::vector<Issue>{{2, "所属组织", "org_name"}}));
  ASSERT_FALSE(r->errors.empty());
  EXPECT_EQ(r->errors[0].message_zh, "党组织“甲村支部”不在您的管辖范围内，不能导入到该组织。");
  auto inside = ImportMembers(file, /*dry_run=*/true, ImportScope{false, {"513322100"}});
  ASSERT_TRUE(inside.ok());
  EXPECT_TRUE(inside->errors.empty()) << Dump(*inside);
}

TEST_P(ImportTest, AFileWithoutTheRequiredColumnsIsRefusedAsAWhole) {
  auto r = ImportMembers("姓名,性别\n张三,男\n", true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "file");
  EXPECT_NE(r.status().message_zh().find("出生日期、状态、分类、所属组织"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(ImportMembers("", true).status().field(), "file");
}

TEST_P(ImportTest, EnglishHeadersAndAnXlsxWithDateCells) {
  io::Table t;
  t.columns = {{"name"}, {"gender"}, {"birth_date", io::Column::Kind::kDate}, {"organization"},
               {"stage"}, {"stage_since", io::Column::Kind::kDate}, {"situation"}, {"remarks"}};
  t.rows.push_back({std::string("Tashi"), std::string("male"), std::string("1980-05-01"), std::string("甲村支部"),
                    std::string("full"), std::string("2001-07-01"), std::string("migrant"), std::string("x")});
  t.rows.push_back({std::string("卓玛"), std::string("女"), std::string("1992-02-29"), std::string("乙村支部"),
                    std::string("Probationary member"), std::string("2025-03-01"), std::string("在职"), io::Cell{}});
  auto bytes = io::WriteXlsx(t);
  ASSERT_TRUE(bytes.ok());
  auto r = ImportMembers(*bytes, false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->errors.empty()) << Dump(*r);
  ASSERT_EQ(r->warnings.size(), 1u);  // the unknown column
  EXPECT_EQ(r->warnings[0].column, "remarks");
  ASSERT_EQ(r->inserted_ids.size(), 2u);
  auto drolma = members_->Get(r->inserted_ids[1]);
  EXPECT_EQ(drolma->birth_date, "1992-02-29");
  EXPECT_EQ(drolma->stage_since, "2025-03-01");
  EXPECT_EQ(drolma->gender, "female");
}

TEST_P(ImportTest, ExportedMembersReadBackAsACleanDryRun) {
  members::MemberInput a = Person(village_a_, "张三", "full", "2005-07-01");
  a.id_number = IdNumber("51332219900101003");
  a.phone = "13800000003";
  ASSERT_TRUE(members_->Create(a, kNoUser).ok());
  ASSERT_TRUE(members_->Create(Person(village_b_, "李四", "probationary", "2025-01-01"), kNoUser).ok());
  members::MemberFilter f;
  f.unit_prefixes = {"513322"};
  auto table = exports::MembersTable(*members_, *orgs_, hierarchy_->tree(), f);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(std::get<std::string>(table->rows[0][4]), people::MaskIdNumber(*a.id_number));
  for (const std::string& bytes : {*io::WriteXlsx(*table), io::WriteCsv(*table)}) {
    auto r = ImportMembers(bytes, true);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->errors.empty()) << Dump(*r);
    EXPECT_EQ(r->valid_rows, 2u);
    ASSERT_EQ(r->warnings.size(), 1u);
    EXPECT_EQ(r->warnings[0].field, "id_number");  // masked: left out
  }
}

TEST_P(ImportTest, OrganizationsWithParentsInTheFileOrTheDatabase) {
  const std::string header = "组织名称,组织类型,所在单位代码,上级组织,成立日期,成立原因,开始日期,结束日期\n";
  const std::string bad = header +
                          "甲村支部,党支部,513322100201,中共泸桥镇委,2020-01-01,,,\n"  // 2: exists already
                          "丙党总支,总支,513322100202,中共泸桥镇委,2020-01-01,,,\n"   // 3: bad kind
                          "扎木镇支部,党支部,540424100,,2020-01-01,,,\n"                // 4: outside scope
                          "虫草临时支部,临时党支部,513322100,中共泸桥镇委,2026-04-01,,,\n"  // 5: no reason, no start
                          "一组支部,党支部,513322100201,没有这个组织,2020-01-01,,,\n";   // 6: unknown parent
  OrgImporter importer(*db_, *orgs_);
  auto dry = importer.Run(bad, "orgs.csv", ImportScope{false, {"513322"}}, true);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(Issues(dry->errors), (std::vector<Issue>{{2, "组织名称", "name"},
                                                     {3, "组织类型", "kind"},
                                                     {4, "所在单位代码", "unit_code"},
                                                     {5, "成立原因", "temp_reason"},
                                                     {5, "开始日期", "starts_on"},
                                                     {6, "上级组织", "parent"}}))
      << Dump(*dry);
  const std::string good = header +
                           "乙村党总支,党总支,513322100202,中共泸桥镇委,2020-01-01,,,\n"
                           "乙村第二支部,党支部,513322100202,乙村党总支,2021-01-01,,,\n"
                           "虫草临时支部,临时党支部,513322100,中共泸桥镇委,2026-04-01,虫草采挖季,2026-04-01,2026-07-31\n";
  auto done = importer.Run(good, "orgs.csv", ImportScope{false, {"513322"}}, false);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_TRUE(done->errors.empty()) << Dump(*done);
  ASSERT_EQ(done->inserted_ids.size(), 3u);
  auto second = orgs_->Get(done->inserted_ids[1]);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->parent_id, done->inserted_ids[0]);
  EXPECT_EQ(second->kind, "branch");
  auto temp = orgs_->Get(done->inserted_ids[2]);
  EXPECT_EQ(temp->temp_reason, "虫草采挖季");
  EXPECT_EQ(temp->parent_id, town_);
}

INSTANTIATE_TEST_SUITE_P(Engines, ImportTest, ::testing::ValuesIn(db::testing::kEngines),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace jiceng::imports
