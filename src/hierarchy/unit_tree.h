// The whole administrative hierarchy in memory, in preorder: every unit has a
// rank, and the units under X are exactly the ranks [X.rank, X.subtree_end).
// That makes "everything under X" an interval, which later layers (scopes,
// roll-up figures) build on. Because each code extends its parent's code and
// siblings are kept in code order, preorder is also code (text) order, so a
// code-prefix search is a binary search.
//
// Thread-safe: readers share a lock and get copies (UnitView); the mutators
// take it exclusively. The tree mirrors the `units` table: HierarchyService
// changes it only after the database write has committed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"
#include "hierarchy/unit.h"

namespace jiceng::hierarchy {

// One unit as loaded from the database or about to be added.
struct UnitRecord {
  std::int64_t id = 0;
  std::uint64_t code = 0;
  std::string name = {};
  bool retired = false;
  bool user_defined = false;
  std::int64_t version = 1;
  std::string pinyin = {};  // as PinyinOf(name) writes it; computed by the tree when empty
};

struct UnitPage {
  std::vector<UnitView> items = {};
  std::size_t total = 0;  // matches before paging
};

struct UnitSearch {
  std::string text = {};                     // already trimmed and simplified
  std::optional<std::uint64_t> under = {};   // only units in this subtree
  std::size_t offset = 0;
  std::size_t limit = 20;
  bool include_retired = false;
  std::vector<std::uint64_t> within = {};    // if not empty: only units in these subtrees
};

class UnitTree {
 public:
  // Builds the tree from `records` in any order. Fails with
  // kFailedPrecondition naming the first unit whose parent (the code one
  // level up, e.g. 5404 for 540424) is missing.
  static Result<std::unique_ptr<UnitTree>> Build(std::vector<UnitRecord> records);

  UnitTree(const UnitTree&) = delete;
  UnitTree& operator=(const UnitTree&) = delete;

  std::size_t size() const;  // units, retired included
  std::optional<UnitView> Find(std::uint64_t code) const;
  // Ancestors of `code`, province first, excluding the unit itself. Empty
  // for a province or an unknown code.
  std::vector<UnitView> Path(std::uint64_t code) const;
  // Just the names of those ancestors.
  std::vector<std::string> PathNames(std::uint64_t code) const;
  // Children in code order; std::nullopt when `code` is unknown. `code` 0
  // lists the provinces.
  std::optional<UnitPage> Children(std::uint64_t code, std::size_t offset, std::size_t limit,
                                   bool include_retired) const;
  // Name contains the text (exact names first, then prefixes, then higher
  // levels); for Latin letters, the name's pinyin matches it (full spelling
  // or initials from a syllable on: "luding", "lu ding", "ld" find 泸定县;
  // same order); for digits, code starts with the text (in code order).
  UnitPage Search(const UnitSearch& search) const;

  // Codes of the units of `level` in the subtree of `code` (itself
  // included), in code order; retired units only when asked.
  std::vector<std::uint64_t> CodesInSubtree(std::uint64_t code, Level level, bool include_retired) const;
  // Ids of the units in the subtree of `code` (itself first; 0 = the whole
  // country), retired ones included, in code order: the `skip`-th on, at
  // most `max` of them. Walks a large subtree a slice at a time.
  std::vector<std::int64_t> IdsInSubtree(std::uint64_t code, std::size_t skip, std::size_t max) const;
  // The children of `code` (0: the provinces) as (code, id), retired ones
  // included, in code order; empty for an unknown code or a leaf.
  std::vector<std::pair<std::uint64_t, std::int64_t>> ChildIds(std::uint64_t code) const;
  // Active units of `level` under `root` (the whole country when nullopt), in
  // code order, paged; total counts them all.
  UnitPage UnitsAt(std::optional<std::uint64_t> root, Level level, std::size_t offset, std::size_t limit) const;

  // The next unused villager-group code under a village: village code x 1000
  // + (highest existing group number + 1), retired groups included so codes
  // are never reused. kFailedPrecondition once 999 groups exist.
  Result<std::uint64_t> NextGroupCode(std::uint64_t village_code) const;
  // True when a child of `parent` that is not retired is named `name`.
  bool HasActiveChildNamed(std::uint64_t parent, std::string_view name) const;

  // Mutators; REQUIRES: the change is already committed to the database.
  // Adds `child` as the last child of `parent` (its code sorts last).
  Status AddChild(std::uint64_t parent, UnitRecord child);
  Status Rename(std::uint64_t code, std::string name, std::int64_t version);
  Status SetRetired(std::uint64_t code, bool retired, std::int64_t version);

 private:
  struct Node {
    std::int64_t id = {};
    std::uint64_t code = {};
    std::int64_t version = {};
    std::uint32_t name_offset = {};  // into arena_
    std::uint32_t name_length = {};
    std::int32_t parent = {};        // node index; -1 for the root
    std::uint32_t rank = {};         // preorder
    std::uint32_t end = {};          // one past the last rank of the subtree
    Level level = {};
    bool retired = {};
    bool user_defined = {};
    bool placeholder = {};
    std::uint32_t pinyin_offset = {};  // into pinyin_arena_
    std::uint32_t pinyin_length = {};
  };
  struct Hit {
    int match;  // 0 exact, 1 prefix, 2 contains
    std::uint32_t node;
  };

  UnitTree() = default;
  // Sets the name and its pinyin (computed from the name when empty).
  void SetName(std::uint32_t node, std::string_view name, std::string_view pinyin);  // REQUIRES: lock held
  std::string_view NameOf(const Node& n) const { return {arena_.data() + n.name_offset, n.name_length}; }
  UnitView ViewOf(std::uint32_t node) const;                            // REQUIRES: lock held
  std::optional<std::uint32_t> IndexOf(std::uint64_t code) const;      // REQUIRES: lock held
  std::uint32_t ActiveChildCount(std::uint32_t node) const;             // REQUIRES: lock held
  template <typename Fn> void ForEachChild(std::uint32_t node, Fn&& fn) const;
  // Rank intervals of the subtrees of `roots` (unknown codes are skipped).
  std::vector<std::pair<std::uint32_t, std::uint32_t>> RankRanges(const std::vector<std::uint64_t>& roots) const;
  UnitPage SearchCodes(const UnitSearch& search) const;
  UnitPage SearchNames(const UnitSearch& search) const;
  UnitPage SearchPinyin(const UnitSearch& search, std::string_view query) const;
  // Orders hits (exact, prefix, contains; then higher levels; then code
  // order) and cuts the page.
  UnitPage RankHits(std::vector<Hit> hits, const UnitSearch& search) const;

  mutable std::shared_mutex mutex_;
  // Node 0 is an unnamed root above the provinces, so that every real unit
  // has a parent and the provinces are its children.
  std::vector<Node> nodes_;                          // GUARDED_BY(mutex_)
  std::vector<std::uint32_t> by_rank_;               // GUARDED_BY(mutex_): rank -> node
  std::unordered_map<std::uint64_t, std::uint32_t> by_code_;  // GUARDED_BY(mutex_)
  // Every name ever given, back to back. A rename appends the new name and
  // repoints the node; the old bytes stay until the next start.
  std::string arena_;                                // GUARDED_BY(mutex_)
  // Name search index: for each character (code point), the nodes whose name
  // holds it, ascending. A search scans the list of the query's rarest
  // character and checks each candidate's current name, so lists may keep
  // entries of names since renamed (they fail the check).
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> by_char_;  // GUARDED_BY(mutex_)
  // Every pinyin ever set, back to back, like arena_. A pinyin search scans
  // the nodes of its range (a few milliseconds for the whole country).
  std::string pinyin_arena_;                         // GUARDED_BY(mutex_)
};

}  // namespace jiceng::hierarchy
