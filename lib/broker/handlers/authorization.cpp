#include "broker/handlers/authorization.hpp"

#include "broker/cluster_state.hpp"
#include "protocol/messages/apis.hpp"

namespace kafkit::broker {

std::string request_principal(const Request& request) {
  return authz::principal_of(request.principal);
}

bool authorized(const HandlerContext& ctx, authz::Operation op, authz::ResourceType type,
                std::string_view name, bool log_refusal) {
  const authz::AuthzConfig& config = ctx.cluster.config.authz;
  if (!config.enabled) return true;
  std::string principal = request_principal(ctx.request);
  if (authz::authorize(config, principal, op, type, name)) return true;
  if (log_refusal) {
    const protocol::ApiInfo* api = protocol::find_api(ctx.request.header.api_key);
    ctx.cluster.log("authorization: " + principal + " from " + ctx.request.peer + " denied " +
                    std::string(authz::name_of(op)) + " on " + std::string(authz::name_of(type)) +
                    " " + std::string(name) + " (" +
                    (api != nullptr ? std::string(api->name) : "API") + ")");
  }
  return false;
}

bool topic_authorized(const HandlerContext& ctx, authz::Operation op, bool by_id,
                      std::string_view name, const protocol::Uuid& id) {
  if (!ctx.cluster.config.authz.enabled) return true;
  if (!by_id) return topic_authorized(ctx, op, name);
  const Topic* t = ctx.cluster.topics->find(id);
  return t == nullptr || topic_authorized(ctx, op, t->name);
}

bool may_create_topic(const HandlerContext& ctx, std::string_view topic) {
  return authorized(ctx, authz::Operation::create, authz::ResourceType::cluster,
                    authz::kClusterName, false) ||
         topic_authorized(ctx, authz::Operation::create, topic);
}

bool may_be_idempotent(const HandlerContext& ctx) {
  const authz::AuthzConfig& config = ctx.cluster.config.authz;
  std::string principal = request_principal(ctx.request);
  if (authz::may_write_any_topic(config, principal)) return true;
  ctx.cluster.log("authorization: " + principal + " from " + ctx.request.peer +
                  " denied idempotent_write on cluster (InitProducerId: no write on any topic)");
  return false;
}

std::optional<Error> config_resource_refusal(const HandlerContext& ctx, authz::Operation op,
                                             int8_t resource_type, std::string_view name) {
  constexpr int8_t kTopic = 2;
  constexpr int8_t kBroker = 4;
  constexpr int8_t kBrokerLogger = 8;
  if (resource_type == kTopic && !topic_authorized(ctx, op, name))
    return kafka_error(ErrorCode::TopicAuthorizationFailed, "Authorization failed.");
  if ((resource_type == kBroker || resource_type == kBrokerLogger) &&
      !authorized(ctx, op, authz::ResourceType::cluster, authz::kClusterName))
    return kafka_error(ErrorCode::ClusterAuthorizationFailed, "Authorization failed.");
  return std::nullopt;
}

}  // namespace kafkit::broker
