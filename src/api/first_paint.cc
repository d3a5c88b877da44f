#include "api/first_paint.h"

#include <charconv>
#include <cstdint>
#include <vector>

#include "api/handlers/units_handler.h"
#include "api/server.h"
#include "common/text.h"
#include "hierarchy/unit.h"

namespace jiceng::api {
namespace {

using hierarchy::Level;
using hierarchy::UnitTree;
using hierarchy::UnitView;

constexpr const char* kReadPermission = "units.read";
// As the app: the hierarchy page lists 50 units first, search results 20 a page, a unit's page
// its first 50 children (HierarchyView.vue, UnitOverview.vue).
constexpr std::size_t kListLimit = 50;
constexpr std::size_t kSearchPageSize = 20;
constexpr std::size_t kMaxSearchPage = 10'000;

// One string in both languages; the texts match web/src/locales/{zh-CN,en}/<domain>.json
// (units.json for this page).
struct Text {
  const char* zh;
  const char* en;
  const char* operator()(Lang lang) const { return lang == Lang::kZh ? zh : en; }
};

constexpr Text kAppShort{"基层工作平台", "Jiceng"};
constexpr Text kHierarchyTitle{"区划浏览", "Units"};
constexpr Text kHierarchySubtitle{
    "逐级查看省、市、县、乡、村和村民小组；可按名称或代码搜索，繁体字也能找到。",
    "Browse provinces, prefectures, counties, townships, villages and villager groups; search by "
    "name or code (traditional characters work too)."};
constexpr Text kSearchLabel{"搜索单位", "Search units"};
constexpr Text kSearchPlaceholder{"输入名称或代码，如 泸定、540424", "Name or code, e.g. 泸定 or 540424"};
constexpr Text kSearch{"搜索", "Search"};
constexpr Text kMyUnits{"我的管辖范围：", "My areas:"};
constexpr Text kName{"名称", "Name"};
constexpr Text kLevel{"层级", "Level"};
constexpr Text kCode{"区划代码", "Division code"};
constexpr Text kChildCount{"下级单位数", "Subunits"};
constexpr Text kNation{"全国", "Nationwide"};
constexpr Text kBreadcrumb{"所在位置", "Location"};
constexpr Text kNoResults{"没有找到匹配的单位，请换个关键词试试", "No unit matches. Try another word."};
constexpr Text kNoData{"暂无数据", "No data"};
constexpr Text kRetired{"已撤销", "Retired"};
constexpr Text kPrevious{"上一页", "Previous page"};
constexpr Text kNext{"下一页", "Next page"};
constexpr Text kLoadingApp{"完整功能正在加载…", "The full app is loading…"};

Text LevelText(Level level) {
  switch (level) {
    case Level::kProvince: return {"省级", "Province"};
    case Level::kPrefecture: return {"地级", "Prefecture"};
    case Level::kCounty: return {"县级", "County"};
    case Level::kTownship: return {"乡级", "Township"};
    case Level::kVillage: return {"村级", "Village"};
    case Level::kGroup: return {"村民小组", "Villager group"};
  }
  return {"", ""};
}

// levelLong in the catalogues: what a unit's children are called.
Text LevelLongText(Level level) {
  switch (level) {
    case Level::kProvince: return {"省（自治区、直辖市）", "Provinces"};
    case Level::kPrefecture: return {"市（地区、州）", "Prefectures"};
    case Level::kCounty: return {"县（市、区）", "Counties and districts"};
    case Level::kTownship: return {"乡镇（街道）", "Townships"};
    case Level::kVillage: return {"村（社区）", "Villages and communities"};
    case Level::kGroup: return {"村民小组", "Villager groups"};
  }
  return {"", ""};
}

// 5580 -> "5,580", as Intl.NumberFormat does for zh-CN and en.
std::string FormatCount(std::size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// Replaces "{n}", "{q}", "{level}" in a catalogue message.
std::string Format(std::string message, std::string_view name, std::string_view value) {
  const std::string key = "{" + std::string(name) + "}";
  for (std::size_t pos = message.find(key); pos != std::string::npos; pos = message.find(key, pos + value.size())) {
    message.replace(pos, key.size(), value);
  }
  return message;
}

// Percent-encodes a query value (UTF-8 bytes as %XX, except unreserved characters).
std::string UrlEncode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

class Html {
 public:
  Html& Raw(std::string_view s) {
    out_.append(s);
    return *this;
  }
  Html& Esc(std::string_view s) {
    out_.append(HtmlEscape(s));
    return *this;
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

void LevelTag(Html& html, const UnitView& unit, Lang lang) {
  html.Raw("<span class=\"fp-tag fp-lv-").Raw(hierarchy::LevelName(unit.level)).Raw("\">")
      .Esc(LevelText(unit.level)(lang)).Raw("</span>");
  if (unit.retired) html.Raw(" <span class=\"fp-tag fp-retired\">").Esc(kRetired(lang)).Raw("</span>");
}

void UnitLink(Html& html, const UnitView& unit, const UnitTree& tree) {
  html.Raw("<a class=\"fp-link\" href=\"/units/").Raw(unit.code).Raw("\">").Esc(DisplayName(unit, tree)).Raw("</a>");
}

// A table of units: name (a link; with its ancestors' names for search results), level, code
// and number of children — the columns of the app's hierarchy table.
void UnitTable(Html& html, const std::vector<UnitView>& units, const UnitTree& tree, bool with_path,
               std::string_view empty_text, Lang lang) {
  html.Raw("<table class=\"fp-table\"><thead><tr><th scope=\"col\">").Esc(kName(lang))
      .Raw("</th><th scope=\"col\">").Esc(kLevel(lang))
      .Raw("</th><th scope=\"col\">").Esc(kCode(lang))
      .Raw("</th><th scope=\"col\" class=\"fp-num\">").Esc(kChildCount(lang)).Raw("</th></tr></thead><tbody>");
  for (const UnitView& u : units) {
    html.Raw("<tr><td>");
    UnitLink(html, u, tree);
    if (with_path) {
      const std::vector<std::string> names = tree.PathNames(std::stoull(u.code));
      if (!names.empty()) {
        html.Raw("<div class=\"fp-path\">");
        for (std::size_t i = 0; i < names.size(); ++i) html.Raw(i ? " / " : "").Esc(names[i]);
        html.Raw("</div>");
      }
    }
    html.Raw("</td><td>");
    LevelTag(html, u, lang);
    html.Raw("</td><td class=\"fp-mono\">").Raw(u.code).Raw("</td><td class=\"fp-num\">")
        .Raw(FormatCount(u.child_count)).Raw("</td></tr>");
  }
  if (units.empty()) {
    html.Raw("<tr><td colspan=\"4\" class=\"fp-empty\">").Esc(empty_text).Raw("</td></tr>");
  }
  html.Raw("</tbody></table>");
}

void SearchForm(Html& html, std::string_view q, Lang lang) {
  html.Raw("<form class=\"fp-search\" action=\"/units\" method=\"get\" role=\"search\">"
           "<label for=\"fp-q\" class=\"fp-hidden\">").Esc(kSearchLabel(lang))
      .Raw("</label><input id=\"fp-q\" name=\"q\" type=\"search\" maxlength=\"64\" value=\"").Esc(q)
      .Raw("\" placeholder=\"").Esc(kSearchPlaceholder(lang))
      .Raw("\"><button type=\"submit\">").Esc(kSearch(lang)).Raw("</button></form>");
}

// The signed-in user's own areas (the units of their grants), as HierarchyView shows them.
void MyUnits(Html& html, const accounts::Principal& principal, const accounts::AccessControl& access, Lang lang) {
  std::vector<std::uint64_t> codes;
  for (const accounts::Grant& g : principal.grants) {
    if (!g.unit_code) continue;
    bool seen = false;
    for (std::uint64_t c : codes) seen = seen || c == *g.unit_code;
    if (!seen) codes.push_back(*g.unit_code);
  }
  std::vector<UnitView> units;
  for (std::uint64_t code : codes) {
    if (auto u = access.tree().Find(code); u && access.Allows(principal, kReadPermission, code)) {
      units.push_back(*u);
    }
  }
  if (units.empty()) return;
  html.Raw("<p class=\"fp-my\"><span class=\"fp-muted\">").Esc(kMyUnits(lang)).Raw("</span>");
  for (const UnitView& u : units) {
    html.Raw(" ");
    UnitLink(html, u, access.tree());
  }
  html.Raw("</p>");
}

void Begin(Html& html, Lang lang) {
  // The app's frame (AppLayout.vue: side menu, header bar, page), so that the app mounting over
  // this changes little on screen. The side menu holds the one page that works without the app.
  html.Raw("<div class=\"fp\" data-first-paint><aside class=\"fp-aside\"><div class=\"fp-logo\">"
           "<a class=\"fp-home\" href=\"/units\"><span class=\"fp-mark\" aria-hidden=\"true\">基</span>")
      .Esc(kAppShort(lang)).Raw("</a></div><nav class=\"fp-menu\"><a href=\"/units\">").Esc(kHierarchyTitle(lang))
      .Raw("</a></nav></aside><div class=\"fp-body\"><header class=\"fp-header\">"
           "<a class=\"fp-home fp-phone\" href=\"/units\"><span class=\"fp-mark\" aria-hidden=\"true\">基</span>")
      .Esc(kAppShort(lang)).Raw("</a><span class=\"fp-loading\">").Esc(kLoadingApp(lang))
      .Raw("</span></header><main class=\"fp-page\" id=\"main\">");
}

void End(Html& html) { html.Raw("</main></div></div>"); }

// /units/{code}: the unit's ancestors, its name and level, and its first children.
std::optional<std::string> UnitPage(std::string_view code_text, std::string_view q,
                                    const accounts::Principal& principal, const accounts::AccessControl& access,
                                    Lang lang) {
  auto code = hierarchy::ParseUnitCode(code_text);
  if (!code.ok()) return std::nullopt;
  const UnitTree& tree = access.tree();
  auto unit = tree.Find(*code);
  if (!unit || !access.Allows(principal, kReadPermission, *code)) return std::nullopt;

  Html html;
  Begin(html, lang);
  html.Raw("<nav class=\"fp-crumbs\" aria-label=\"").Esc(kBreadcrumb(lang)).Raw("\"><a class=\"fp-link\" href=\"/units\">")
      .Esc(kNation(lang)).Raw("</a>");
  for (const UnitView& a : tree.Path(*code)) {
    html.Raw(" <span class=\"fp-sep\">/</span> ");
    // Ancestors outside the caller's scope are named but not linked: the link would be refused.
    if (access.Allows(principal, kReadPermission, std::stoull(a.code))) {
      UnitLink(html, a, tree);
    } else {
      html.Esc(DisplayName(a, tree));
    }
  }
  html.Raw(" <span class=\"fp-sep\">/</span> <span aria-current=\"page\">").Esc(DisplayName(*unit, tree))
      .Raw("</span></nav>");
  html.Raw("<h1 class=\"fp-title\">").Esc(DisplayName(*unit, tree)).Raw("</h1><p class=\"fp-meta\">");
  LevelTag(html, *unit, lang);
  html.Raw(" <span class=\"fp-mono fp-muted\">").Raw(unit->code).Raw("</span></p>");
  html.Raw("<section class=\"fp-card\">");
  SearchForm(html, q, lang);
  html.Raw("</section>");
  if (unit->level != Level::kGroup) {
    const Level child_level = static_cast<Level>(static_cast<int>(unit->level) + 1);
    auto page = tree.Children(*code, 0, kListLimit, /*include_retired=*/false);
    const std::size_t total = page ? page->total : 0;
    html.Raw("<section class=\"fp-card\"><h2 class=\"fp-card-title\">")
        .Esc(Format(Format(lang == Lang::kZh ? "下辖{level}，共 {n} 个" : "{level} ({n})", "level",
                           LevelLongText(child_level)(lang)),
                    "n", FormatCount(total)))
        .Raw("</h2>");
    UnitTable(html, page ? page->items : std::vector<UnitView>{}, tree, false, kNoData(lang), lang);
    html.Raw("</section>");
  }
  End(html);
  return html.Take();
}

// /units: the provinces (or the caller's own areas), or with ?q= one page of search results.
std::optional<std::string> HierarchyPage(const FirstPaintRequest& request, const accounts::Principal& principal,
                                         const accounts::AccessControl& access) {
  const Lang lang = request.lang;
  const accounts::Scope scope = access.ScopeOf(principal, kReadPermission);
  if (scope.empty()) return std::nullopt;
  const UnitTree& tree = access.tree();
  // The search text as the API takes it (SearchUnits): checked, trimmed, simplified.
  if (!IsValidUtf8(request.q) || HasControlChars(request.q)) return std::nullopt;
  const std::string shown_q = Trim(request.q);
  const std::string text = ToSimplified(shown_q);
  if (Utf8Length(text) > kMaxQueryChars) return std::nullopt;
  std::size_t page_number = 1;
  if (!request.page.empty()) {
    auto [ptr, ec] = std::from_chars(request.page.data(), request.page.data() + request.page.size(), page_number);
    if (ec != std::errc() || ptr != request.page.data() + request.page.size() || page_number < 1 ||
        page_number > kMaxSearchPage) {
      page_number = 1;  // as the app: a bad page number shows the first page
    }
  }

  Html html;
  Begin(html, lang);
  html.Raw("<div class=\"fp-head\"><h1 class=\"fp-title\">").Esc(kHierarchyTitle(lang))
      .Raw("</h1><p class=\"fp-subtitle\">").Esc(kHierarchySubtitle(lang)).Raw("</p></div>");
  html.Raw("<section class=\"fp-card\">");
  SearchForm(html, shown_q, lang);
  if (text.empty()) MyUnits(html, principal, access, lang);
  html.Raw("</section><section class=\"fp-card\"><h2 class=\"fp-card-title\">");
  if (text.empty()) {
    hierarchy::UnitPage page;
    if (scope.nationwide) {
      page = *tree.Children(0, 0, kListLimit, false);
    } else {
      for (std::uint64_t root : scope.roots) {
        if (page.items.size() < kListLimit) {
          if (auto u = tree.Find(root)) page.items.push_back(*u);
        }
        ++page.total;
      }
    }
    html.Esc(Format(lang == Lang::kZh ? "省级单位，共 {n} 个" : "Provinces: {n}", "n", FormatCount(page.total)))
        .Raw("</h2>");
    UnitTable(html, page.items, tree, true, kNoData(lang), lang);
  } else {
    hierarchy::UnitSearch search{text, std::nullopt, (page_number - 1) * kSearchPageSize, kSearchPageSize, false, {}};
    if (!scope.nationwide) search.within = scope.roots;
    const hierarchy::UnitPage page = tree.Search(search);
    html.Esc(Format(Format(lang == Lang::kZh ? "“{q}”的搜索结果，共 {n} 个" : "Results for “{q}”: {n}", "q", shown_q),
                    "n", FormatCount(page.total)))
        .Raw("</h2>");
    UnitTable(html, page.items, tree, true, kNoResults(lang), lang);
    const bool has_previous = page_number > 1;
    const bool has_next = page_number * kSearchPageSize < page.total;
    if (has_previous || has_next) {
      const std::string base = "/units?q=" + UrlEncode(shown_q);
      html.Raw("<nav class=\"fp-pager\">");
      if (has_previous) {
        html.Raw("<a class=\"fp-link\" href=\"").Esc(base + (page_number > 2 ? "&page=" + std::to_string(page_number - 1) : ""))
            .Raw("\">").Esc(kPrevious(lang)).Raw("</a>");
      }
      if (has_next) {
        html.Raw("<a class=\"fp-link\" href=\"").Esc(base + "&page=" + std::to_string(page_number + 1)).Raw("\">")
            .Esc(kNext(lang)).Raw("</a>");
      }
      html.Raw("</nav>");
    }
  }
  html.Raw("</section>");
  End(html);
  return html.Take();
}

}  // namespace

bool IsFirstPaintPath(std::string_view path) {
  if (path == "/" || path == "/units" || path == "/units/") return true;
  constexpr std::string_view kPrefix = "/units/";
  return path.starts_with(kPrefix) && IsDigits(path.substr(kPrefix.size()));
}

std::optional<std::string> RenderFirstPaint(const FirstPaintRequest& request, const accounts::Principal& principal,
                                            const accounts::AccessControl& access) {
  if (!IsFirstPaintPath(request.path)) return std::nullopt;
  constexpr std::string_view kPrefix = "/units/";
  if (request.path.starts_with(kPrefix) && request.path.size() > kPrefix.size()) {
    return UnitPage(request.path.substr(kPrefix.size()), "", principal, access, request.lang);
  }
  return HierarchyPage(request, principal, access);
}

std::optional<std::string> InsertFirstPaint(std::string_view index_html, std::string_view fragment, Lang lang) {
  const std::size_t begin = index_html.find(kFirstPaintBegin);
  if (begin == std::string_view::npos) return std::nullopt;
  const std::size_t end = index_html.find(kFirstPaintEnd, begin);
  if (end == std::string_view::npos) return std::nullopt;
  std::string out;
  out.reserve(index_html.size() + fragment.size());
  out.append(index_html.substr(0, begin + kFirstPaintBegin.size()));
  out.append(fragment);
  out.append(index_html.substr(end));
  if (lang == Lang::kEn) {
    constexpr std::string_view kZhLang = "<html lang=\"zh-CN\">";
    if (auto pos = out.find(kZhLang); pos != std::string::npos) out.replace(pos, kZhLang.size(), "<html lang=\"en\">");
  }
  return out;
}

Lang FirstPaintLang(std::string_view cookie_header, std::string_view accept_language) {
  const std::string chosen = CookieValue(cookie_header, kLangCookie);
  if (chosen == "en") return Lang::kEn;
  if (chosen == "zh-CN") return Lang::kZh;
  return LangFromAcceptLanguage(accept_language);
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out.append("&amp;"); break;
      case '<': out.append("&lt;"); break;
      case '>': out.append("&gt;"); break;
      case '"': out.append("&quot;"); break;
      case '\'': out.append("&#39;"); break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace jiceng::api
