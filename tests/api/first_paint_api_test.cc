// The server-rendered first screen of the hierarchy pages (src/api/first_paint.h): GET /units,
// /units/{code} and / with a valid session come back as index.html with the page's first screen
// inside <div id="app">; without one (or without the right to read the unit) index.html comes
// back unchanged. The server serves a small index.html of this test's own with the markers the
// web build puts in (web/index.html), so the test needs no npm build.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "test_server.h"

namespace jiceng::apitest {
namespace {

using nlohmann::json;

constexpr const char* kPassword = "FirstPaint-Passw0rd!";

const std::string kIndexHtml =
    "<!doctype html>\n<html lang=\"zh-CN\">\n<head><title>基层工作平台</title></head>\n<body>\n"
    "<div id=\"app\"><!--jiceng:first-paint--><p class=\"boot\">正在加载…</p><!--/jiceng:first-paint--></div>\n"
    "<script type=\"module\" src=\"/assets/index.js\"></script>\n</body>\n</html>\n";

class FirstPaintApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    start_error_.clear();
    web_dir_ = TestDir() / "first_paint_web";
    std::filesystem::create_directories(web_dir_);
    std::ofstream(web_dir_ / "index.html", std::ios::binary) << kIndexHtml;
    server_ = StartSuiteServer("first_paint", &start_error_, {"--web", web_dir_.string()});
    if (!server_) return;
    auto admin = SignIn(server_->port(), AdminUsername(), AdminPassword(), &start_error_);
    if (!admin) {
      server_.reset();
      return;
    }
    admin_ = std::move(*admin);
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override { ASSERT_NE(server_, nullptr) << start_error_; }

  static Http AsAdmin() { return Http(server_->port(), admin_.AuthHeaders()); }
  // What a browser sends by itself on a navigation: the cookie, no CSRF token.
  static HttpResponse Page(const Session& session, const std::string& target, Headers extra = {}) {
    Headers headers = session.CookieOnly();
    headers.insert(headers.end(), extra.begin(), extra.end());
    return Http(server_->port()).Get(target, headers);
  }
  static HttpResponse AdminPage(const std::string& target, Headers extra = {}) {
    return Page(admin_, target, std::move(extra));
  }

  // The first village of 扎木镇 (540424100) and a village of another township.
  static std::string FirstChild(const std::string& code) {
    HttpResponse r = AsAdmin().Get("/api/v1/units/" + code + "/children?limit=1");
    EXPECT_EQ(r.status, 200) << r;
    return r.json["items"][0]["code"];
  }

  // A village cadre granted `village` only; signed in.
  static Session VillageCadre(const std::string& village) {
    Http admin = AsAdmin();
    const std::string username = "fp_cadre_" + village;
    HttpResponse u = admin.PostJson("/api/v1/users", {{"username", username},
                                                      {"display_name", "村干部"},
                                                      {"password", kPassword},
                                                      {"unit_code", village}});
    EXPECT_EQ(u.status, 201) << u;
    const json& id_json = u.json["user"]["id"];
    const std::string id =
        id_json.is_number_integer() ? std::to_string(id_json.get<long long>()) : id_json.get<std::string>();
    HttpResponse g = admin.PostJson("/api/v1/users/" + id + "/roles",
                                    {{"role", "village_cadre"}, {"unit_code", village}});
    EXPECT_EQ(g.status, 201) << g;
    std::string why;
    auto session = SignIn(server_->port(), username, kPassword, &why);
    EXPECT_TRUE(session.has_value()) << why;
    return session.value_or(Session{});
  }

  static bool Rendered(const HttpResponse& r) { return r.body.find("data-first-paint") != std::string::npos; }

  static inline std::unique_ptr<TestServer> server_;
  static inline std::string start_error_;
  static inline std::filesystem::path web_dir_;
  static inline Session admin_;
};

TEST_F(FirstPaintApi, SignedInUnitsListsTheProvincesAsLinks) {
  HttpResponse r = AdminPage("/units");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Header("content-type").value_or(""), "text/html; charset=utf-8");
  EXPECT_TRUE(Rendered(r)) << r.body;
  EXPECT_NE(r.body.find("<a class=\"fp-link\" href=\"/units/54\">西藏自治区</a>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("省级单位，共 31 个"), std::string::npos) << r.body;
  // The plain search form, and the rest of index.html around the rendering (the app's script).
  EXPECT_NE(r.body.find("<form class=\"fp-search\" action=\"/units\" method=\"get\""), std::string::npos);
  EXPECT_NE(r.body.find("name=\"q\""), std::string::npos);
  EXPECT_NE(r.body.find("<script type=\"module\" src=\"/assets/index.js\"></script>"), std::string::npos);
  // The boot screen is replaced, not added to.
  EXPECT_EQ(r.body.find("<p class=\"boot\">"), std::string::npos) << r.body;
  // No inline script anywhere (the CSP forbids them; the test's index.html has none).
  EXPECT_EQ(r.body.find("<script>"), std::string::npos);
}

TEST_F(FirstPaintApi, RenderedPagesAreNeverCachedAndVaryByCookie) {
  HttpResponse r = AdminPage("/units");
  ASSERT_TRUE(Rendered(r)) << r;
  EXPECT_EQ(r.Header("cache-control").value_or(""), "no-store");
  EXPECT_NE(r.Header("vary").value_or("").find("Cookie"), std::string::npos) << r;
  EXPECT_NE(r.Header("content-security-policy").value_or("").find("default-src 'self'"), std::string::npos);
  // Compressed when the browser accepts gzip (this client does not decode it: raw gzip bytes).
  HttpResponse gz = AdminPage("/units", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(gz.status, 200) << gz;
  EXPECT_EQ(gz.Header("content-encoding").value_or(""), "gzip");
  ASSERT_GE(gz.body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz.body[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gz.body[1]), 0x8b);
  EXPECT_LT(gz.body.size(), r.body.size() / 2);
  // The plain file (signed out) keeps its own caching.
  HttpResponse plain = Http(server_->port()).Get("/units");
  EXPECT_EQ(plain.Header("cache-control").value_or(""), "no-cache");
}

TEST_F(FirstPaintApi, TheRootRendersTheHierarchyPage) {
  HttpResponse r = AdminPage("/");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_NE(r.body.find("href=\"/units/54\">西藏自治区</a>"), std::string::npos) << r.body;
}

TEST_F(FirstPaintApi, AUnitPageShowsItsAncestorsNameLevelAndChildren) {
  HttpResponse r = AdminPage("/units/540424");
  ASSERT_EQ(r.status, 200) << r;
  ASSERT_TRUE(Rendered(r)) << r.body;
  // The breadcrumb: 全国 / 西藏自治区 / 林芝市 / 波密县, the ancestors as links.
  const std::size_t nation = r.body.find("<a class=\"fp-link\" href=\"/units\">全国</a>");
  const std::size_t tibet = r.body.find("<a class=\"fp-link\" href=\"/units/54\">西藏自治区</a>");
  const std::size_t nyingchi = r.body.find("<a class=\"fp-link\" href=\"/units/5404\">林芝市</a>");
  const std::size_t bomi = r.body.find("<span aria-current=\"page\">波密县</span>");
  ASSERT_NE(nation, std::string::npos) << r.body;
  ASSERT_NE(tibet, std::string::npos) << r.body;
  ASSERT_NE(nyingchi, std::string::npos) << r.body;
  ASSERT_NE(bomi, std::string::npos) << r.body;
  EXPECT_LT(nation, tibet);
  EXPECT_LT(tibet, nyingchi);
  EXPECT_LT(nyingchi, bomi);
  EXPECT_NE(r.body.find("<h1 class=\"fp-title\">波密县</h1>"), std::string::npos);
  EXPECT_NE(r.body.find("<span class=\"fp-tag fp-lv-county\">县级</span>"), std::string::npos);
  // Its 10 townships, 扎木镇 among them, with their numbers of villages.
  EXPECT_NE(r.body.find("下辖乡镇（街道），共 10 个"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<a class=\"fp-link\" href=\"/units/540424100\">扎木镇</a>"), std::string::npos) << r.body;
}

TEST_F(FirstPaintApi, AProvinceListsItsFirstFiftyChildren) {
  HttpResponse r = AdminPage("/units/54");
  ASSERT_TRUE(Rendered(r)) << r;
  EXPECT_NE(r.body.find("href=\"/units/5404\">林芝市</a>"), std::string::npos) << r.body;
  // A county-rich province: 四川省 has more than 50 counties, but a prefecture has fewer; a
  // township with more than 50 villages shows 50 rows.
  HttpResponse big = AdminPage("/units/513322");  // 泸定县
  ASSERT_TRUE(Rendered(big)) << big;
  std::size_t rows = 0;
  for (std::size_t pos = big.body.find("<tr><td>"); pos != std::string::npos; pos = big.body.find("<tr><td>", pos + 1)) {
    ++rows;
  }
  HttpResponse api = AsAdmin().Get("/api/v1/units/513322/children?limit=50");
  ASSERT_EQ(api.status, 200) << api;
  EXPECT_EQ(rows, api.json["items"].size());
}

TEST_F(FirstPaintApi, SignedOutGetsIndexHtmlUnchanged) {
  for (const std::string target : {"/units", "/units/540424", "/", "/units?q=%E6%B3%B8%E5%AE%9A"}) {
    HttpResponse r = Http(server_->port()).Get(target);
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.body, kIndexHtml) << target;
  }
  // A cookie that names no session is the same as none.
  HttpResponse stale = Http(server_->port()).Get("/units", {{"Cookie", "jiceng_session=not-a-session"}});
  ASSERT_EQ(stale.status, 200) << stale;
  EXPECT_EQ(stale.body, kIndexHtml);
  // Other client routes are never rendered, signed in or not.
  HttpResponse users = AdminPage("/admin/users");
  ASSERT_EQ(users.status, 200) << users;
  EXPECT_EQ(users.body, kIndexHtml);
  // An unknown unit: the app shows its own not-found page.
  EXPECT_EQ(AdminPage("/units/99").body, kIndexHtml);
}

TEST_F(FirstPaintApi, AVillageCadreSeesOnlyTheirVillage) {
  const std::string village = FirstChild("540424100");
  const std::string other_village = FirstChild("540424101");
  Session cadre = VillageCadre(village);
  ASSERT_FALSE(cadre.token.empty());

  HttpResponse own = Page(cadre, "/units/" + village);
  ASSERT_TRUE(Rendered(own)) << own;
  // Ancestors outside the cadre's scope are named, not linked.
  EXPECT_NE(own.body.find("扎木镇"), std::string::npos);
  EXPECT_EQ(own.body.find("href=\"/units/540424100\""), std::string::npos) << own.body;
  EXPECT_EQ(own.body.find("href=\"/units/54\""), std::string::npos) << own.body;

  // Units outside the village: nothing rendered, the app says "forbidden".
  for (const std::string& target : std::vector<std::string>{"/units/540424", "/units/" + other_village, "/units/54"}) {
    HttpResponse r = Page(cadre, target);
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.body, kIndexHtml) << target;
  }

  // /units lists the cadre's own area only, not the provinces.
  HttpResponse list = Page(cadre, "/units");
  ASSERT_TRUE(Rendered(list)) << list;
  EXPECT_NE(list.body.find("href=\"/units/" + village + "\""), std::string::npos) << list.body;
  EXPECT_EQ(list.body.find("西藏自治区</a>"), std::string::npos) << list.body;
  EXPECT_EQ(list.body.find("href=\"/units/" + other_village + "\""), std::string::npos);
  // A search finds nothing outside it.
  HttpResponse search = Page(cadre, "/units?q=" + UrlEncode("泸定"));
  ASSERT_TRUE(Rendered(search)) << search;
  EXPECT_EQ(search.body.find("513322"), std::string::npos) << search.body;
  EXPECT_NE(search.body.find("没有找到匹配的单位"), std::string::npos) << search.body;
}

TEST_F(FirstPaintApi, AGroupNamedLikeAScriptComesOutInert) {
  const std::string village = FirstChild("540424102");
  const std::string name = "<script>alert(1)</script>";
  HttpResponse added = AsAdmin().PostJson("/api/v1/units/" + village + "/groups", {{"name", name}});
  ASSERT_EQ(added.status, 201) << added;
  const std::string group = added.json["unit"]["code"];

  HttpResponse children = AdminPage("/units/" + village);
  ASSERT_TRUE(Rendered(children)) << children;
  EXPECT_NE(children.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << children.body;
  EXPECT_EQ(children.body.find(name), std::string::npos) << children.body;

  HttpResponse own = AdminPage("/units/" + group);
  ASSERT_TRUE(Rendered(own)) << own;
  EXPECT_NE(own.body.find("<h1 class=\"fp-title\">&lt;script&gt;alert(1)&lt;/script&gt;</h1>"), std::string::npos)
      << own.body;
  EXPECT_EQ(own.body.find(name), std::string::npos);

  // Search text is user input too: it comes back escaped in the heading and the form.
  HttpResponse search = AdminPage("/units?q=" + UrlEncode("\"><script>alert(2)</script>"));
  ASSERT_TRUE(Rendered(search)) << search;
  EXPECT_EQ(search.body.find("<script>alert(2)"), std::string::npos) << search.body;
  EXPECT_NE(search.body.find("value=\"&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;\""), std::string::npos)
      << search.body;
}

TEST_F(FirstPaintApi, ASearchInTraditionalCharactersFindsLuding) {
  HttpResponse r = AdminPage("/units?q=" + UrlEncode("瀘定"));
  ASSERT_TRUE(Rendered(r)) << r;
  EXPECT_NE(r.body.find("<a class=\"fp-link\" href=\"/units/513322\">泸定县</a>"), std::string::npos) << r.body;
  // With its ancestors' names, as the app shows search results, and the text in the form.
  EXPECT_NE(r.body.find("四川省 / 甘孜藏族自治州"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("value=\"瀘定\""), std::string::npos);
  EXPECT_NE(r.body.find("“瀘定”的搜索结果"), std::string::npos) << r.body;
}

TEST_F(FirstPaintApi, SearchResultsArePagedLikeTheApp) {
  // 村 matches far more than 20 units: page 1 links page 2, page 2 links both ways.
  HttpResponse first = AdminPage("/units?q=" + UrlEncode("村"));
  ASSERT_TRUE(Rendered(first)) << first;
  EXPECT_NE(first.body.find("href=\"/units?q=%E6%9D%91&amp;page=2\""), std::string::npos) << first.body;
  HttpResponse second = AdminPage("/units?q=" + UrlEncode("村") + "&page=2");
  ASSERT_TRUE(Rendered(second)) << second;
  EXPECT_NE(second.body.find("href=\"/units?q=%E6%9D%91\""), std::string::npos) << second.body;
  EXPECT_NE(second.body.find("href=\"/units?q=%E6%9D%91&amp;page=3\""), std::string::npos);
  HttpResponse api = AsAdmin().Get("/api/v1/units?q=" + UrlEncode("村") + "&offset=20&limit=20");
  ASSERT_EQ(api.status, 200) << api;
  const std::string first_of_page_two = api.json["items"][0]["code"];
  EXPECT_NE(second.body.find("href=\"/units/" + first_of_page_two + "\""), std::string::npos);
}

TEST_F(FirstPaintApi, TheLanguageCookieThenAcceptLanguageChooseTheLanguage) {
  // Both cookies in one header, as a browser sends them.
  HttpResponse en = Http(server_->port()).Get("/units", {{"Cookie", "jiceng_session=" + admin_.token + "; jiceng_lang=en"}});
  ASSERT_TRUE(Rendered(en)) << en;
  EXPECT_NE(en.body.find("Provinces: 31"), std::string::npos) << en.body;
  EXPECT_NE(en.body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_EQ(en.body.find("省级单位"), std::string::npos);

  HttpResponse by_header = AdminPage("/units/540424", {{"Accept-Language", "en-US,en;q=0.9"}});
  ASSERT_TRUE(Rendered(by_header)) << by_header;
  EXPECT_NE(by_header.body.find("Townships (10)"), std::string::npos) << by_header.body;
  EXPECT_NE(by_header.body.find(">County</span>"), std::string::npos);

  // The cookie wins over the header.
  HttpResponse zh = Http(server_->port()).Get(
      "/units", {{"Cookie", "jiceng_session=" + admin_.token + "; jiceng_lang=zh-CN"}, {"Accept-Language", "en"}});
  ASSERT_TRUE(Rendered(zh)) << zh;
  EXPECT_NE(zh.body.find("省级单位，共 31 个"), std::string::npos);
  EXPECT_NE(zh.body.find("<html lang=\"zh-CN\">"), std::string::npos);
}

TEST_F(FirstPaintApi, ABearerTokenWorksAsTheCookieDoes) {
  HttpResponse t = AsAdmin().PostJson("/api/v1/tokens", {{"name", "first-paint"}});
  ASSERT_EQ(t.status, 201) << t;
  const std::string token = t.json.value("secret", "");
  ASSERT_FALSE(token.empty()) << t;
  HttpResponse r = Http(server_->port()).Get("/units/540424", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(Rendered(r)) << r;
  EXPECT_NE(r.body.find("<h1 class=\"fp-title\">波密县</h1>"), std::string::npos);
}

}  // namespace
}  // namespace jiceng::apitest
