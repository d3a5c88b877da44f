#include "hierarchy/unit_tree.h"

#include <algorithm>
#include <cstring>
#include <mutex>

#include "common/pinyin.h"

namespace jiceng::hierarchy {
namespace {

// Key that sorts codes as text would ("54" < "5401" < "540424" < "55"):
// digits padded to 15, shorter first on a tie.
std::pair<std::uint64_t, int> TextOrderKey(std::uint64_t code) {
  int digits = CodeDigits(LevelOfCode(code));
  std::uint64_t padded = code;
  for (int d = digits; d < 15; ++d) padded *= 10;
  return {padded, digits};
}

// The code of the parent unit: the code without its last level's digits.
std::uint64_t ParentCode(std::uint64_t code) {
  const Level level = LevelOfCode(code);
  if (level == Level::kProvince) return 0;
  const int drop = CodeDigits(level) - CodeDigits(static_cast<Level>(static_cast<int>(level) - 1));
  std::uint64_t parent = code;
  for (int i = 0; i < drop; ++i) parent /= 10;
  return parent;
}

bool InRanges(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& ranges, std::uint32_t rank) {
  for (const auto& [lo, hi] : ranges) {
    if (rank >= lo && rank < hi) return true;
  }
  return false;
}

bool CodeStartsWith(const std::string& code, std::string_view prefix) {
  return std::string_view(code).substr(0, prefix.size()) == prefix;
}

}  // namespace

Result<std::unique_ptr<UnitTree>> UnitTree::Build(std::vector<UnitRecord> records) {
  std::sort(records.begin(), records.end(), [](const UnitRecord& a, const UnitRecord& b) {
    return TextOrderKey(a.code) < TextOrderKey(b.code);
  });
  std::unique_ptr<UnitTree> tree(new UnitTree());
  tree->nodes_.reserve(records.size() + 1);
  tree->by_rank_.reserve(records.size() + 1);
  tree->by_code_.reserve(records.size() + 1);
  tree->arena_.reserve(records.size() * 22);

  tree->nodes_.push_back(Node{0, 0, 1, 0, 0, -1, 0, 0, Level::kProvince, false, false, false});
  tree->by_rank_.push_back(0);

  // Records arrive in preorder; `open` holds the chain of ancestors of the
  // record being placed, and a subtree closes when its chain entry is popped.
  std::vector<std::uint32_t> open = {0};
  for (UnitRecord& r : records) {
    const std::uint64_t parent_code = ParentCode(r.code);
    while (open.size() > 1 && tree->nodes_[open.back()].code != parent_code) {
      tree->nodes_[open.back()].end = static_cast<std::uint32_t>(tree->by_rank_.size());
      open.pop_back();
    }
    if (tree->nodes_[open.back()].code != parent_code) {
      const std::string c = std::to_string(r.code), p = std::to_string(parent_code);
      return Status::FailedPrecondition(
          "单位 " + c + "（" + r.name + "）的上级 " + p + " 不存在：区划列表不完整。",
          "Unit " + c + " (" + r.name + ") has no parent " + p + ": the division list is incomplete.");
    }
    if (tree->by_code_.count(r.code) != 0) {
      return Status::FailedPrecondition("区划代码 " + std::to_string(r.code) + " 重复出现。",
                                        "Unit code " + std::to_string(r.code) + " appears twice.");
    }
    const auto index = static_cast<std::uint32_t>(tree->nodes_.size());
    const auto rank = static_cast<std::uint32_t>(tree->by_rank_.size());
    tree->nodes_.push_back(Node{r.id, r.code, r.version, 0, 0, static_cast<std::int32_t>(open.back()),
                                rank, 0, LevelOfCode(r.code), r.retired, r.user_defined,
                                IsPlaceholderName(r.name)});
    tree->SetName(index, r.name, r.pinyin);
    tree->by_rank_.push_back(index);
    tree->by_code_.emplace(r.code, index);
    open.push_back(index);
  }
  for (std::uint32_t n : open) tree->nodes_[n].end = static_cast<std::uint32_t>(tree->by_rank_.size());
  return tree;
}

// Decodes the code points of valid UTF-8 `s` (see common/text.h).
std::vector<std::uint32_t> CodePoints(std::string_view s) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

void UnitTree::SetName(std::uint32_t node, std::string_view name, std::string_view pinyin) {
  const auto offset = static_cast<std::uint32_t>(arena_.size());
  arena_.append(name);
  nodes_[node].name_offset = offset;
  nodes_[node].name_length = static_cast<std::uint32_t>(name.size());
  const std::string computed = pinyin.empty() ? PinyinOf(name) : std::string();
  if (pinyin.empty()) pinyin = computed;
  nodes_[node].pinyin_offset = static_cast<std::uint32_t>(pinyin_arena_.size());
  nodes_[node].pinyin_length = static_cast<std::uint32_t>(pinyin.size());
  pinyin_arena_.append(pinyin);
  std::vector<std::uint32_t> chars = CodePoints(name);
  std::sort(chars.begin(), chars.end());
  chars.erase(std::unique(chars.begin(), chars.end()), chars.end());
  for (std::uint32_t cp : chars) {
    std::vector<std::uint32_t>& list = by_char_[cp];
    if (list.empty() || list.back() != node) list.push_back(node);
  }
}

std::size_t UnitTree::size() const {
  std::shared_lock lock(mutex_);
  return nodes_.size() - 1;
}

std::optional<std::uint32_t> UnitTree::IndexOf(std::uint64_t code) const {
  auto it = by_code_.find(code);
  if (it == by_code_.end()) return std::nullopt;
  return it->second;
}

template <typename Fn>
void UnitTree::ForEachChild(std::uint32_t node, Fn&& fn) const {
  // In preorder the first child follows its parent, and each next sibling
  // follows the previous sibling's subtree.
  const Node& n = nodes_[node];
  std::uint32_t r = n.rank + 1;
  while (r < n.end) {
    const std::uint32_t child = by_rank_[r];
    if (!fn(child)) return;
    r = nodes_[child].end;
  }
}

std::uint32_t UnitTree::ActiveChildCount(std::uint32_t node) const {
  std::uint32_t count = 0;
  ForEachChild(node, [&](std::uint32_t c) {
    if (!nodes_[c].retired) ++count;
    return true;
  });
  return count;
}

UnitView UnitTree::ViewOf(std::uint32_t index) const {
  const Node& n = nodes_[index];
  UnitView v;
  v.id = n.id;
  v.code = std::to_string(n.code);
  v.name = std::string(NameOf(n));
  v.level = n.level;
  if (n.parent > 0) v.parent_code = std::to_string(nodes_[n.parent].code);
  v.retired = n.retired;
  v.user_defined = n.user_defined;
  v.placeholder = n.placeholder;
  v.version = n.version;
  v.rank = n.rank;
  v.subtree_end = n.end;
  v.child_count = ActiveChildCount(index);
  return v;
}

std::optional<UnitView> UnitTree::Find(std::uint64_t code) const {
  std::shared_lock lock(mutex_);
  auto index = IndexOf(code);
  if (!index || *index == 0) return std::nullopt;
  return ViewOf(*index);
}

std::vector<UnitView> UnitTree::Path(std::uint64_t code) const {
  std::shared_lock lock(mutex_);
  std::vector<UnitView> path;
  auto index = IndexOf(code);
  if (!index) return path;
  for (std::int32_t p = nodes_[*index].parent; p > 0; p = nodes_[p].parent) {
    path.push_back(ViewOf(static_cast<std::uint32_t>(p)));
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::vector<std::string> UnitTree::PathNames(std::uint64_t code) const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> names;
  auto index = IndexOf(code);
  if (!index) return names;
  for (std::int32_t p = nodes_[*index].parent; p > 0; p = nodes_[p].parent) {
    names.emplace_back(NameOf(nodes_[p]));
  }
  std::reverse(names.begin(), names.end());
  return names;
}

std::optional<UnitPage> UnitTree::Children(std::uint64_t code, std::size_t offset,
                                           std::size_t limit, bool include_retired) const {
  std::shared_lock lock(mutex_);
  std::uint32_t index = 0;
  if (code != 0) {
    auto found = IndexOf(code);
    if (!found) return std::nullopt;
    index = *found;
  }
  UnitPage page;
  ForEachChild(index, [&](std::uint32_t c) {
    if (nodes_[c].retired && !include_retired) return true;
    if (page.total >= offset && page.items.size() < limit) page.items.push_back(ViewOf(c));
    ++page.total;
    return true;
  });
  return page;
}

UnitPage UnitTree::Search(const UnitSearch& search) const {
  std::shared_lock lock(mutex_);
  if (search.text.empty()) return {};
  bool digits = std::all_of(search.text.begin(), search.text.end(),
                            [](char c) { return c >= '0' && c <= '9'; });
  if (digits) return SearchCodes(search);
  if (auto pinyin = PinyinQuery(search.text)) return SearchPinyin(search, *pinyin);
  return SearchNames(search);
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> UnitTree::RankRanges(
    const std::vector<std::uint64_t>& roots) const {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
  for (std::uint64_t root : roots) {
    if (auto index = IndexOf(root)) ranges.emplace_back(nodes_[*index].rank, nodes_[*index].end);
  }
  return ranges;
}

UnitPage UnitTree::SearchCodes(const UnitSearch& search) const {
  // Codes with a given prefix are a contiguous run of ranks (see header).
  const std::string& prefix = search.text;
  auto code_text = [&](std::uint32_t rank) { return std::to_string(nodes_[by_rank_[rank]].code); };
  auto first = std::partition_point(by_rank_.begin() + 1, by_rank_.end(), [&](std::uint32_t node) {
    return std::to_string(nodes_[node].code) < prefix;
  });
  std::uint32_t lo = static_cast<std::uint32_t>(first - by_rank_.begin());
  std::uint32_t hi = lo;
  {
    auto last = std::partition_point(first, by_rank_.end(), [&](std::uint32_t node) {
      return CodeStartsWith(std::to_string(nodes_[node].code), prefix);
    });
    hi = static_cast<std::uint32_t>(last - by_rank_.begin());
  }
  (void)code_text;
  if (search.under) {
    auto under = IndexOf(*search.under);
    if (!under) return {};
    lo = std::max(lo, nodes_[*under].rank);
    hi = std::min(hi, nodes_[*under].end);
  }
  const auto within = RankRanges(search.within);
  UnitPage page;
  for (std::uint32_t r = lo; r < hi; ++r) {
    const std::uint32_t node = by_rank_[r];
    if (nodes_[node].retired && !search.include_retired) continue;
    if (!search.within.empty() && !InRanges(within, r)) continue;
    if (page.total >= search.offset && page.items.size() < search.limit) {
      page.items.push_back(ViewOf(node));
    }
    ++page.total;
  }
  return page;
}

UnitPage UnitTree::SearchNames(const UnitSearch& search) const {
  const std::string& q = search.text;
  std::uint32_t lo = 1, hi = static_cast<std::uint32_t>(by_rank_.size());
  if (search.under) {
    auto under = IndexOf(*search.under);
    if (!under) return {};
    lo = nodes_[*under].rank;
    hi = nodes_[*under].end;
  }
  std::vector<Hit> hits;
  // Candidates: the nodes holding the query's rarest character.
  const std::vector<std::uint32_t>* rarest = nullptr;
  for (std::uint32_t cp : CodePoints(q)) {
    auto it = by_char_.find(cp);
    if (it == by_char_.end()) return {};
    if (rarest == nullptr || it->second.size() < rarest->size()) rarest = &it->second;
  }
  if (rarest == nullptr) return {};
  const auto within = RankRanges(search.within);
  std::int64_t last_node = -1;
  for (std::uint32_t node : *rarest) {
    // A renamed node can be listed twice; lists are ascending otherwise.
    if (static_cast<std::int64_t>(node) == last_node) continue;
    last_node = node;
    const Node& n = nodes_[node];
    if (n.rank < lo || n.rank >= hi) continue;
    if (n.retired && !search.include_retired) continue;
    if (!search.within.empty() && !InRanges(within, n.rank)) continue;
    const std::string_view name = NameOf(n);
    const std::size_t at = name.find(q);
    if (at == std::string_view::npos) continue;
    hits.push_back(Hit{name.size() == q.size() ? 0 : (at == 0 ? 1 : 2), node});
  }
  // A node renamed after others were added sits out of order in a list.
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.node < b.node; });
  hits.erase(std::unique(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.node == b.node; }),
             hits.end());
  return RankHits(std::move(hits), search);
}

UnitPage UnitTree::SearchPinyin(const UnitSearch& search, std::string_view query) const {
  std::uint32_t lo = 1, hi = static_cast<std::uint32_t>(by_rank_.size());
  if (search.under) {
    auto under = IndexOf(*search.under);
    if (!under) return {};
    lo = nodes_[*under].rank;
    hi = nodes_[*under].end;
  }
  const auto within = RankRanges(search.within);
  std::vector<Hit> hits;
  for (std::uint32_t r = lo; r < hi; ++r) {
    const std::uint32_t node = by_rank_[r];
    const Node& n = nodes_[node];
    if (n.retired && !search.include_retired) continue;
    const std::string_view pinyin(pinyin_arena_.data() + n.pinyin_offset, n.pinyin_length);
    const int match = PinyinMatch(pinyin, query);
    if (match < 0) continue;
    if (!search.within.empty() && !InRanges(within, r)) continue;
    hits.push_back(Hit{match, node});
  }
  return RankHits(std::move(hits), search);
}

UnitPage UnitTree::RankHits(std::vector<Hit> hits, const UnitSearch& search) const {
  auto better = [&](const Hit& a, const Hit& b) {
    const Node& x = nodes_[a.node];
    const Node& y = nodes_[b.node];
    if (a.match != b.match) return a.match < b.match;
    if (x.level != y.level) return x.level < y.level;
    return x.rank < y.rank;
  };
  UnitPage page;
  page.total = hits.size();
  const std::size_t want = std::min(hits.size(), search.offset + search.limit);
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(want), hits.end(), better);
  for (std::size_t i = search.offset; i < want; ++i) page.items.push_back(ViewOf(hits[i].node));
  return page;
}

std::vector<std::uint64_t> UnitTree::CodesInSubtree(std::uint64_t code, Level level, bool include_retired) const {
  std::shared_lock lock(mutex_);
  std::vector<std::uint64_t> out;
  auto index = IndexOf(code);
  if (!index) return out;
  for (std::uint32_t r = nodes_[*index].rank; r < nodes_[*index].end; ++r) {
    const Node& n = nodes_[by_rank_[r]];
    if (n.level == level && (include_retired || !n.retired)) out.push_back(n.code);
  }
  return out;
}

std::vector<std::int64_t> UnitTree::IdsInSubtree(std::uint64_t code, std::size_t skip, std::size_t max) const {
  std::shared_lock lock(mutex_);
  std::vector<std::int64_t> out;
  std::size_t begin = 0;
  std::size_t end = by_rank_.size();
  if (code != 0) {
    auto index = IndexOf(code);
    if (!index) return out;
    begin = nodes_[*index].rank;
    end = nodes_[*index].end;
  } else if (!by_rank_.empty() && nodes_[by_rank_[0]].code == 0) {
    begin = 1;  // the country's own node holds no unit
  }
  for (std::size_t r = begin + skip; r < end && out.size() < max; ++r) out.push_back(nodes_[by_rank_[r]].id);
  return out;
}

std::vector<std::pair<std::uint64_t, std::int64_t>> UnitTree::ChildIds(std::uint64_t code) const {
  std::shared_lock lock(mutex_);
  std::vector<std::pair<std::uint64_t, std::int64_t>> out;
  std::uint32_t index = 0;
  if (code != 0) {
    auto found = IndexOf(code);
    if (!found) return out;
    index = *found;
  }
  ForEachChild(index, [&](std::uint32_t c) {
    out.emplace_back(nodes_[c].code, nodes_[c].id);
    return true;
  });
  return out;
}

UnitPage UnitTree::UnitsAt(std::optional<std::uint64_t> root, Level level, std::size_t offset,
                           std::size_t limit) const {
  std::shared_lock lock(mutex_);
  UnitPage page;
  std::size_t begin = 0;
  std::size_t end = by_rank_.size();
  if (root) {
    auto index = IndexOf(*root);
    if (!index) return page;
    begin = nodes_[*index].rank;
    end = nodes_[*index].end;
  }
  for (std::size_t r = begin; r < end; ++r) {
    const Node& n = nodes_[by_rank_[r]];
    if (n.level != level || n.retired) continue;
    if (page.total >= offset && page.items.size() < limit) page.items.push_back(ViewOf(by_rank_[r]));
    ++page.total;
  }
  return page;
}

Result<std::uint64_t> UnitTree::NextGroupCode(std::uint64_t village_code) const {
  std::shared_lock lock(mutex_);
  auto index = IndexOf(village_code);
  if (!index) return Status::NotFound("单位不存在。", "No such unit.", "code");
  std::uint64_t highest = 0;
  ForEachChild(*index, [&](std::uint32_t c) {
    highest = std::max(highest, nodes_[c].code % 1000);
    return true;
  });
  if (highest >= 999) {
    return Status::FailedPrecondition("该村已有 999 个村民小组编号，无法再添加。",
                                      "This village has used all 999 villager-group numbers.");
  }
  return village_code * 1000 + highest + 1;
}

bool UnitTree::HasActiveChildNamed(std::uint64_t parent, std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto index = IndexOf(parent);
  if (!index) return false;
  bool found = false;
  ForEachChild(*index, [&](std::uint32_t c) {
    if (!nodes_[c].retired && NameOf(nodes_[c]) == name) found = true;
    return !found;
  });
  return found;
}

Status UnitTree::AddChild(std::uint64_t parent_code, UnitRecord child) {
  std::unique_lock lock(mutex_);
  auto parent = IndexOf(parent_code);
  if (!parent) return Status::NotFound("上级单位不存在。", "The parent unit does not exist.");
  if (by_code_.count(child.code) != 0) {
    return Status::Conflict("区划代码已存在。", "The unit code exists already.", "code");
  }
  // The new child goes last under its parent: at the parent's subtree end.
  // Every unit from there on moves up one rank, and the parent and its
  // ancestors grow by one. (A previous sibling whose subtree also ends
  // there does not grow: it is not an ancestor.)
  const std::uint32_t pos = nodes_[*parent].end;
  for (Node& n : nodes_) {
    if (n.rank >= pos) {
      ++n.rank;
      ++n.end;
    }
  }
  for (std::int32_t a = static_cast<std::int32_t>(*parent); a >= 0; a = nodes_[a].parent) ++nodes_[a].end;
  const auto index = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(Node{child.id, child.code, child.version, 0, 0, static_cast<std::int32_t>(*parent),
                        pos, pos + 1, LevelOfCode(child.code), child.retired, child.user_defined,
                        false});
  SetName(index, child.name, child.pinyin);
  by_rank_.insert(by_rank_.begin() + pos, index);
  by_code_.emplace(child.code, index);
  return Status::Ok();
}

Status UnitTree::Rename(std::uint64_t code, std::string name, std::int64_t version) {
  std::unique_lock lock(mutex_);
  auto index = IndexOf(code);
  if (!index) return Status::NotFound("单位不存在。", "No such unit.", "code");
  SetName(*index, name, {});
  nodes_[*index].placeholder = IsPlaceholderName(name);
  nodes_[*index].version = version;
  return Status::Ok();
}

Status UnitTree::SetRetired(std::uint64_t code, bool retired, std::int64_t version) {
  std::unique_lock lock(mutex_);
  auto index = IndexOf(code);
  if (!index) return Status::NotFound("单位不存在。", "No such unit.", "code");
  nodes_[*index].retired = retired;
  nodes_[*index].version = version;
  return Status::Ok();
}

}  // namespace jiceng::hierarchy
