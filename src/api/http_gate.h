// The gate in front of RESTinio's HTTP parser: a socket (RESTinio's
// Traits::stream_socket_t) that reads each request head with its own
// http_parser and Jiceng's limits before RESTinio sees a byte of it.
//
// RESTinio 0.6 closes the connection without a word when http_parser fails
// (an unknown method, a bad Content-Length, a NUL in the path) or one of its
// limits is passed, and it offers no hook to answer instead. The gate holds
// a request's head back until it has passed; a head that fails is replaced
// by a small stand-in request (GET <GateRejectPath()><status>, Connection:
// close) that the server's router answers with the right status (400, 405,
// 413, 414, 431) and the JSON error shape, in the client's language. The
// rest of what the client sends is read and dropped, so that the answer is
// not lost to a reset, and the connection closes once the answer is out.
// Bodies pass through as they come; a Content-Length over the limit is
// answered 413 as soon as the head is read, before any of the body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <restinio/asio_include.hpp>
#include <restinio/tls_fwd.hpp>

namespace jiceng::api {

// What the gate lets through; past any of them the request is answered
// with the status in brackets.
struct GateLimits {
  std::size_t max_url_bytes = 8 * 1024 - 1;        // [414] a URL of 8 KiB or more
  std::size_t max_field_count = 100;               // [431]
  std::size_t max_field_name_bytes = 1024;         // [431]
  std::size_t max_field_value_bytes = 8 * 1024;    // [431]
  std::size_t max_head_bytes = 64 * 1024;          // [431] request line and all headers
  std::uint64_t max_body_bytes = 20 * 1024 * 1024; // [413] by Content-Length
};

// Sets the limits of every gate; call once before the server starts.
void SetGateLimits(const GateLimits& limits);

// The path prefix of stand-in requests, ending in "/": a per-process random
// secret, so that only the gate makes them. The status follows it.
const std::string& GateRejectPath();

class GateState;

class GateSocket {
 public:
  using executor_type = asio::ip::tcp::socket::executor_type;
  using lowest_layer_type = asio::ip::tcp::socket;
  using ReadDone = std::function<void(const asio::error_code&, std::size_t)>;

  explicit GateSocket(asio::io_context& io);
  explicit GateSocket(const executor_type& executor);
  // The moved-from socket is fresh and usable again (RESTinio's acceptor
  // accepts the next connection into it).
  GateSocket(GateSocket&& other);
  GateSocket& operator=(GateSocket&& other);
  GateSocket(const GateSocket&) = delete;
  GateSocket& operator=(const GateSocket&) = delete;
  ~GateSocket();

  asio::ip::tcp::socket& lowest_layer();
  const asio::ip::tcp::socket& lowest_layer() const;
  executor_type get_executor();
  asio::ip::tcp::endpoint remote_endpoint() const;
  bool is_open() const;
  void cancel(asio::error_code& ec);
  void shutdown(asio::ip::tcp::socket::shutdown_type what, asio::error_code& ec);
  void close();
  void close(asio::error_code& ec);

  // Reads what has passed the gate into `buffers` (one buffer). The handler
  // runs on its associated executor (RESTinio's strand), never inline.
  template <typename MutableBuffers, typename Handler>
  void async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    auto executor = asio::get_associated_executor(handler, lowest_layer().get_executor());
    asio::mutable_buffer buffer = *asio::buffer_sequence_begin(buffers);
    ReadSome(asio::any_io_executor(executor), buffer,
             [executor, h = std::forward<Handler>(handler)](const asio::error_code& ec, std::size_t n) mutable {
               asio::post(executor, [h, ec, n]() mutable { h(ec, n); });
             });
  }

  // Writes go straight to the socket.
  template <typename ConstBuffers, typename Handler>
  auto async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    return lowest_layer().async_write_some(buffers, std::forward<Handler>(handler));
  }

 private:
  void ReadSome(asio::any_io_executor strand, asio::mutable_buffer buffer, ReadDone done);
  std::shared_ptr<GateState> state_;
};

// RESTinio's connection calls these unqualified; found by argument-dependent lookup.
template <typename Connection, typename StartRead, typename Failed>
void prepare_connection_and_start_read(GateSocket&, Connection&, StartRead start_read, Failed) {
  start_read();
}
inline restinio::impl::tls_socket_t* make_tls_socket_pointer_for_state_listener(GateSocket&) noexcept {
  return nullptr;
}

}  // namespace jiceng::api
