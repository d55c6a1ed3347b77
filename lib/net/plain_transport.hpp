#pragma once
// PlainTransport: the Transport over a connected non-blocking TCP socket
// (security.protocol=PLAINTEXT). Reads and writes map to recv/send; there is no handshake.
#include "net/transport.hpp"
#include "net/unique_fd.hpp"

namespace kafkit::net {

class PlainTransport final : public Transport {
 public:
  /// Takes a connected, non-blocking socket (as TcpConnector hands it over).
  explicit PlainTransport(UniqueFd fd) noexcept : fd_(std::move(fd)) {}

  int fd() const override { return fd_.get(); }
  Result<Want> handshake() override { return Want::nothing; }
  Result<IoStatus> read(std::span<std::byte> buffer) override;
  Result<IoStatus> write(std::span<const std::byte> data) override;
  void close() override { fd_.reset(); }
  std::string name() const override { return "plaintext"; }

 private:
  UniqueFd fd_;
};

}  // namespace kafkit::net
