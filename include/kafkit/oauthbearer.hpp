#pragma once
// OAUTHBEARER tokens supplied by the application (KIP-255): with sasl.mechanism=OAUTHBEARER
// and a token provider set on the Config (Config::set_oauthbearer_token_provider), a client
// asks the provider for a token each time it authenticates a connection to a broker, and
// again for each re-authentication (KIP-368) when the broker limits the session lifetime.
// This is where an application plugs in its identity provider (an OAuth 2 client-credentials
// request, a token cached by a sidecar, ...). Without a provider, only the unsecured JWT of
// enable.sasl.oauthbearer.unsecure.jwt=true (development) is available.
//
// Threading: the provider is called on the client's I/O thread, possibly from several
// clients built from the same Config at once, so it must be thread-safe. It blocks that
// client's network I/O while it runs: return a cached token and refresh it in the
// background if fetching one is slow.
//
// Errors: a provider that returns an error (or a token that is empty or already expired)
// fails that authentication attempt as a refused password does: SASL_AUTHENTICATION_FAILED
// (58), not retried for the requests waiting on that connection, with a message naming the
// broker and quoting the provider's message. The next connection attempt asks again.
#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "kafkit/result.hpp"

namespace kafkit {

struct OAuthBearerToken {
  /// The bearer token exactly as sent (RFC 6750 b64token, e.g. a JWT's compact form).
  std::string value;
  /// When the token stops being valid. A token whose expiry has passed is not sent.
  std::chrono::system_clock::time_point expiry;
  /// Who the token identifies, for messages; the broker derives the principal from the
  /// token itself.
  std::string principal;
  /// SASL extensions sent with the token (KIP-342): names are letters only, "auth" is
  /// reserved; values are printable ASCII.
  std::map<std::string, std::string> extensions;
};

/// Returns a fresh (or cached, still valid) token, or an Error saying why there is none.
using OAuthBearerTokenProvider = std::function<Result<OAuthBearerToken>()>;

}  // namespace kafkit
