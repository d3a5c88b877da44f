// The server-rendered first screen of the hierarchy pages (区划浏览 /units and a unit's page
// /units/{code}): a small static HTML version of what the app shows first — the breadcrumb of
// ancestors, the unit's name and level, a plain search form and the first page of children or
// search results as a table of links. It is put into index.html inside <div id="app">, so a
// signed-in user can read and follow links before the app's JavaScript has arrived (on a slow
// link that takes seconds); the Vue app then mounts over it. Plain links and a GET form: every
// click is a normal navigation, which the server renders again.
//
// Everything here is a pure function of the tree, the caller's grants and the request, so it is
// tested without a server; server.cc decides when to call it (a GET for one of these paths with
// a valid session) and sends the result with Cache-Control: no-store and Vary: Cookie.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "accounts/access_control.h"
#include "accounts/principal.h"
#include "common/status.h"

namespace jiceng::api {

// The comments index.html (web/index.html) places around the boot screen inside
// <div id="app">; the first paint replaces what lies between them.
inline constexpr std::string_view kFirstPaintBegin = "<!--jiceng:first-paint-->";
inline constexpr std::string_view kFirstPaintEnd = "<!--/jiceng:first-paint-->";

// The name of the cookie in which the app remembers the chosen language ("en" or "zh-CN").
inline constexpr const char* kLangCookie = "jiceng_lang";

struct FirstPaintRequest {
  std::string_view path;  // the request path: "/", "/units", "/units/540424"
  std::string_view q;     // the decoded ?q= (search text), or ""
  std::string_view page;  // the decoded ?page= of the search results, or ""
  Lang lang = Lang::kZh;
};

// True for the client routes that have a first paint: "/", "/units", "/units/" and
// "/units/{digits}".
bool IsFirstPaintPath(std::string_view path);

// The HTML to show inside <div id="app"> for `request`, as `principal` may see it; std::nullopt
// when nothing is to be rendered: not one of those paths, an unknown or malformed code, a search
// text the API would refuse, or a principal without units.read on the unit (nor anywhere, for
// /units) — the app then shows its own not-found, error or forbidden page. Only units inside
// the principal's units.read scope are listed; ancestors outside it are named but not linked.
// Every text is escaped (villager-group names are user input).
std::optional<std::string> RenderFirstPaint(const FirstPaintRequest& request,
                                            const accounts::Principal& principal,
                                            const accounts::AccessControl& access);

// `index_html` with `fragment` in place of what lies between kFirstPaintBegin and
// kFirstPaintEnd, and <html lang> set for `lang`; std::nullopt when the markers are missing
// (an index.html built before they existed: serve it unchanged).
std::optional<std::string> InsertFirstPaint(std::string_view index_html, std::string_view fragment, Lang lang);

// The language to render in: the kLangCookie cookie when it says "en" or "zh-CN", else the
// Accept-Language header.
Lang FirstPaintLang(std::string_view cookie_header, std::string_view accept_language);

// `text` escaped for HTML element content and quoted attribute values (& < > " ').
std::string HtmlEscape(std::string_view text);

}  // namespace jiceng::api
