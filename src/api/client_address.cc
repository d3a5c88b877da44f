#include "api/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace jiceng::api {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitCommas(std::string_view list) {
  std::vector<std::string_view> items;
  while (true) {
    const std::size_t comma = list.find(',');
    items.push_back(Trim(list.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return items;
}

bool IsV4Mapped(const Bytes& b) {
  static constexpr std::uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(b.data(), kPrefix, sizeof kPrefix) == 0;
}

// Parses an address into 16 bytes (IPv4 as ::ffff:a.b.c.d). Accepts "[v6]",
// and a port after an IPv4 address or a bracketed IPv6 one, as some proxies
// write them into X-Forwarded-For.
std::optional<Bytes> ParseAddress(std::string_view text) {
  text = Trim(text);
  if (text.empty() || text.size() > 64) return std::nullopt;
  if (text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    text = text.substr(1, close - 1);
  } else if (std::count(text.begin(), text.end(), ':') == 1 && text.find('.') != std::string_view::npos) {
    text = text.substr(0, text.find(':'));  // "10.0.0.1:4567"
  }
  const std::string s(text);
  Bytes out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

std::string Format(const Bytes& b) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (IsV4Mapped(b)) {
    inet_ntop(AF_INET, b.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, b.data(), buf, sizeof buf);
  }
  return buf;
}

bool SameNetwork(const Bytes& a, const Bytes& b, int prefix_bits) {
  const int whole = prefix_bits / 8;
  if (std::memcmp(a.data(), b.data(), static_cast<std::size_t>(whole)) != 0) return false;
  const int rest = prefix_bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[static_cast<std::size_t>(whole)] & mask) == (b[static_cast<std::size_t>(whole)] & mask);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<AddressSet> AddressSet::Parse(std::string_view list, const std::string& field) {
  AddressSet set;
  if (Trim(list).empty()) return set;
  for (std::string_view item : SplitCommas(list)) {
    auto bad = [&] {
      return Status::InvalidArgument(
          field,
          "--" + field + "：“" + std::string(item) +
              "” 不是 IP 地址或网段；请写成 127.0.0.1、10.0.0.0/8、::1 这样，多个用逗号隔开。",
          "--" + field + ": \"" + std::string(item) +
              "\" is not an IP address or network; write 127.0.0.1, 10.0.0.0/8 or ::1, several separated by commas.");
    };
    if (item.empty()) return bad();
    const std::size_t slash = item.find('/');
    const std::string_view address = item.substr(0, slash);
    // A network is written plainly ("10.0.0.0/8"), never with a port or brackets.
    if (address.find('[') != std::string_view::npos ||
        (address.find('.') != std::string_view::npos && address.find(':') != std::string_view::npos &&
         address.rfind("::ffff:", 0) != 0)) {
      return bad();
    }
    std::optional<Bytes> bytes = ParseAddress(address);
    if (!bytes) return bad();
    const bool v4 = address.find(':') == std::string_view::npos;
    int prefix = v4 ? 32 : 128;
    if (slash != std::string_view::npos) {
      const std::string_view bits = item.substr(slash + 1);
      auto [ptr, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
      if (bits.empty() || ec != std::errc() || ptr != bits.data() + bits.size() || prefix < 0 ||
          prefix > (v4 ? 32 : 128)) {
        return bad();
      }
    }
    if (v4) prefix += 96;
    set.ranges_.push_back({*bytes, prefix});
  }
  return set;
}

bool AddressSet::Contains(std::string_view address) const {
  std::optional<Bytes> bytes = ParseAddress(address);
  if (!bytes) return false;
  return std::any_of(ranges_.begin(), ranges_.end(),
                     [&](const Range& r) { return SameNetwork(*bytes, r.bytes, r.prefix_bits); });
}

std::string AddressSet::ToString() const {
  std::string out;
  for (const Range& r : ranges_) {
    if (!out.empty()) out += ',';
    const bool v4 = IsV4Mapped(r.bytes) && r.prefix_bits >= 96;
    out += Format(r.bytes);
    const int bits = v4 ? r.prefix_bits - 96 : r.prefix_bits;
    if (bits != (v4 ? 32 : 128)) out += "/" + std::to_string(bits);
  }
  return out;
}

std::optional<std::string> CanonicalAddress(std::string_view text) {
  std::optional<Bytes> bytes = ParseAddress(text);
  if (!bytes) return std::nullopt;
  return Format(*bytes);
}

ClientOrigin ResolveClient(std::string_view peer, const ForwardingHeaders& headers, const AddressSet& trusted) {
  ClientOrigin origin;
  origin.address = CanonicalAddress(peer).value_or(std::string(peer));
  if (!trusted.Contains(peer)) {
    origin.untrusted_forwarding = headers.any;
    return origin;
  }
  if (!headers.forwarded_for.empty()) {
    std::vector<std::string_view> hops = SplitCommas(headers.forwarded_for);
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
      std::optional<std::string> hop = CanonicalAddress(*it);
      if (!hop) break;  // garbage: keep the last trusted hop
      origin.address = *hop;
      if (!trusted.Contains(*hop)) break;  // the first address no trusted proxy vouches for
    }
  }
  if (!headers.forwarded_proto.empty()) {
    std::string_view proto = headers.forwarded_proto;
    if (const std::size_t comma = proto.rfind(','); comma != std::string_view::npos) proto.remove_prefix(comma + 1);
    origin.https = Lower(Trim(proto)) == "https";
  }
  return origin;
}

}  // namespace jiceng::api
