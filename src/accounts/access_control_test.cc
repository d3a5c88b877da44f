#include "accounts/access_control.h"

#include <gtest/gtest.h>

#include "accounts/password.h"

namespace jiceng::accounts {
namespace {

constexpr const char* kRoles = R"yaml(
permissions:
  units.read: {zh: 查看, en: View}
  units.groups.write: {zh: 写, en: Write}
  roles.grant: {zh: 授予, en: Grant}
roles:
  - id: admin
    name: {zh: 管理员, en: Admin}
    permissions: [units.read, units.groups.write, roles.grant]
    levels: [nation]
  - id: county
    name: {zh: 县, en: County}
    permissions: [units.read, units.groups.write, roles.grant]
    levels: [county]
  - id: reader
    name: {zh: 读者, en: Reader}
    permissions: [units.read]
    levels: [county, township, village]
)yaml";

std::unique_ptr<hierarchy::UnitTree> SmallTree() {
  std::vector<hierarchy::UnitRecord> r;
  std::int64_t id = 1;
  for (std::uint64_t code : {54ull, 5404ull, 540424ull, 540424100ull, 540424100201ull, 540424100202ull, 540424101ull,
                             51ull, 5133ull, 513322ull}) {
    r.push_back({id++, code, "u" + std::to_string(code), false, false, 1});
  }
  return std::move(hierarchy::UnitTree::Build(std::move(r))).value();
}

class AccessControlTest : public ::testing::Test {
 protected:
  AccessControlTest()
      : roles_(std::move(RoleRegistry::LoadText(kRoles, "test")).value()), tree_(SmallTree()), access_(roles_, *tree_) {}
  Principal With(std::vector<Grant> grants) {
    Principal p;
    p.user_id = 1;
    p.grants = std::move(grants);
    return p;
  }
  RoleRegistry roles_;
  std::unique_ptr<hierarchy::UnitTree> tree_;
  AccessControl access_;
};

TEST_F(AccessControlTest, AGrantCoversItsUnitAndEverythingBelowOnly) {
  Principal p = With({{1, "county", 540424}});
  EXPECT_TRUE(access_.Allows(p, "units.read", 540424));
  EXPECT_TRUE(access_.Allows(p, "units.read", 540424100201));
  EXPECT_FALSE(access_.Allows(p, "units.read", 5404)) << "not the parent";
  EXPECT_FALSE(access_.Allows(p, "units.read", 513322)) << "not elsewhere";
  EXPECT_FALSE(access_.Allows(p, "units.read", std::nullopt)) << "not nationwide";
  EXPECT_FALSE(access_.Allows(p, "audit.read", 540424)) << "not a permission the role lacks";
}

TEST_F(AccessControlTest, NationwideGrantCoversEverything) {
  Principal p = With({{1, "admin", std::nullopt}});
  EXPECT_TRUE(access_.Allows(p, "units.read", 513322));
  EXPECT_TRUE(access_.Allows(p, "units.read", std::nullopt));
  EXPECT_TRUE(access_.ScopeOf(p, "units.read").nationwide);
}

TEST_F(AccessControlTest, ScopeDropsNestedRoots) {
  Principal p = With({{1, "reader", 540424}, {2, "reader", 540424100}, {3, "reader", 513322}});
  Scope s = access_.ScopeOf(p, "units.read");
  EXPECT_FALSE(s.nationwide);
  EXPECT_EQ(s.roots, (std::vector<std::uint64_t>{513322, 540424}));
}

TEST_F(AccessControlTest, ATokenNarrowsTheUsersGrants) {
  Principal p = With({{1, "county", 540424}});
  p.token_unit = 540424100201;
  EXPECT_TRUE(access_.Allows(p, "units.read", 540424100201));
  EXPECT_FALSE(access_.Allows(p, "units.read", 540424100202)) << "a sibling of the token's unit";
  EXPECT_FALSE(access_.Allows(p, "units.read", 540424));
  // A token wider than the user gives no more than the user has.
  Principal q = With({{1, "reader", 540424100}});
  q.token_unit = 54;
  EXPECT_TRUE(access_.Allows(q, "units.read", 540424100201));
  EXPECT_FALSE(access_.Allows(q, "units.read", 540424101));
}

TEST_F(AccessControlTest, NobodyGrantsMoreThanTheyHold) {
  Principal county = With({{1, "county", 540424}});
  EXPECT_TRUE(access_.CheckCanGrant(county, *roles_.FindRole("reader"), 540424100).ok());
  EXPECT_EQ(access_.CheckCanGrant(county, *roles_.FindRole("reader"), 513322).code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(access_.CheckCanGrant(county, *roles_.FindRole("admin"), std::nullopt).code(),
            ErrorCode::kPermissionDenied);
  Principal reader = With({{1, "reader", 540424}});
  EXPECT_EQ(access_.CheckCanGrant(reader, *roles_.FindRole("reader"), 540424100).code(),
            ErrorCode::kPermissionDenied);
}

TEST(RoleRegistry, ShippedDefinitionsLoad) {
  auto path = RoleRegistry::FindRolesFile();
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  auto registry = RoleRegistry::LoadFile(*path);
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  for (const char* id : {"system_admin", "org_department", "township_staff", "village_cadre", "work_team", "auditor"}) {
    EXPECT_NE(registry->FindRole(id), nullptr) << id;
  }
  // Nothing serves a public notice board: no role or permission for it.
  EXPECT_EQ(registry->FindRole("public"), nullptr);
  EXPECT_EQ(registry->FindPermission("public.read"), nullptr);
  EXPECT_TRUE(registry->FindRole("system_admin")->grantable_nationwide);
}

TEST(RoleRegistry, MistakesAreNamedWithTheirLine) {
  auto unknown_perm = RoleRegistry::LoadText(R"yaml(
permissions:
  units.read: {zh: 查看, en: View}
roles:
  - id: x
    name: {zh: X, en: X}
    permissions: [units.raed]
    levels: [county]
)yaml", "roles.yaml");
  ASSERT_FALSE(unknown_perm.ok());
  EXPECT_NE(unknown_perm.status().message_en().find("roles.yaml:7"), std::string::npos)
      << unknown_perm.status().message_en();
  EXPECT_NE(unknown_perm.status().message_en().find("units.raed"), std::string::npos);
  auto bad_level = RoleRegistry::LoadText(R"yaml(
permissions:
  units.read: {zh: 查看, en: View}
roles:
  - id: x
    name: {zh: X, en: X}
    permissions: [units.read]
    levels: [city]
)yaml", "roles.yaml");
  ASSERT_FALSE(bad_level.ok());
  EXPECT_NE(bad_level.status().message_en().find("city"), std::string::npos);
  EXPECT_FALSE(RoleRegistry::LoadText("permissions: [", "roles.yaml").ok());
}

TEST(Password, HashesVerifyAndPolicyExplains) {
  InitCrypto();
  auto hash = HashPassword("correct horse battery");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse batterY"));
  EXPECT_EQ(CheckPasswordPolicy("short", "bob").field(), "password");
  EXPECT_EQ(CheckPasswordPolicy("zhang.san", "zhang.san").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CheckPasswordPolicy("aaaaaaaaaa", "bob").code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(CheckPasswordPolicy("山高水长-2026", "bob").ok());
  EXPECT_NE(RandomToken(), RandomToken());
  EXPECT_EQ(TokenDigest("abc").size(), 64u);
}

}  // namespace
}  // namespace jiceng::accounts
