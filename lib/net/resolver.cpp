#include "net/resolver.hpp"

#include <netdb.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "net/net_errors.hpp"

namespace kafkit::net {

Result<std::vector<Address>> resolve_blocking(const std::string& host, std::uint16_t port,
                                              bool numeric_only) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  // No AI_ADDRCONFIG: glibc ignores loopback for it, so "localhost" would fail on a host
  // whose only interface is lo (containers, CI sandboxes).
  hints.ai_flags = AI_NUMERICSERV | (numeric_only ? AI_NUMERICHOST : 0);
  addrinfo* list = nullptr;
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  if (rc != 0) {
    std::string reason = rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc);
    return Error{errc::resolve_failed, "failed to resolve host '" + host + "': " + reason};
  }
  std::vector<Address> out;
  for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    Address a;
    std::memcpy(&a.storage, ai->ai_addr, ai->ai_addrlen);
    a.length = ai->ai_addrlen;
    a.host = host;
    bool duplicate = std::any_of(out.begin(), out.end(), [&](const Address& b) {
      return b.length == a.length && std::memcmp(&b.storage, &a.storage, a.length) == 0;
    });
    if (!duplicate) out.push_back(std::move(a));
  }
  ::freeaddrinfo(list);
  if (out.empty()) {
    return Error{errc::resolve_failed, "failed to resolve host '" + host + "': no addresses"};
  }
  return out;
}

Resolver::Resolver(EventLoop& loop)
    : loop_(loop),
      alive_(std::make_shared<std::atomic<bool>>(true)),
      worker_([this] { worker_main(); }) {}

Resolver::~Resolver() {
  alive_->store(false, std::memory_order_release);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_worker_.notify_one();
  worker_.join();
}

void Resolver::resolve(std::string host, std::uint16_t port, Callback callback) {
  auto numeric = resolve_blocking(host, port, /*numeric_only=*/true);
  if (numeric.ok()) {
    deliver(std::move(numeric), std::move(callback));
    return;
  }
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Request{std::move(host), port, std::move(callback)});
  }
  wake_worker_.notify_one();
}

void Resolver::deliver(Result<std::vector<Address>> result, Callback callback) {
  // Posted even when already on the loop thread, so a callback never runs inside resolve().
  loop_.post(
      [alive = alive_, result = std::move(result), callback = std::move(callback)]() mutable {
        if (alive->load(std::memory_order_acquire)) callback(std::move(result));
      });
}

void Resolver::worker_main() {
  for (;;) {
    Request request;
    {
      std::unique_lock lock(mutex_);
      wake_worker_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      request = std::move(queue_.front());
      queue_.pop_front();
    }
    auto result = resolve_blocking(request.host, request.port);
    deliver(std::move(result), std::move(request.callback));
  }
}

}  // namespace kafkit::net
