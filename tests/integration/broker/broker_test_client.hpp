#pragma once
// A deliberately small blocking Kafka client for broker tests: one socket, one request at
// a time, every read bounded by a timeout so a broken broker fails the test, never hangs
// it. Not kafkit's client (that lives in lib/client): the tests of the broker should not
// depend on the code they will later be used to test.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include <doctest/doctest.h>

#include "protocol/header.hpp"
#include "protocol/message.hpp"
#include "protocol/reader.hpp"

namespace kafkit::broker::test {

/// A fresh directory under /tmp, removed (with its contents) when the object dies.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/kafkit-broker-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

class TestClient {
 public:
  explicit TestClient(uint16_t port, int timeout_ms = 10000) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~TestClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  /// Sends raw bytes (a frame, several frames, or garbage).
  bool send_raw(protocol::ByteView bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }

  /// Writes as much of `bytes` as the socket takes within 10 ms (adding it to `sent`);
  /// false when the connection is gone.
  bool send_nowait(protocol::ByteView bytes, size_t& sent) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        off += static_cast<size_t>(n);
        sent += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, 10) <= 0) return true;
        continue;
      }
      return false;
    }
    return true;
  }

  template <class Req>
  int32_t send(const Req& req, int16_t version) {
    int32_t corr = next_corr_++;
    protocol::RequestHeader h{Req::api_key, version, corr, std::string("kafkit-test"), {}};
    REQUIRE(send_raw(protocol::frame_request(h, req)));
    return corr;
  }

  /// The next frame's payload; nullopt on EOF or timeout.
  std::optional<protocol::Bytes> read_frame() {
    std::byte size_buf[4];
    if (!read_exact(size_buf, 4)) return std::nullopt;
    uint32_t n = (uint32_t(size_buf[0]) << 24) | (uint32_t(size_buf[1]) << 16) |
                 (uint32_t(size_buf[2]) << 8) | uint32_t(size_buf[3]);
    REQUIRE(n < (1u << 30));
    protocol::Bytes frame(n);
    if (!read_exact(frame.data(), n)) return std::nullopt;
    return frame;
  }

  /// Reads one response of type Resp to a request sent at `version` and checks its
  /// correlation id.
  template <class Resp>
  Resp receive(int32_t corr, int16_t version) {
    auto frame = read_frame();
    REQUIRE_MESSAGE(frame.has_value(), "no response from the broker");
    protocol::Reader r(*frame);
    protocol::ResponseHeader h;
    REQUIRE(h.decode(r, protocol::response_header_version(Resp::api_key, version)).ok());
    CHECK(h.correlation_id == corr);
    auto body =
        protocol::decode_message<Resp>(protocol::ByteView(*frame).subspan(r.offset()), version);
    REQUIRE_MESSAGE(body.ok(), body.error().message);
    return std::move(*body);
  }

  /// Sends a request and waits for its response.
  template <class Resp, class Req>
  Resp call(const Req& req, int16_t version) {
    return receive<Resp>(send(req, version), version);
  }

  /// True when the broker closed the connection (EOF) within the timeout.
  bool closed_by_peer() {
    std::byte b;
    ssize_t n = ::recv(fd_, &b, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

  /// True when the broker ends the connection within the timeout after whatever bytes it
  /// sent first (a TLS listener may answer plaintext with an alert record before closing).
  bool closed_after_any_bytes() {
    std::byte buf[4096];
    for (int i = 0; i < 64; ++i) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0 || (n < 0 && errno == ECONNRESET)) return true;
      if (n < 0) return false;
    }
    return false;
  }

 private:
  bool read_exact(std::byte* out, size_t n) {
    size_t off = 0;
    while (off < n) {
      ssize_t k = ::recv(fd_, out + off, n - off, 0);
      if (k <= 0) return false;
      off += static_cast<size_t>(k);
    }
    return true;
  }

  int fd_ = -1;
  int32_t next_corr_ = 1;
};

}  // namespace kafkit::broker::test
