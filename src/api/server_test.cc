#include "api/server.h"

#include <gtest/gtest.h>

#include "api/errors.h"

namespace jiceng::api {
namespace {

TEST(AcceptLanguage, ChineseUnlessEnglishIsPreferred) {
  EXPECT_EQ(LangFromAcceptLanguage(""), Lang::kZh);
  EXPECT_EQ(LangFromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8"), Lang::kZh);
  EXPECT_EQ(LangFromAcceptLanguage("en-US,en;q=0.9"), Lang::kEn);
  EXPECT_EQ(LangFromAcceptLanguage("fr-FR, en;q=0.5, zh;q=0.7"), Lang::kZh);
  EXPECT_EQ(LangFromAcceptLanguage("fr-FR"), Lang::kZh);
  EXPECT_EQ(LangFromAcceptLanguage("EN"), Lang::kEn);
}

TEST(Listen, ParsesHostAndPort) {
  ServerOptions o;
  ASSERT_TRUE(ParseListen("127.0.0.1:9090", o).ok());
  EXPECT_EQ(o.address, "127.0.0.1");
  EXPECT_EQ(o.port, 9090);
  ASSERT_TRUE(ParseListen("[::1]:8081", o).ok());
  EXPECT_EQ(o.address, "::1");
  for (const char* bad : {"8080", "host:", "host:0", "host:70000", "host:80x"}) {
    EXPECT_EQ(ParseListen(bad, o).field(), "listen") << bad;
  }
}

TEST(Errors, EveryCodeMapsToAnHttpErrorStatus) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kPayloadTooLarge), 413);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnavailable), 503);
  auto body = ErrorBody(Status::InvalidArgument("name", "名称为空", "name is empty"), Lang::kEn);
  EXPECT_EQ(body["error"]["code"], "invalid_argument");
  EXPECT_EQ(body["error"]["message"], "name is empty");
  EXPECT_EQ(body["error"]["field"], "name");
  // Internal errors never show their detail.
  auto internal = ErrorBody(Status::Internal("SELECT secret FROM x"), Lang::kZh);
  EXPECT_EQ(internal.dump().find("SELECT"), std::string::npos);
}

}  // namespace
}  // namespace jiceng::api
