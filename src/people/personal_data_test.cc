// Personal data (people/personal_data.h, people/people_store.h): sealing and
// digests, the key file, attaching a database to its key, and the people
// register's storage — on both engines where a database is involved.
#include "people/personal_data.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>

#include "db/testing/migrated_database_test.h"
#include "hierarchy/testing/seed_units.h"
#include "people/people_store.h"
#include "people/testing/test_vault.h"

namespace jiceng::people {
namespace {

using db::Value;

Vault KeyOf(unsigned char fill) {
  std::array<unsigned char, Vault::kKeyBytes> key{};
  key.fill(fill);
  return std::move(Vault::FromKey(key)).value();
}

TEST(VaultTest, OpensWhatItSealedAndNothingElse) {
  const Vault a = KeyOf(1), b = KeyOf(2);
  const std::string sealed = a.Seal("540424199001011234");
  EXPECT_EQ(sealed.find("540424199001011234"), std::string::npos);
  EXPECT_TRUE(sealed.starts_with("s1:"));
  // A fresh nonce every time: equal values do not give equal texts.
  EXPECT_NE(a.Seal("540424199001011234"), sealed);
  auto opened = a.Open(sealed);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, "540424199001011234");
  // Another key, a changed character, a foreign text: refused, not garbage.
  EXPECT_EQ(b.Open(sealed).status().code(), ErrorCode::kFailedPrecondition);
  std::string changed = sealed;
  changed[10] = changed[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(a.Open(changed).status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(a.Open("540424199001011234").status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(*a.OpenOptional(a.SealOptional(std::nullopt)), std::nullopt);
  EXPECT_EQ(*a.Open(a.Seal("")), "");
}

TEST(VaultTest, DigestsDependOnTheKeyAndTheKind) {
  const Vault a = KeyOf(1), b = KeyOf(2);
  EXPECT_EQ(a.Digest("id_number", "540424199001011234"), a.Digest("id_number", "540424199001011234"));
  EXPECT_EQ(a.Digest("id_number", "540424199001011234").size(), 64u);
  EXPECT_NE(a.Digest("id_number", "540424199001011234"), b.Digest("id_number", "540424199001011234"));
  EXPECT_NE(a.Digest("id_number", "13812345678"), a.Digest("phone", "13812345678"));
  EXPECT_NE(a.KeyCheck(), b.KeyCheck());
  std::array<unsigned char, 16> short_key{};
  EXPECT_EQ(Vault::FromKey(short_key).status().code(), ErrorCode::kInvalidArgument);
}

TEST(PersonalDataTest, MasksAndChecks) {
  EXPECT_EQ(MaskIdNumber("540424199001011234"), "5404**********1234");
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("12345"), "*****");
  EXPECT_TRUE(CheckIdNumber("513322199001010015").ok());
  EXPECT_EQ(CheckIdNumber("513322199001010016").field(), "id_number");           // check digit
  EXPECT_EQ(CheckIdNumber("51332219900101001", "rows[3]").field(), "rows[3]");   // 17 characters
  EXPECT_EQ(CheckIdNumber("513322199013010013").code(), ErrorCode::kInvalidArgument);  // month 13
  EXPECT_EQ(**CheckPhone(std::string(" 138-1234-5678 ")), "138-1234-5678");
  EXPECT_EQ(*CheckPhone(std::string("  ")), std::nullopt);
  EXPECT_EQ(CheckPhone(std::string("call me")).status().field(), "phone");
}

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("jiceng-key-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    path_ = (dir_ / "conf" / "personal-data.key").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(KeyFileTest, CreatedForItsOwnerOnlyAndKeptWhenItExists) {
  EXPECT_EQ(LoadKeyFile(path_).status().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(CreateKeyFile(path_).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto first = LoadKeyFile(path_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // A second creation (another process starting at the same time) keeps the first key.
  ASSERT_TRUE(CreateKeyFile(path_).ok());
  auto again = LoadKeyFile(path_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->KeyCheck(), first->KeyCheck());
}

TEST_F(KeyFileTest, RefusesAFileOthersCanReadOrThatIsNotAKey) {
  ASSERT_TRUE(CreateKeyFile(path_).ok());
  std::filesystem::permissions(path_, std::filesystem::perms::group_read, std::filesystem::perm_options::add);
  auto open = LoadKeyFile(path_);
  EXPECT_EQ(open.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(open.status().message_en().find("chmod 600"), std::string::npos) << open.status().message_en();
  std::filesystem::remove(path_);
  {
    std::ofstream out(path_);
    out << "not a key\n";
  }
  std::filesystem::permissions(path_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(LoadKeyFile(path_).status().code(), ErrorCode::kFailedPrecondition);
}

// The database side, on both engines.
class PeopleStoreTest : public db::testing::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(hierarchy::testing::SeedUnits(*db_, hierarchy::testing::LudingAndBomi()).ok());
    auto unit = Query("SELECT id FROM units WHERE code = '540424'");
    ASSERT_FALSE(unit.empty());
    unit_id_ = std::stoll(unit[0]);
    dir_ = std::filesystem::temp_directory_path() /
           ("jiceng-attach-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Every value of the first column of `sql`, as text.
  std::vector<std::string> Query(const std::string& sql) {
    std::vector<std::string> out;
    Status st = db_->Read([&](db::Session& s) {
      return s.Query(sql, {}, [&](const db::Row& r) {
        out.push_back(r.IsNull(0) ? "NULL" : r.Text(0));
        return Status::Ok();
      });
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }
  Status Exec(const std::string& sql, const db::Params& params = {}) {
    return db_->Write([&](db::Session& s) { return s.Exec(sql, params).status(); });
  }
  PersonFields Person(std::string name, std::optional<std::string> id_number, std::optional<std::string> phone) {
    return {unit_id_, "54", std::move(name), "male", "1990-01-01", std::move(id_number), std::move(phone)};
  }

  std::int64_t unit_id_ = 0;
  std::filesystem::path dir_;
};

TEST_P(PeopleStoreTest, StoresIdNumbersAndPhonesSealedAndFindsThemByDigest) {
  const Vault& vault = testing::TestVault();
  std::vector<std::int64_t> ids;
  ASSERT_TRUE(db_->Write([&](db::Session& s) -> Status {
                  std::vector<PersonFields> batch = {Person("扎西", "540424199001011234", "13812345678"),
                                                     Person("卓玛", std::nullopt, std::nullopt)};
                  JICENG_ASSIGN_OR_RETURN(ids, InsertPeople(s, vault, batch));
                  return Status::Ok();
                }).ok());
  ASSERT_EQ(ids.size(), 2u);
  // What a dump of the table shows: no clear value anywhere in the row.
  for (const char* column : {"id_number_sealed", "id_number_digest", "phone_sealed", "unsealed_id_number",
                             "unsealed_phone", "name"}) {
    for (const std::string& v : Query(std::string("SELECT ") + column + " FROM people")) {
      EXPECT_EQ(v.find("540424199001011234"), std::string::npos) << column;
      EXPECT_EQ(v.find("13812345678"), std::string::npos) << column;
    }
  }
  const auto sealed = Query("SELECT id_number_sealed FROM people WHERE id = " + std::to_string(ids[0]));
  EXPECT_EQ(*vault.Open(sealed[0]), "540424199001011234");
  EXPECT_EQ(Query("SELECT id_number_digest FROM people WHERE id = " + std::to_string(ids[1]))[0], "NULL");

  // The unique check is on the digest: the same number again is refused,
  // in a batch or alone, and found by RegisteredIdNumbers.
  Status again = db_->Write([&](db::Session& s) -> Status {
    std::vector<PersonFields> batch = {Person("另一个扎西", "540424199001011234", std::nullopt)};
    return InsertPeople(s, vault, batch).status();
  });
  EXPECT_EQ(again.code(), ErrorCode::kConflict);
  EXPECT_EQ(again.field(), "id_number");
  ASSERT_TRUE(db_->Read([&](db::Session& s) -> Status {
                  std::vector<std::string> asked = {"540424199001011234", "513322199001010015"};
                  JICENG_ASSIGN_OR_RETURN(auto found, RegisteredIdNumbers(s, vault, asked));
                  EXPECT_EQ(found, std::vector<std::string>{"540424199001011234"});
                  return Status::Ok();
                }).ok());

  // An edit re-seals; giving the second person the first's number is refused.
  ASSERT_TRUE(db_->Write([&](db::Session& s) {
                  return UpdatePerson(s, vault, ids[0], Person("扎西", "540424199001011234", "13900001111"));
                }).ok());
  EXPECT_EQ(*vault.Open(Query("SELECT phone_sealed FROM people WHERE id = " + std::to_string(ids[0]))[0]), "13900001111");
  Status taken = db_->Write([&](db::Session& s) {
    return UpdatePerson(s, vault, ids[1], Person("卓玛", "540424199001011234", std::nullopt));
  });
  EXPECT_EQ(taken.code(), ErrorCode::kConflict);
}

TEST_P(PeopleStoreTest, AttachingRecordsTheKeyAndRefusesAnother) {
  const std::string key = (dir_ / "a.key").string();
  AttachReport report;
  auto first = AttachVault(*db_, key, &report);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(report.key_created);
  EXPECT_TRUE(std::filesystem::exists(key));
  EXPECT_EQ(Query("SELECT key_check FROM personal_data_keys"), std::vector<std::string>{first->KeyCheck()});
  // The same key again: fine, nothing created.
  auto second = AttachVault(*db_, key, &report);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(report.key_created);
  // Another key file: refused, naming the file.
  const std::string other = (dir_ / "b.key").string();
  ASSERT_TRUE(CreateKeyFile(other).ok());
  auto wrong = AttachVault(*db_, other);
  EXPECT_EQ(wrong.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(wrong.status().message_en().find(other), std::string::npos);
  // The key lost: not silently replaced by a new one.
  std::filesystem::remove(key);
  auto lost = AttachVault(*db_, key);
  EXPECT_EQ(lost.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(lost.status().message_zh().find(key), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(key));
}

TEST_P(PeopleStoreTest, AttachingSealsWhatMigration15LeftInClear) {
  // As migration 15 leaves a database: values moved out of members and users in clear.
  ASSERT_TRUE(Exec("INSERT INTO people (id, unit_id, province_code, name, gender, birth_date, unsealed_id_number, "
                   "unsealed_phone, created_at, updated_at) VALUES (7, ?, '54', 'A', 'male', '1990-01-01', "
                   "'540424199001011234', '13812345678', 'x', 'x'), (8, ?, '54', 'B', 'female', '1990-01-01', NULL, "
                   "'0894-5412345', 'x', 'x')",
                   {Value(unit_id_), Value(unit_id_)})
                  .ok());
  ASSERT_TRUE(Exec("INSERT INTO users (username, display_name, unsealed_phone, password_hash, created_at, updated_at, "
                   "password_changed_at) VALUES ('cadre', 'C', '13900001111', 'h', 'x', 'x', 'x')")
                  .ok());
  AttachReport report;
  auto vault = AttachVault(*db_, (dir_ / "k.key").string(), &report);
  ASSERT_TRUE(vault.ok()) << vault.status().ToString();
  EXPECT_EQ(report.sealed, 4);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM people WHERE unsealed_id_number IS NOT NULL OR unsealed_phone IS NOT NULL"),
            std::vector<std::string>{"0"});
  EXPECT_EQ(Query("SELECT COUNT(*) FROM users WHERE unsealed_phone IS NOT NULL"), std::vector<std::string>{"0"});
  EXPECT_EQ(*vault->Open(Query("SELECT id_number_sealed FROM people WHERE id = 7")[0]), "540424199001011234");
  EXPECT_EQ(Query("SELECT id_number_digest FROM people WHERE id = 7")[0],
            vault->Digest("id_number", "540424199001011234"));
  EXPECT_EQ(*vault->Open(Query("SELECT phone_sealed FROM people WHERE id = 8")[0]), "0894-5412345");
  EXPECT_EQ(Query("SELECT id_number_sealed FROM people WHERE id = 8")[0], "NULL");
  EXPECT_EQ(*vault->Open(Query("SELECT phone_sealed FROM users WHERE username = 'cadre'")[0]), "13900001111");
  // Nothing left to do the second time.
  ASSERT_TRUE(AttachVault(*db_, (dir_ / "k.key").string(), &report).ok());
  EXPECT_EQ(report.sealed, 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, PeopleStoreTest, ::testing::ValuesIn(db::testing::kEngines),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace jiceng::people
