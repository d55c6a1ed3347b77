// Connection re-authentication (KIP-368, net/connection_reauth.cpp) against a scripted
// broker: a setup step that announces a session lifetime runs again on the live connection
// before it ends; no application request is written while it runs; requests submitted
// meanwhile go out afterwards; every request completes once, in order; a failed
// re-authentication closes the connection with the step's error.
#include <memory>
#include <vector>

#include <doctest/doctest.h>

#include "connection_harness.hpp"
#include "net/connection.hpp"
#include "net/typed_request.hpp"
#include "protocol/messages/sasl_handshake.hpp"

using namespace std::chrono_literals;
using namespace kafkit;
using namespace kafkit::net;
using namespace kafkit::net::test;
using protocol::MetadataRequest;
using protocol::MetadataResponse;

namespace {

/// Sends one SaslHandshake v1 and succeeds with its answer; `fail_from_run` (1-based) makes
/// that run and later ones fail instead. Announces `lifetime`.
class LifetimeStep final : public SetupStep {
 public:
  LifetimeStep(std::shared_ptr<int> runs, std::chrono::milliseconds lifetime, int fail_from_run)
      : runs_(std::move(runs)), lifetime_(lifetime), fail_from_run_(fail_from_run) {}
  std::string name() const override { return "test step"; }
  std::chrono::milliseconds session_lifetime() const override { return lifetime_; }
  void start(SetupContext& context, std::function<void(Result<void>)> done) override {
    int run = ++*runs_;
    bool fail = fail_from_run_ > 0 && run >= fail_from_run_;
    OutboundRequest out = make_request<protocol::SaslHandshakeRequest>(
        protocol::SaslHandshakeRequest{}, [done, fail](Result<protocol::SaslHandshakeResponse> r) {
          if (!r.ok()) return done(r.error());
          if (fail) return done(Error{58, "credentials refused"});
          done({});
        });
    out.versions = VersionRange{1, 1};
    out.negotiate = false;
    context.send_setup_request(std::move(out));
  }

 private:
  std::shared_ptr<int> runs_;
  std::chrono::milliseconds lifetime_;
  int fail_from_run_;
};

SetupStepFactory lifetime_step(std::shared_ptr<int> runs, std::chrono::milliseconds lifetime,
                               int fail_from_run = 0) {
  return [=]() -> std::unique_ptr<SetupStep> {
    return std::make_unique<LifetimeStep>(runs, lifetime, fail_from_run);
  };
}

}  // namespace

TEST_CASE("re-authentication holds new requests back and keeps every request in order") {
  Harness h;
  auto runs = std::make_shared<int>(0);
  h.config.setup_steps.push_back(lifetime_step(runs, 300ms));
  // The broker answers the handshake 40 ms late; Metadata at once, echoing the correlation
  // id. It counts Metadata requests that arrive while a handshake is unanswered.
  bool handshake_pending = false;
  int written_during_reauth = 0;
  h.broker.on_request = [&](ScriptedBroker::Peer& peer, const ReceivedRequest& request) {
    if (request.api_key == protocol::SaslHandshakeRequest::api_key) {
      handshake_pending = true;
      int index = peer.index;
      h.loop->add_timer(40ms, [&h, &handshake_pending, index, request] {
        handshake_pending = false;
        h.broker.peer(index).respond(request, protocol::SaslHandshakeResponse{});
      });
      return;
    }
    if (handshake_pending) ++written_during_reauth;
    MetadataResponse r;
    r.controller_id = request.correlation_id;
    peer.respond(request, r);
  };
  h.open();
  REQUIRE(*runs == 1);
  CHECK(h.connection->session_lifetime() == 300ms);

  // A request every 5 ms for 1.2 s: about four re-authentications happen meanwhile.
  std::vector<int> completed;
  int submitted = 0;
  int failures = 0;
  std::function<void()> tick = [&] {
    if (submitted == 240) return;
    int i = submitted++;
    h.connection->send(MetadataRequest{}, [&, i](Result<MetadataResponse> r) {
      if (!r.ok()) ++failures;
      completed.push_back(i);
      if (completed.size() == 240) h.loop->stop();
    });
    h.loop->add_timer(5ms, tick);
  };
  h.loop->add_timer(0ms, tick);
  REQUIRE(run_bounded(*h.loop, 10s));
  CHECK(failures == 0);
  REQUIRE(completed.size() == 240);
  for (int i = 0; i < 240; ++i) CHECK(completed[static_cast<size_t>(i)] == i);
  CHECK(*runs >= 4);
  // The last run may still be under way when the loop stops.
  CHECK(h.connection->reauthentications() >= *runs - 2);
  CHECK(h.connection->reauthentications() >= 3);
  CHECK(written_during_reauth == 0);
  CHECK(h.closed_calls == 0);
  CHECK(h.ready_calls == 1);  // re-authentication is not a new "ready"
}

TEST_CASE("a failed re-authentication closes the connection with the step's error") {
  Harness h;
  h.stop_on_close = true;
  auto runs = std::make_shared<int>(0);
  h.config.setup_steps.push_back(lifetime_step(runs, 100ms, 2));
  h.broker.on_request = [](ScriptedBroker::Peer& peer, const ReceivedRequest& request) {
    peer.respond(request, protocol::SaslHandshakeResponse{});
  };
  h.open();
  REQUIRE(run_bounded(*h.loop, 5s));
  CHECK(*runs == 2);
  CHECK(h.closed_calls == 1);
  REQUIRE(h.closed_error.has_value());
  CHECK(h.closed_error->code == 58);
  CHECK(h.closed_error->message.find("test step re-authentication failed: credentials refused") !=
        std::string::npos);
}
