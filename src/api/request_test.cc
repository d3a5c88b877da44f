#include "api/request.h"

#include <gtest/gtest.h>

namespace jiceng::api {
namespace {

ApiRequest WithBody(std::string body) {
  ApiRequest r;
  r.body = std::move(body);
  return r;
}

TEST(JsonBody, ReadsFieldsAndRejectsUnknownOnes) {
  auto body = JsonBody::Parse(WithBody(R"({"name":"一组","version":3})"));
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body->RequiredString("name"), "一组");
  EXPECT_EQ(**body->OptionalInt("version"), 3);
  EXPECT_TRUE(body->Finish().ok());

  auto extra = JsonBody::Parse(WithBody(R"({"name":"一组","nmae":"x"})"));
  ASSERT_TRUE(extra->RequiredString("name").ok());
  EXPECT_EQ(extra->Finish().field(), "nmae");
}

TEST(JsonBody, WrongTypesNameTheField) {
  auto body = JsonBody::Parse(WithBody(R"({"name":5,"version":"2"})"));
  EXPECT_EQ(body->RequiredString("name").status().field(), "name");
  EXPECT_EQ(body->OptionalInt("version").status().field(), "version");
  auto missing = JsonBody::Parse(WithBody("{}"));
  EXPECT_EQ(missing->RequiredString("name").status().field(), "name");
}

TEST(JsonBody, MalformedAndNonObjectBodiesAreRefused) {
  EXPECT_EQ(JsonBody::Parse(WithBody("{bad")).status().code(), ErrorCode::kMalformedRequest);
  EXPECT_EQ(JsonBody::Parse(WithBody("[1]")).status().code(), ErrorCode::kMalformedRequest);
  EXPECT_EQ(JsonBody::Parse(WithBody("")).status().code(), ErrorCode::kMalformedRequest);
  EXPECT_TRUE(JsonBody::Parse(WithBody(" "), /*allow_empty=*/true).ok());
}

TEST(Query, NumbersAreCheckedAgainstTheirRange) {
  ApiRequest r;
  r.query = {{"limit", "201"}, {"offset", "-1"}, {"x", "abc"}, {"ok", "20"}, {"flag", "yes"}};
  EXPECT_EQ(r.QueryUint("limit", 50, 1, 200).status().field(), "limit");
  EXPECT_EQ(r.QueryUint("offset", 0, 0, 100).status().field(), "offset");
  EXPECT_EQ(r.QueryUint("x", 0, 0, 100).status().field(), "x");
  EXPECT_EQ(*r.QueryUint("ok", 0, 0, 100), 20u);
  EXPECT_EQ(*r.QueryUint("absent", 7, 0, 100), 7u);
  EXPECT_EQ(r.QueryBool("flag", false).status().field(), "flag");
}

}  // namespace
}  // namespace jiceng::api
