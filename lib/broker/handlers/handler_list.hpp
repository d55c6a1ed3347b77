#pragma once
// One ApiHandler per handler file (handlers/<api>.cpp), collected by api_table.cpp.
#include "broker/handlers/handler.hpp"

namespace kafkit::broker {

extern const ApiHandler produce_api;                    // produce.cpp
extern const ApiHandler fetch_api;                      // fetch.cpp
extern const ApiHandler list_offsets_api;               // list_offsets.cpp
extern const ApiHandler metadata_api;                   // metadata.cpp
extern const ApiHandler find_coordinator_api;           // find_coordinator.cpp
extern const ApiHandler api_versions_api;               // api_versions.cpp
extern const ApiHandler create_topics_api;              // create_topics.cpp
extern const ApiHandler delete_topics_api;              // delete_topics.cpp
extern const ApiHandler delete_records_api;             // delete_records.cpp
extern const ApiHandler describe_configs_api;           // describe_configs.cpp
extern const ApiHandler create_partitions_api;          // create_partitions.cpp
extern const ApiHandler describe_cluster_api;           // describe_cluster.cpp
extern const ApiHandler init_producer_id_api;           // init_producer_id.cpp
extern const ApiHandler join_group_api;                 // join_group.cpp
extern const ApiHandler sync_group_api;                 // sync_group.cpp
extern const ApiHandler heartbeat_api;                  // heartbeat.cpp
extern const ApiHandler leave_group_api;                // leave_group.cpp
extern const ApiHandler list_groups_api;                // list_groups.cpp
extern const ApiHandler describe_groups_api;            // describe_groups.cpp
extern const ApiHandler delete_groups_api;              // delete_groups.cpp
extern const ApiHandler offset_commit_api;              // offset_commit.cpp
extern const ApiHandler offset_fetch_api;               // offset_fetch.cpp
extern const ApiHandler offset_delete_api;              // offset_delete.cpp
extern const ApiHandler incremental_alter_configs_api;  // incremental_alter_configs.cpp
extern const ApiHandler sasl_handshake_api;             // sasl_handshake.cpp
extern const ApiHandler sasl_authenticate_api;          // sasl_authenticate.cpp

}  // namespace kafkit::broker
