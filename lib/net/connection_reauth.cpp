// Connection: KIP-368 re-authentication on a live connection (see connection.hpp). The SASL
// setup step announced a SessionLifetimeMs; before it runs out, a fresh instance of the
// same step runs again (SaslHandshake + SaslAuthenticate, with a fresh OAUTHBEARER token).
// No application request is written meanwhile: they wait in queued_ and go out, in order,
// once the broker accepted the new session. Requests written before are answered first
// (the broker answers in order), so nothing in flight is lost or reordered.
#include <utility>

#include "net/connection.hpp"

namespace kafkit::net {

void Connection::note_session_lifetime(std::size_t step_index, const SetupStep& step) {
  auto lifetime = step.session_lifetime();
  if (lifetime.count() <= 0) return;
  reauth_step_ = step_index;
  session_lifetime_ = lifetime;
}

void Connection::schedule_reauth() {
  if (session_lifetime_.count() <= 0 || state_ != State::ready) return;
  if (reauth_timer_ != 0) loop_.cancel_timer(std::exchange(reauth_timer_, 0));
  // Kafka's Java client re-authenticates at a random 85-95% of the session lifetime: early
  // enough to finish before expiry, spread so that clients do not all go at once.
  std::uniform_real_distribution<double> share(0.85, 0.95);
  auto delay = std::chrono::milliseconds(static_cast<std::int64_t>(
      static_cast<double>(session_lifetime_.count()) * share(reauth_rng_)));
  reauth_timer_ = loop_.add_timer(delay, [this] {
    reauth_timer_ = 0;
    auto self = shared_from_this();
    begin_reauth();
    update_interest();
    drain_completions();
  });
}

void Connection::begin_reauth() {
  if (state_ != State::ready) return;
  state_ = State::reauthenticating;  // pump() writes nothing from now on
  session_lifetime_ = std::chrono::milliseconds{0};
  step_ = config_.setup_steps.at(reauth_step_)();
  std::string name = step_->name();
  step_->start(*this, [weak = weak_from_this(), name](Result<void> result) {
    auto self = weak.lock();
    if (!self || self->state_ != State::reauthenticating) return;
    self->end_reauth(std::move(result), name);
    self->update_interest();
    self->drain_completions();
  });
}

void Connection::end_reauth(Result<void> result, const std::string& step_name) {
  if (!result.ok()) {
    close(Error{result.error().code,
                step_name + " re-authentication failed: " + result.error().message});
    step_.reset();
    return;
  }
  note_session_lifetime(reauth_step_, *step_);
  step_.reset();
  ++reauthentications_;
  state_ = State::ready;
  schedule_reauth();
  pump();
}

}  // namespace kafkit::net
