#include "api/http_gate.h"

#include <http_parser.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <climits>
#include <cstring>
#include <string_view>

namespace jiceng::api {
namespace {

GateLimits g_limits;

// How long, after the answer to a refused request, the rest of what the
// client sends is still read and dropped before the socket is closed.
constexpr auto kLingerTime = std::chrono::seconds(2);

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

void SetGateLimits(const GateLimits& limits) { g_limits = limits; }

const std::string& GateRejectPath() {
  static const std::string path = [] {
    unsigned char secret[12];
    randombytes_buf(secret, sizeof secret);
    std::string hex = "/.jiceng-gate/";
    for (unsigned char c : secret) {
      hex.push_back("0123456789abcdef"[c >> 4]);
      hex.push_back("0123456789abcdef"[c & 15]);
    }
    return hex + "/";
  }();
  return path;
}

// One connection's gate. All of it runs on the connection's strand: RESTinio
// calls in from there, and the gate's own handlers are bound to it.
class GateState : public std::enable_shared_from_this<GateState> {
 public:
  explicit GateState(const GateSocket::executor_type& executor) : socket(executor) {
    http_parser_settings_init(&settings_);
    settings_.on_message_begin = &GateState::OnMessageBegin;
    settings_.on_url = &GateState::OnUrl;
    settings_.on_header_field = &GateState::OnHeaderField;
    settings_.on_header_value = &GateState::OnHeaderValue;
    settings_.on_headers_complete = &GateState::OnHeadersComplete;
    settings_.on_message_complete = &GateState::OnMessageComplete;
    http_parser_init(&parser_, HTTP_REQUEST);
    parser_.data = this;
  }

  asio::ip::tcp::socket socket;

  void ReadSome(asio::any_io_executor strand, asio::mutable_buffer buffer, GateSocket::ReadDone done) {
    strand_ = std::move(strand);
    pending_ = std::move(done);
    pending_buffer_ = buffer;
    if (!out_.empty()) {
      Deliver();
      return;
    }
    if (!reading_) ReadMore();
  }

  void Cancel(asio::error_code& ec) {
    socket.cancel(ec);
    // While draining, the read RESTinio waits for is the gate's, not the socket's.
    if (draining_ && pending_) Complete(asio::error::operation_aborted, 0);
  }

  void Shutdown(asio::ip::tcp::socket::shutdown_type what, asio::error_code& ec) {
    // After a refusal the client may still be sending: stop writing, keep reading (Close lingers).
    if (draining_) what = asio::ip::tcp::socket::shutdown_send;
    socket.shutdown(what, ec);
  }

  void Close(asio::error_code& ec) {
    if (closing_) return;
    if (!draining_ || !socket.is_open()) {
      socket.close(ec);
      return;
    }
    // Linger: the drain loop (ReadMore) keeps dropping input until the client
    // closes or the timer ends it, so that the answer is not lost to a reset.
    closing_ = true;
    timer_ = std::make_unique<asio::steady_timer>(socket.get_executor(), kLingerTime);
    timer_->async_wait(asio::bind_executor(strand_, [self = shared_from_this()](const asio::error_code&) {
      asio::error_code ignored;
      self->socket.close(ignored);
    }));
    if (!reading_) ReadMore();
  }

 private:
  void ReadMore() {
    reading_ = true;
    socket.async_read_some(asio::buffer(buffer_),
                           asio::bind_executor(strand_, [self = shared_from_this()](const asio::error_code& ec,
                                                                                     std::size_t n) {
                             self->OnRead(ec, n);
                           }));
  }

  void OnRead(const asio::error_code& ec, std::size_t n) {
    reading_ = false;
    if (draining_) {
      // Input after a refusal is dropped; stop at the end of it or on an error.
      if (!ec) {
        ReadMore();
      } else if (ec == asio::error::operation_aborted && socket.is_open() && !closing_) {
        ReadMore();  // RESTinio cancelled its read before writing the answer; keep draining.
      } else if (closing_) {
        asio::error_code ignored;
        if (timer_) timer_->cancel();
        socket.close(ignored);
      }
      return;
    }
    if (ec) {
      Complete(ec, 0);
      return;
    }
    Feed(buffer_.data(), n);
    if (!out_.empty()) {
      Deliver();
    } else if (pending_) {
      ReadMore();  // all of it was a head held back
    }
  }

  void Deliver() {
    if (!pending_) return;
    const std::size_t n = std::min(out_.size(), pending_buffer_.size());
    std::memcpy(pending_buffer_.data(), out_.data(), n);
    out_.erase(0, n);
    Complete({}, n);
    if (draining_ && out_.empty() && !reading_ && socket.is_open()) ReadMore();
  }

  void Complete(const asio::error_code& ec, std::size_t n) {
    GateSocket::ReadDone done = std::move(pending_);
    pending_ = nullptr;
    done(ec, n);
  }

  // Runs `data` through the gate's parser: bytes of a head are held in
  // head_ until the head is complete, everything else goes to out_.
  void Feed(const char* data, std::size_t n) {
    std::size_t i = 0;
    while (i < n && !draining_) {
      if (passthrough_) {
        out_.append(data + i, n - i);
        return;
      }
      // Outside a head, a body of known length goes in one step; a head
      // goes byte by byte, so that its start and end are known exactly.
      std::size_t step = 1;
      if (!in_head_ && in_body_ && parser_.content_length > 0 && parser_.content_length != ULLONG_MAX) {
        step = static_cast<std::size_t>(std::min<std::uint64_t>(n - i, parser_.content_length));
      }
      const bool was_in_head = in_head_;
      const std::size_t used = http_parser_execute(&parser_, &settings_, data + i, step);
      if (parser_.upgrade) {
        // An Upgrade or CONNECT: not HTTP any more after the head; not ours to gate.
        out_ += head_;
        head_.clear();
        passthrough_ = true;
        continue;
      }
      if (HTTP_PARSER_ERRNO(&parser_) != HPE_OK || used != step) {
        if ((!in_head_ && in_body_) || HTTP_PARSER_ERRNO(&parser_) == HPE_CLOSED_CONNECTION) {
          // A broken body (chunk framing), or bytes after a "Connection: close" request:
          // RESTinio has the head and deals with the rest itself.
          passthrough_ = true;
          continue;
        }
        Refuse(std::string_view(data + i, n - i));
        return;
      }
      if (was_in_head || in_head_) {
        head_.append(data + i, step);
        if (in_head_ && head_.size() > g_limits.max_head_bytes) {
          refusal_ = 431;
          Refuse(std::string_view(data + i, n - i));
          return;
        }
      } else {
        out_.append(data + i, step);
      }
      if (was_in_head && !in_head_) {
        out_ += head_;
        head_.clear();
      }
      i += step;
    }
  }

  // Replaces the failed head with the stand-in request and starts draining.
  // `rest`: the bytes read but not parsed, where Accept-Language may still
  // be found when the fault came before it (in the request line).
  void Refuse(std::string_view rest) {
    int status = refusal_;
    if (status == 0) {
      switch (HTTP_PARSER_ERRNO(&parser_)) {
        case HPE_INVALID_METHOD: status = 405; break;
        case HPE_HEADER_OVERFLOW: status = 431; break;
        default: status = 400; break;
      }
    }
    if (accept_language_.empty()) {
      std::string seen = head_;
      seen.append(rest.substr(0, 16 * 1024));
      std::string lower(seen.size(), ' ');
      std::transform(seen.begin(), seen.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (std::size_t at = lower.find("\naccept-language:"); at != std::string::npos) {
        at += std::strlen("\naccept-language:");
        accept_language_ = seen.substr(at, std::min<std::size_t>(200, seen.find_first_of("\r\n", at) - at));
      }
    }
    head_.clear();
    std::string lang;
    for (char c : accept_language_) {
      if (std::isalnum(static_cast<unsigned char>(c)) || std::strchr(",;=.- *", c) != nullptr) lang.push_back(c);
    }
    out_ += "GET " + GateRejectPath() + std::to_string(status) +
            " HTTP/1.1\r\nHost: jiceng\r\nConnection: close\r\nAccept-Language: " + lang + "\r\n\r\n";
    draining_ = true;
  }

  static GateState& Of(http_parser* p) { return *static_cast<GateState*>(p->data); }

  static int OnMessageBegin(http_parser* p) {
    GateState& g = Of(p);
    g.in_head_ = true;
    g.in_body_ = false;
    g.url_bytes_ = g.field_count_ = g.name_bytes_ = g.value_bytes_ = 0;
    g.last_was_value_ = true;
    g.field_name_.clear();
    g.accept_language_.clear();
    return 0;
  }

  static int OnUrl(http_parser* p, const char*, std::size_t length) {
    GateState& g = Of(p);
    g.url_bytes_ += length;
    if (g.url_bytes_ > g_limits.max_url_bytes) return g.Fail(414);
    return 0;
  }

  static int OnHeaderField(http_parser* p, const char* at, std::size_t length) {
    GateState& g = Of(p);
    if (g.last_was_value_) {
      if (++g.field_count_ > g_limits.max_field_count) return g.Fail(431);
      g.last_was_value_ = false;
      g.name_bytes_ = 0;
      g.field_name_.clear();
    }
    g.name_bytes_ += length;
    if (g.name_bytes_ > g_limits.max_field_name_bytes) return g.Fail(431);
    if (g.field_name_.size() < 32) g.field_name_.append(at, std::min<std::size_t>(length, 32));
    return 0;
  }

  static int OnHeaderValue(http_parser* p, const char* at, std::size_t length) {
    GateState& g = Of(p);
    if (!g.last_was_value_) {
      g.last_was_value_ = true;
      g.value_bytes_ = 0;
    }
    g.value_bytes_ += length;
    if (g.value_bytes_ > g_limits.max_field_value_bytes) return g.Fail(431);
    if (IEquals(g.field_name_, "accept-language") && g.accept_language_.size() < 200) {
      g.accept_language_.append(at, std::min<std::size_t>(length, 200));
    }
    return 0;
  }

  static int OnHeadersComplete(http_parser* p) {
    GateState& g = Of(p);
    if (p->content_length != ULLONG_MAX && p->content_length > g_limits.max_body_bytes) return g.Fail(413);
    g.in_head_ = false;
    g.in_body_ = true;
    return 0;
  }

  static int OnMessageComplete(http_parser* p) {
    Of(p).in_body_ = false;
    return 0;
  }

  int Fail(int status) {
    refusal_ = status;
    return -1;
  }

  http_parser parser_{};
  http_parser_settings settings_{};
  asio::any_io_executor strand_;
  std::array<char, 16 * 1024> buffer_{};
  std::string out_;   // passed the gate, not yet taken by RESTinio
  std::string head_;  // the head being read, held back
  GateSocket::ReadDone pending_;
  asio::mutable_buffer pending_buffer_;
  std::unique_ptr<asio::steady_timer> timer_;
  bool reading_ = false;      // a read on the socket is outstanding
  bool in_head_ = false;      // between the first byte of a request and the end of its head
  bool in_body_ = false;      // after a head, until the message is complete
  bool draining_ = false;     // a request was refused: drop all further input
  bool closing_ = false;      // RESTinio closed; lingering
  bool passthrough_ = false;  // no more gating on this connection
  int refusal_ = 0;           // the status a callback refused with
  std::size_t url_bytes_ = 0, field_count_ = 0, name_bytes_ = 0, value_bytes_ = 0;
  bool last_was_value_ = true;
  std::string field_name_;       // the start of the header field being read
  std::string accept_language_;  // for the language of a refusal
};

GateSocket::GateSocket(asio::io_context& io) : state_(std::make_shared<GateState>(io.get_executor())) {}
GateSocket::GateSocket(const executor_type& executor) : state_(std::make_shared<GateState>(executor)) {}
GateSocket::GateSocket(GateSocket&& other) : state_(std::move(other.state_)) {
  other.state_ = std::make_shared<GateState>(state_->socket.get_executor());
}
GateSocket& GateSocket::operator=(GateSocket&& other) {
  state_ = std::move(other.state_);
  other.state_ = std::make_shared<GateState>(state_->socket.get_executor());
  return *this;
}
GateSocket::~GateSocket() = default;

asio::ip::tcp::socket& GateSocket::lowest_layer() { return state_->socket; }
const asio::ip::tcp::socket& GateSocket::lowest_layer() const { return state_->socket; }
GateSocket::executor_type GateSocket::get_executor() { return state_->socket.get_executor(); }
asio::ip::tcp::endpoint GateSocket::remote_endpoint() const { return state_->socket.remote_endpoint(); }
bool GateSocket::is_open() const { return state_->socket.is_open(); }
void GateSocket::cancel(asio::error_code& ec) { state_->Cancel(ec); }
void GateSocket::shutdown(asio::ip::tcp::socket::shutdown_type what, asio::error_code& ec) {
  state_->Shutdown(what, ec);
}
void GateSocket::close() {
  asio::error_code ec;
  state_->Close(ec);
}
void GateSocket::close(asio::error_code& ec) { state_->Close(ec); }
void GateSocket::ReadSome(asio::any_io_executor strand, asio::mutable_buffer buffer, ReadDone done) {
  state_->ReadSome(std::move(strand), buffer, std::move(done));
}

}  // namespace jiceng::api
