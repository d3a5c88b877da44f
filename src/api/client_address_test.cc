#include "api/client_address.h"

#include <gtest/gtest.h>

namespace jiceng::api {
namespace {

AddressSet Set(std::string_view list) {
  auto set = AddressSet::Parse(list, "trusted-proxy");
  EXPECT_TRUE(set.ok()) << list << ": " << set.status().ToString();
  return set.ok() ? *set : AddressSet{};
}

TEST(AddressSet, MatchesAddressesAndNetworks) {
  const AddressSet set = Set("127.0.0.1, 10.0.0.0/8,192.168.1.128/25,fd00::/8,::1");
  for (const char* in : {"127.0.0.1", "10.0.0.1", "10.255.255.255", "192.168.1.200", "fd12:3456::1", "::1",
                         "::ffff:10.1.2.3", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(set.Contains(in)) << in;
  }
  for (const char* out : {"127.0.0.2", "11.0.0.1", "192.168.1.127", "fe80::1", "::2", "", "localhost",
                          "10.0.0.1.5", "::ffff:11.0.0.1"}) {
    EXPECT_FALSE(set.Contains(out)) << out;
  }
  EXPECT_EQ(set.ToString(), "127.0.0.1,10.0.0.0/8,192.168.1.128/25,fd00::/8,::1");
  // Prefixes that do not end on a byte, and the whole address space.
  EXPECT_TRUE(Set("172.16.0.0/12").Contains("172.31.255.1"));
  EXPECT_FALSE(Set("172.16.0.0/12").Contains("172.32.0.1"));
  EXPECT_TRUE(Set("0.0.0.0/0").Contains("203.0.113.9"));
  EXPECT_FALSE(Set("0.0.0.0/0").Contains("2001:db8::1"));
  EXPECT_TRUE(Set("").empty());
  EXPECT_FALSE(Set("").Contains("127.0.0.1"));
}

TEST(AddressSet, RefusesWhatIsNotAnAddressNamingTheItem) {
  for (const char* bad : {"localhost", "10.0.0.0/33", "::1/129", "10.0.0.1:80", "[::1]", "10.0.0.0/", "1.2.3",
                          "127.0.0.1,", "10.0.0.0/8x"}) {
    auto set = AddressSet::Parse(bad, "trusted-proxy");
    ASSERT_FALSE(set.ok()) << bad;
    EXPECT_EQ(set.status().field(), "trusted-proxy") << bad;
    EXPECT_NE(set.status().message_en().find("is not an IP address or network"), std::string::npos) << bad;
    EXPECT_NE(set.status().message_zh().find("不是 IP 地址或网段"), std::string::npos) << bad;
  }
}

TEST(CanonicalAddress, NormalizesAndRejects) {
  EXPECT_EQ(CanonicalAddress("::ffff:10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(CanonicalAddress("2001:DB8:0::1"), "2001:db8::1");
  EXPECT_EQ(CanonicalAddress(" 10.0.0.1 "), "10.0.0.1");
  EXPECT_EQ(CanonicalAddress("10.0.0.1:4567"), "10.0.0.1");
  EXPECT_EQ(CanonicalAddress("[::1]:4567"), "::1");
  EXPECT_EQ(CanonicalAddress("[::1]"), "::1");
  for (const char* bad : {"", "unknown", "10.0.0", "[::1", "10.0.0.1:80:90", "<script>"}) {
    EXPECT_EQ(CanonicalAddress(bad), std::nullopt) << bad;
  }
}

ForwardingHeaders Fwd(std::string for_, std::string proto = "") {
  return {std::move(for_), std::move(proto), true};
}

TEST(ResolveClient, IgnoresForwardingHeadersFromAnUntrustedPeer) {
  const AddressSet trusted = Set("10.0.0.2");
  ClientOrigin o = ResolveClient("203.0.113.7", Fwd("198.51.100.1", "https"), trusted);
  EXPECT_EQ(o.address, "203.0.113.7");
  EXPECT_FALSE(o.https);
  EXPECT_TRUE(o.untrusted_forwarding);
  // No trusted proxy at all: the same.
  o = ResolveClient("127.0.0.1", Fwd("198.51.100.1", "https"), AddressSet{});
  EXPECT_EQ(o.address, "127.0.0.1");
  EXPECT_FALSE(o.https);
  EXPECT_TRUE(o.untrusted_forwarding);
  // Without forwarding headers nothing is untrusted.
  o = ResolveClient("::ffff:203.0.113.7", ForwardingHeaders{}, trusted);
  EXPECT_EQ(o.address, "203.0.113.7");
  EXPECT_FALSE(o.untrusted_forwarding);
}

TEST(ResolveClient, TakesTheRightmostUntrustedEntryFromATrustedProxy) {
  const AddressSet trusted = Set("10.0.0.2,10.0.1.0/24");
  // One proxy: it appended the client's address.
  ClientOrigin o = ResolveClient("10.0.0.2", Fwd("198.51.100.1", "https"), trusted);
  EXPECT_EQ(o.address, "198.51.100.1");
  EXPECT_TRUE(o.https);
  EXPECT_FALSE(o.untrusted_forwarding);
  // The client forged an entry; the proxy appended the real address after it.
  o = ResolveClient("10.0.0.2", Fwd("1.1.1.1, 198.51.100.1"), trusted);
  EXPECT_EQ(o.address, "198.51.100.1");
  EXPECT_FALSE(o.https);
  // Two trusted proxies in a row: skip both.
  o = ResolveClient("10.0.0.2", Fwd("1.1.1.1, 198.51.100.1, 10.0.1.7"), trusted);
  EXPECT_EQ(o.address, "198.51.100.1");
  // Several header fields read as one list, in order.
  o = ResolveClient("10.0.0.2", Fwd("1.1.1.1,198.51.100.1,10.0.1.7"), trusted);
  EXPECT_EQ(o.address, "198.51.100.1");
  // Every entry trusted: the leftmost.
  o = ResolveClient("10.0.0.2", Fwd("10.0.1.5, 10.0.1.7"), trusted);
  EXPECT_EQ(o.address, "10.0.1.5");
  // Garbage right of the client: the last trusted hop, never the garbage.
  o = ResolveClient("10.0.0.2", Fwd("198.51.100.1, unknown, 10.0.1.7"), trusted);
  EXPECT_EQ(o.address, "10.0.1.7");
  o = ResolveClient("10.0.0.2", Fwd("<script>"), trusted);
  EXPECT_EQ(o.address, "10.0.0.2");
  // No X-Forwarded-For: the proxy itself.
  o = ResolveClient("10.0.0.2", Fwd("", "https"), trusted);
  EXPECT_EQ(o.address, "10.0.0.2");
  EXPECT_TRUE(o.https);
  // Entries are canonical; a port is dropped.
  o = ResolveClient("10.0.0.2", Fwd("[2001:DB8::1]:443"), trusted);
  EXPECT_EQ(o.address, "2001:db8::1");
}

TEST(ResolveClient, TheNearestProxysSchemeCounts) {
  const AddressSet trusted = Set("10.0.0.2");
  EXPECT_TRUE(ResolveClient("10.0.0.2", Fwd("", "HTTPS"), trusted).https);
  EXPECT_TRUE(ResolveClient("10.0.0.2", Fwd("", "http, https"), trusted).https);
  EXPECT_FALSE(ResolveClient("10.0.0.2", Fwd("", "https, http"), trusted).https);
  EXPECT_FALSE(ResolveClient("10.0.0.2", Fwd("", "httpsx"), trusted).https);
}

}  // namespace
}  // namespace jiceng::api
