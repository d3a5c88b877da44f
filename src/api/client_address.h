// Who is on the other end of a request when Jiceng runs behind a reverse
// proxy that terminates TLS (nginx; see docs/deploy.md): the client's address
// and whether the browser's connection is HTTPS.
//
// The direct peer of a proxied request is the proxy, so the client's address
// and scheme come from the headers the proxy adds (X-Forwarded-For,
// X-Forwarded-Proto). Anyone can send those headers, so they are believed
// only when the direct peer is one of the trusted proxies (`jiceng serve
// --trusted-proxy`); otherwise they are ignored and the peer is the client —
// a client forging X-Forwarded-For cannot pick the address its failed
// sign-ins are counted against, nor the one the audit log records.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace jiceng::api {

// A set of IP addresses and networks: "127.0.0.1", "10.0.0.0/8", "::1",
// "fd00::/8". IPv4 addresses also match their IPv4-mapped IPv6 form
// (::ffff:10.1.2.3), which a server listening on [::] sees.
class AddressSet {
 public:
  // Parses a comma-separated list (spaces around items allowed). An empty
  // list is the empty set. kInvalidArgument naming `field` and the item that
  // is neither an address nor a network.
  static Result<AddressSet> Parse(std::string_view list, const std::string& field);

  // False for anything that is not an IP address.
  bool Contains(std::string_view address) const;
  bool empty() const { return ranges_.empty(); }
  // The list as parsed, canonical ("127.0.0.0/8,::1"), for logs.
  std::string ToString() const;

 private:
  struct Range {
    std::array<std::uint8_t, 16> bytes{};  // IPv6, IPv4 as ::ffff:a.b.c.d
    int prefix_bits = 128;
  };
  std::vector<Range> ranges_;
};

// An IP address in canonical text ("::ffff:10.0.0.1" -> "10.0.0.1",
// "2001:DB8::1" -> "2001:db8::1"), or nullopt when `text` is not one. A port
// is not part of an address; "[::1]" is accepted for ::1.
std::optional<std::string> CanonicalAddress(std::string_view text);

// The forwarding headers of a request, as received.
struct ForwardingHeaders {
  std::string forwarded_for = {};    // every X-Forwarded-For field, joined by ","
  std::string forwarded_proto = {};  // every X-Forwarded-Proto field, joined by ","
  // The request carries any forwarding header (X-Forwarded-For,
  // X-Forwarded-Proto, X-Real-IP, Forwarded).
  bool any = false;
};

// What the server makes of a request's origin.
struct ClientOrigin {
  std::string address = {};  // the client's address (canonical)
  bool https = false;        // a trusted proxy said X-Forwarded-Proto: https
  // Forwarding headers came from a peer that is not a trusted proxy: the
  // request passed through a proxy we were not told about (or the headers
  // are forged), so `address` may be a proxy's, not the client's.
  bool untrusted_forwarding = false;
};

// The origin of a request from `peer` (the TCP peer's address) with
// `headers`, believing the headers only when `peer` is in `trusted`.
//
// The client address is the rightmost entry of X-Forwarded-For that is not a
// trusted proxy: every trusted proxy appends the address it received the
// request from, so entries right of that one were written by proxies we
// trust and entries left of it by the client (possibly forged). When every
// entry is trusted, the leftmost; when the walk meets an entry that is not an
// IP address (a proxy forwarding garbage), the last trusted hop before it.
// The scheme is the last X-Forwarded-Proto value (the nearest proxy's).
ClientOrigin ResolveClient(std::string_view peer, const ForwardingHeaders& headers, const AddressSet& trusted);

}  // namespace jiceng::api
