/*
 * peers.c - drive librdkafka (and its built-in mock cluster) to produce
 * golden Kafka wire traffic for the kafkit test-suite.
 *
 * Build:
 *   gcc -O1 -o /tmp/peers peers.c $(pkg-config --cflags --libs rdkafka)
 *
 * Modes:
 *   peers mock [--seed|--seed-legacy] [--max-version APIKEY:MAX]...
 *        Start a one-broker librdkafka mock cluster with topic "golden"
 *        (3 partitions).  With --seed, 30 records (6 per compression codec
 *        none/gzip/snappy/lz4/zstd, one producer each) are produced into it
 *        BEFORE the bootstrap address is printed, so that seeding traffic
 *        is not part of any capture; --seed-legacy skips zstd.
 *        --max-version lowers the MaxVersion the mock advertises for an
 *        API (to emulate an older broker).
 *        Prints "127.0.0.1:PORT" on stdout and runs until stdin closes.
 *   peers produce  BOOTSTRAP CODEC    idempotent producer, ~20 records
 *   peers consume  BOOTSTRAP GROUP [MAXSEC]  high-level group consumer
 *   peers query    BOOTSTRAP          metadata / watermarks / offsets_for_times
 *                                     / assign()-based fetch
 *   peers txn      BOOTSTRAP          transactional producer (commit + abort)
 *   peers admin    BOOTSTRAP [seq|par] [OP,OP..]   Admin API calls
 *
 * Extra client properties can be given in $GOLDEN_EXTRA_CONF as
 * "name=value;name=value" (applied to every client mode).
 *
 * Every client mode finishes well within 30 seconds.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define TOPIC "golden"
#define PARTITIONS 3
#define BASE_TS 1700000000000LL

static void die(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "peers: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(1);
}

static void note(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "peers: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set(rd_kafka_conf_t* conf, const char* name, const char* val) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, name, val, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)
    die("config %s=%s: %s", name, val, errstr);
}

/* Extra properties from $GOLDEN_EXTRA_CONF ("k=v;k=v"), e.g. to force
 * legacy protocol versions with api.version.request=false. */
static void apply_extra_conf(rd_kafka_conf_t* conf) {
  const char* env = getenv("GOLDEN_EXTRA_CONF");
  char *copy, *tok, *save = NULL;
  if (!env || !*env) return;
  copy = strdup(env);
  for (tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
    char* eq = strchr(tok, '=');
    if (!eq) die("GOLDEN_EXTRA_CONF: bad entry %s", tok);
    *eq = '\0';
    set(conf, tok, eq + 1);
  }
  free(copy);
}

/* Common client configuration: short timeouts, stable client.id. */
static rd_kafka_conf_t* base_conf(const char* bootstrap, const char* client_id) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", bootstrap);
  set(conf, "client.id", client_id);
  set(conf, "socket.timeout.ms", "5000");
  set(conf, "reconnect.backoff.ms", "50");
  set(conf, "reconnect.backoff.max.ms", "500");
  set(conf, "topic.metadata.refresh.interval.ms", "-1");
  set(conf, "log_level", "4");
  return conf;
}

static rd_kafka_t* new_client(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char errstr[512];
  rd_kafka_t* rk;
  apply_extra_conf(conf); /* last, so it overrides mode defaults */
  rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
  if (!rk) die("rd_kafka_new: %s", errstr);
  return rk;
}

/* ------------------------------------------------------------------ */
/* Producing                                                           */
/* ------------------------------------------------------------------ */

static int dr_fail_cnt;
static int dr_ok_cnt;

static void dr_cb(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque) {
  (void)rk;
  (void)opaque;
  if (m->err) {
    dr_fail_cnt++;
    note("delivery failed: %s", rd_kafka_err2str(m->err));
  } else
    dr_ok_cnt++;
}

/*
 * Produce `count` records spread over the partitions.  The records mix:
 * keyed / null-key, normal / null value / empty value, with and without
 * headers (including a header with a null value), deterministic
 * timestamps.  Values are repetitive so compression is effective.
 */
static void produce_records(rd_kafka_t* rk, int count, int first_idx, const char* tag) {
  int i;
  for (i = 0; i < count; i++) {
    int idx = first_idx + i;
    int32_t part = idx % PARTITIONS;
    char key[64], val[256];
    void *kp = key, *vp = val;
    size_t klen, vlen;
    rd_kafka_headers_t* hdrs = NULL;
    rd_kafka_resp_err_t err;

    klen = (size_t)snprintf(key, sizeof(key), "key-%03d", idx);
    vlen = (size_t)snprintf(val, sizeof(val),
                            "%s value %03d: the quick brown fox jumps over the lazy "
                            "dog; the quick brown fox jumps over the lazy dog",
                            tag, idx);

    switch (idx % 7) {
      case 1: /* null key */
        kp = NULL;
        klen = 0;
        break;
      case 3: /* null value (tombstone) */
        vp = NULL;
        vlen = 0;
        break;
      case 5: /* empty (non-null) value and empty key */
        vlen = 0;
        klen = 0;
        break;
      default:
        break;
    }

    if (idx % 2 == 0) {
      char idxs[16];
      snprintf(idxs, sizeof(idxs), "%d", idx);
      hdrs = rd_kafka_headers_new(3);
      rd_kafka_header_add(hdrs, "idx", -1, idxs, -1);
      rd_kafka_header_add(hdrs, "codec", -1, tag, -1);
      if (idx % 4 == 0) /* header with null value */
        rd_kafka_header_add(hdrs, "nullhdr", -1, NULL, 0);
    }

    if (hdrs)
      err = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(TOPIC), RD_KAFKA_V_PARTITION(part), RD_KAFKA_V_KEY(kp, klen),
          RD_KAFKA_V_VALUE(vp, vlen), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_TIMESTAMP(BASE_TS + idx * 1000), RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
    else
      err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(TOPIC), RD_KAFKA_V_PARTITION(part),
                              RD_KAFKA_V_KEY(kp, klen), RD_KAFKA_V_VALUE(vp, vlen),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_TIMESTAMP(BASE_TS + idx * 1000), RD_KAFKA_V_END);
    if (err) {
      if (hdrs) rd_kafka_headers_destroy(hdrs);
      die("producev: %s", rd_kafka_err2str(err));
    }
  }
}

static void run_producer(const char* bootstrap, const char* codec, int count, int first_idx,
                         int idempotent) {
  char cid[64];
  rd_kafka_conf_t* conf;
  rd_kafka_t* rk;

  snprintf(cid, sizeof(cid), "golden-producer-%s", codec);
  conf = base_conf(bootstrap, cid);
  set(conf, "compression.codec", codec);
  set(conf, "enable.idempotence", idempotent ? "true" : "false");
  set(conf, "acks", "all");
  set(conf, "linger.ms", "50");
  set(conf, "message.timeout.ms", "10000");
  set(conf, "retry.backoff.ms", "50");
  rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
  rk = new_client(RD_KAFKA_PRODUCER, conf);
  dr_ok_cnt = dr_fail_cnt = 0;

  produce_records(rk, count, first_idx, codec);
  if (rd_kafka_flush(rk, 15000)) note("flush timed out");
  note("producer %s: %d delivered, %d failed", codec, dr_ok_cnt, dr_fail_cnt);
  rd_kafka_destroy(rk);
}

/* ------------------------------------------------------------------ */
/* Mock cluster                                                        */
/* ------------------------------------------------------------------ */

static int mode_mock(int argc, char** argv) {
  rd_kafka_conf_t* conf;
  rd_kafka_t* rk;
  rd_kafka_mock_cluster_t* mc;
  const char* bootstrap;
  char buf[256];
  int seed = 0, i;
  int maxver[64][2], nmaxver = 0;

  for (i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--seed"))
      seed = 5;
    else if (!strcmp(argv[i], "--seed-legacy"))
      seed = 4; /* no zstd: needs Produce v7 */
    else if (!strcmp(argv[i], "--max-version") && i + 1 < argc && nmaxver < 64) {
      if (sscanf(argv[++i], "%d:%d", &maxver[nmaxver][0], &maxver[nmaxver][1]) != 2)
        die("--max-version wants APIKEY:MAXVER");
      nmaxver++;
    } else
      die("mock: unknown argument %s", argv[i]);
  }

  conf = rd_kafka_conf_new();
  set(conf, "log_level", "4");
  rk = new_client(RD_KAFKA_PRODUCER, conf);
  mc = rd_kafka_mock_cluster_new(rk, 1);
  if (!mc) die("rd_kafka_mock_cluster_new failed");
  if (rd_kafka_mock_topic_create(mc, TOPIC, PARTITIONS, 1)) die("mock topic create failed");
  /* Emulate an older broker: lower the advertised MaxVersion. */
  for (i = 0; i < nmaxver; i++)
    if (rd_kafka_mock_set_apiversion(mc, (int16_t)maxver[i][0], 0, (int16_t)maxver[i][1]))
      die("set_apiversion %d failed", maxver[i][0]);
  bootstrap = rd_kafka_mock_cluster_bootstraps(mc);

  if (seed) {
    static const char* codecs[] = {"none", "gzip", "snappy", "lz4", "zstd"};
    for (i = 0; i < seed; i++) run_producer(bootstrap, codecs[i], 6, i * 6, 0);
  }

  printf("%s\n", bootstrap);
  fflush(stdout);

  /* Run until stdin is closed (or a line "quit"). */
  while (fgets(buf, sizeof(buf), stdin)) {
    if (!strncmp(buf, "quit", 4)) break;
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Consumer group                                                      */
/* ------------------------------------------------------------------ */

static int mode_consume(const char* bootstrap, const char* group, int max_seconds) {
  rd_kafka_conf_t* conf = base_conf(bootstrap, "golden-consumer");
  rd_kafka_t* rk;
  rd_kafka_topic_partition_list_t *sub, *committed;
  rd_kafka_resp_err_t err;
  int64_t deadline, quiet_until = 0;
  int got = 0, i;

  set(conf, "group.id", group);
  set(conf, "auto.offset.reset", "earliest");
  set(conf, "enable.auto.commit", "false");
  set(conf, "session.timeout.ms", "6000");
  set(conf, "heartbeat.interval.ms", "500");
  set(conf, "fetch.wait.max.ms", "200");
  set(conf, "partition.assignment.strategy", "range,roundrobin");
  rd_kafka_conf_set_rebalance_cb(conf, NULL);
  rk = new_client(RD_KAFKA_CONSUMER, conf);
  rd_kafka_poll_set_consumer(rk);

  sub = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(sub, TOPIC, RD_KAFKA_PARTITION_UA);
  if ((err = rd_kafka_subscribe(rk, sub))) die("subscribe: %s", rd_kafka_err2str(err));
  rd_kafka_topic_partition_list_destroy(sub);

  /* Consume until 2 s of silence after the last message (so a few
   * heartbeats are sent), or max_seconds in total. */
  deadline = now_ms() + max_seconds * 1000;
  while (now_ms() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
    if (!m) {
      if (quiet_until && now_ms() > quiet_until) break;
      continue;
    }
    if (m->err) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
        note("consumer error: %s", rd_kafka_message_errstr(m));
    } else {
      got++;
      quiet_until = now_ms() + 2000;
    }
    rd_kafka_message_destroy(m);
  }
  note("consumed %d messages", got);

  /* Synchronous commit of current positions -> OffsetCommit */
  if (got > 0) {
    err = rd_kafka_commit(rk, NULL, 0);
    note("commit: %s", rd_kafka_err2str(err));
  } else {
    /* Nothing consumed (empty topic): commit offset 0 with
     * metadata for every assigned partition instead. */
    rd_kafka_topic_partition_list_t* asg = NULL;
    if (!rd_kafka_assignment(rk, &asg) && asg) {
      for (i = 0; i < asg->cnt; i++) {
        asg->elems[i].offset = 0;
        asg->elems[i].metadata = strdup("golden");
        asg->elems[i].metadata_size = 6;
      }
      err = rd_kafka_commit(rk, asg, 0);
      note("commit of %d explicit offsets: %s", asg->cnt, rd_kafka_err2str(err));
      rd_kafka_topic_partition_list_destroy(asg);
    }
  }

  /* Explicit committed() -> OffsetFetch */
  committed = rd_kafka_topic_partition_list_new(PARTITIONS);
  for (i = 0; i < PARTITIONS; i++) rd_kafka_topic_partition_list_add(committed, TOPIC, i);
  err = rd_kafka_committed(rk, committed, 5000);
  note("committed: %s", rd_kafka_err2str(err));
  for (i = 0; i < committed->cnt; i++)
    note("  %s[%d] committed offset %" PRId64, committed->elems[i].topic,
         committed->elems[i].partition, committed->elems[i].offset);
  rd_kafka_topic_partition_list_destroy(committed);

  /* close -> LeaveGroup */
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Low-level queries: Metadata, ListOffsets, assign()+Fetch            */
/* ------------------------------------------------------------------ */

static int mode_query(const char* bootstrap) {
  rd_kafka_conf_t* conf = base_conf(bootstrap, "golden-query");
  rd_kafka_t* rk;
  const struct rd_kafka_metadata* md;
  rd_kafka_topic_partition_list_t* parts;
  rd_kafka_resp_err_t err;
  int64_t lo, hi, deadline;
  int i, got = 0;

  set(conf, "group.id", "golden-query-unused");
  set(conf, "enable.auto.commit", "false");
  set(conf, "fetch.wait.max.ms", "200");
  rk = new_client(RD_KAFKA_CONSUMER, conf);

  /* Metadata for all topics */
  err = rd_kafka_metadata(rk, 1, NULL, &md, 5000);
  if (err)
    note("metadata: %s", rd_kafka_err2str(err));
  else {
    note("metadata: %d brokers, %d topics", md->broker_cnt, md->topic_cnt);
    rd_kafka_metadata_destroy(md);
  }

  /* ListOffsets: earliest + latest per partition */
  for (i = 0; i < PARTITIONS; i++) {
    err = rd_kafka_query_watermark_offsets(rk, TOPIC, i, &lo, &hi, 5000);
    note("watermarks %d: %s lo=%" PRId64 " hi=%" PRId64, i, rd_kafka_err2str(err), lo, hi);
  }

  /* ListOffsets by timestamp */
  parts = rd_kafka_topic_partition_list_new(PARTITIONS);
  for (i = 0; i < PARTITIONS; i++)
    rd_kafka_topic_partition_list_add(parts, TOPIC, i)->offset = BASE_TS + 10000;
  err = rd_kafka_offsets_for_times(rk, parts, 5000);
  note("offsets_for_times: %s", rd_kafka_err2str(err));
  rd_kafka_topic_partition_list_destroy(parts);

  /* assign() from explicit offsets -> Fetch without group */
  parts = rd_kafka_topic_partition_list_new(PARTITIONS);
  for (i = 0; i < PARTITIONS; i++)
    rd_kafka_topic_partition_list_add(parts, TOPIC, i)->offset =
        i == 0 ? RD_KAFKA_OFFSET_BEGINNING : (i == 1 ? 3 : RD_KAFKA_OFFSET_TAIL(2));
  rd_kafka_assign(rk, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  deadline = now_ms() + 4000;
  while (now_ms() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
    if (!m) continue;
    if (!m->err) got++;
    rd_kafka_message_destroy(m);
  }
  note("assign() consumed %d messages", got);
  rd_kafka_assign(rk, NULL);
  rd_kafka_destroy(rk);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Transactions                                                        */
/* ------------------------------------------------------------------ */

static void txn_check(rd_kafka_error_t* error, const char* what) {
  if (error) {
    note("%s: %s", what, rd_kafka_error_string(error));
    rd_kafka_error_destroy(error);
  } else
    note("%s: ok", what);
}

static int mode_txn(const char* bootstrap) {
  rd_kafka_conf_t* conf = base_conf(bootstrap, "golden-txn-producer");
  rd_kafka_t* rk;
  rd_kafka_consumer_group_metadata_t* cgmd;
  rd_kafka_topic_partition_list_t* offsets;

  set(conf, "transactional.id", "golden-txn-id");
  set(conf, "transaction.timeout.ms", "10000");
  set(conf, "linger.ms", "20");
  set(conf, "message.timeout.ms", "10000");
  rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
  rk = new_client(RD_KAFKA_PRODUCER, conf);

  txn_check(rd_kafka_init_transactions(rk, 10000), "init_transactions");

  /* Transaction 1: produce + send offsets + commit */
  txn_check(rd_kafka_begin_transaction(rk), "begin_transaction#1");
  produce_records(rk, 6, 100, "txn1");
  rd_kafka_flush(rk, 5000);
  offsets = rd_kafka_topic_partition_list_new(2);
  rd_kafka_topic_partition_list_add(offsets, TOPIC, 0)->offset = 2;
  rd_kafka_topic_partition_list_add(offsets, TOPIC, 1)->offset = 1;
  cgmd = rd_kafka_consumer_group_metadata_new("golden-txn-group");
  txn_check(rd_kafka_send_offsets_to_transaction(rk, offsets, cgmd, 8000),
            "send_offsets_to_transaction");
  rd_kafka_consumer_group_metadata_destroy(cgmd);
  rd_kafka_topic_partition_list_destroy(offsets);
  txn_check(rd_kafka_commit_transaction(rk, 8000), "commit_transaction#1");

  /* Transaction 2: produce + abort */
  txn_check(rd_kafka_begin_transaction(rk), "begin_transaction#2");
  produce_records(rk, 3, 200, "txn2");
  rd_kafka_flush(rk, 5000);
  txn_check(rd_kafka_abort_transaction(rk, 8000), "abort_transaction#2");

  note("txn: %d delivered, %d failed", dr_ok_cnt, dr_fail_cnt);
  rd_kafka_destroy(rk);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Admin API                                                           */
/* ------------------------------------------------------------------ */
/* ------------------------------------------------------------------ */

static rd_kafka_AdminOptions_t* admin_opts(rd_kafka_t* rk, rd_kafka_admin_op_t op) {
  char errstr[256];
  rd_kafka_AdminOptions_t* o = rd_kafka_AdminOptions_new(rk, op);
  rd_kafka_AdminOptions_set_request_timeout(o, 3000, errstr, sizeof(errstr));
  if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS ||
      op == RD_KAFKA_ADMIN_OP_CREATEPARTITIONS || op == RD_KAFKA_ADMIN_OP_DELETERECORDS)
    rd_kafka_AdminOptions_set_operation_timeout(o, 2500, errstr, sizeof(errstr));
  return o;
}

static void op_CreateTopics(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  char errstr[256];
  rd_kafka_NewTopic_t* nt[2];
  rd_kafka_AdminOptions_t* o;
  nt[0] = rd_kafka_NewTopic_new("golden-new", 4, 1, errstr, sizeof(errstr));
  rd_kafka_NewTopic_set_config(nt[0], "cleanup.policy", "compact");
  rd_kafka_NewTopic_set_config(nt[0], "retention.ms", "86400000");
  nt[1] = rd_kafka_NewTopic_new("golden-assigned", -1, -1, errstr, sizeof(errstr));
  rd_kafka_NewTopic_set_replica_assignment(nt[1], 0, (int32_t[]){1}, 1, errstr, sizeof(errstr));
  rd_kafka_NewTopic_set_replica_assignment(nt[1], 1, (int32_t[]){1}, 1, errstr, sizeof(errstr));
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_CreateTopics(rk, nt, 2, o, q);
  rd_kafka_AdminOptions_destroy(o);
  rd_kafka_NewTopic_destroy_array(nt, 2);
}

static void op_DeleteTopics(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  rd_kafka_DeleteTopic_t* dt[2];
  rd_kafka_AdminOptions_t* o;
  dt[0] = rd_kafka_DeleteTopic_new("golden-old");
  dt[1] = rd_kafka_DeleteTopic_new("golden-older");
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_DELETETOPICS);
  rd_kafka_DeleteTopics(rk, dt, 2, o, q);
  rd_kafka_AdminOptions_destroy(o);
  rd_kafka_DeleteTopic_destroy_array(dt, 2);
}

static void op_CreatePartitions(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  char errstr[256];
  rd_kafka_NewPartitions_t* np[1];
  rd_kafka_AdminOptions_t* o;
  np[0] = rd_kafka_NewPartitions_new(TOPIC, 5, errstr, sizeof(errstr));
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_CREATEPARTITIONS);
  rd_kafka_CreatePartitions(rk, np, 1, o, q);
  rd_kafka_AdminOptions_destroy(o);
  rd_kafka_NewPartitions_destroy_array(np, 1);
}

static void op_DescribeConfigs(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  rd_kafka_ConfigResource_t* cr[2];
  rd_kafka_AdminOptions_t* o;
  cr[0] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, TOPIC);
  cr[1] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_BROKER, "1");
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
  rd_kafka_DescribeConfigs(rk, cr, 2, o, q);
  rd_kafka_AdminOptions_destroy(o);
  rd_kafka_ConfigResource_destroy_array(cr, 2);
}

static void op_AlterConfigs(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  rd_kafka_ConfigResource_t* cr[1];
  rd_kafka_AdminOptions_t* o;
  cr[0] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, TOPIC);
  rd_kafka_ConfigResource_set_config(cr[0], "retention.ms", "3600000");
  rd_kafka_ConfigResource_set_config(cr[0], "segment.bytes", NULL);
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_ALTERCONFIGS);
  rd_kafka_AlterConfigs(rk, cr, 1, o, q);
  rd_kafka_AdminOptions_destroy(o);
  rd_kafka_ConfigResource_destroy_array(cr, 1);
}

static void op_DeleteRecords(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  rd_kafka_topic_partition_list_t* p = rd_kafka_topic_partition_list_new(2);
  rd_kafka_DeleteRecords_t* dr[1];
  rd_kafka_AdminOptions_t* o;
  rd_kafka_topic_partition_list_add(p, TOPIC, 0)->offset = 1;
  rd_kafka_topic_partition_list_add(p, TOPIC, 1)->offset = RD_KAFKA_OFFSET_END;
  dr[0] = rd_kafka_DeleteRecords_new(p);
  rd_kafka_topic_partition_list_destroy(p);
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_DELETERECORDS);
  rd_kafka_DeleteRecords(rk, dr, 1, o, q);
  rd_kafka_AdminOptions_destroy(o);
  rd_kafka_DeleteRecords_destroy_array(dr, 1);
}

static void op_DeleteGroups(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  rd_kafka_DeleteGroup_t* dg[1];
  rd_kafka_AdminOptions_t* o;
  dg[0] = rd_kafka_DeleteGroup_new("golden-group-old");
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_DELETEGROUPS);
  rd_kafka_DeleteGroups(rk, dg, 1, o, q);
  rd_kafka_AdminOptions_destroy(o);
  rd_kafka_DeleteGroup_destroy_array(dg, 1);
}

static void op_ListConsumerGroups(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  rd_kafka_consumer_group_state_t states[] = {RD_KAFKA_CONSUMER_GROUP_STATE_STABLE,
                                              RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY};
  rd_kafka_AdminOptions_t* o;
  rd_kafka_error_t* e;
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS);
  e = rd_kafka_AdminOptions_set_match_consumer_group_states(o, states, 2);
  if (e) rd_kafka_error_destroy(e);
  rd_kafka_ListConsumerGroups(rk, o, q);
  rd_kafka_AdminOptions_destroy(o);
}

static void op_DescribeConsumerGroups(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  const char* groups[] = {"golden-group", "golden-group-2"};
  rd_kafka_AdminOptions_t* o;
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
  rd_kafka_DescribeConsumerGroups(rk, groups, 2, o, q);
  rd_kafka_AdminOptions_destroy(o);
}

static void op_ListConsumerGroupOffsets(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  rd_kafka_topic_partition_list_t* p = rd_kafka_topic_partition_list_new(2);
  rd_kafka_ListConsumerGroupOffsets_t* l[1];
  rd_kafka_AdminOptions_t* o;
  rd_kafka_error_t* e;
  rd_kafka_topic_partition_list_add(p, TOPIC, 0);
  rd_kafka_topic_partition_list_add(p, TOPIC, 2);
  l[0] = rd_kafka_ListConsumerGroupOffsets_new("golden-group", p);
  rd_kafka_topic_partition_list_destroy(p);
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
  e = rd_kafka_AdminOptions_set_require_stable_offsets(o, 1);
  if (e) rd_kafka_error_destroy(e);
  rd_kafka_ListConsumerGroupOffsets(rk, l, 1, o, q);
  rd_kafka_AdminOptions_destroy(o);
  rd_kafka_ListConsumerGroupOffsets_destroy_array(l, 1);
}

static void op_AlterConsumerGroupOffsets(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  rd_kafka_topic_partition_list_t* p = rd_kafka_topic_partition_list_new(2);
  rd_kafka_AlterConsumerGroupOffsets_t* a[1];
  rd_kafka_AdminOptions_t* o;
  rd_kafka_topic_partition_list_add(p, TOPIC, 0)->offset = 4;
  rd_kafka_topic_partition_list_add(p, TOPIC, 1)->offset = 0;
  a[0] = rd_kafka_AlterConsumerGroupOffsets_new("golden-group-alter", p);
  rd_kafka_topic_partition_list_destroy(p);
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS);
  rd_kafka_AlterConsumerGroupOffsets(rk, a, 1, o, q);
  rd_kafka_AdminOptions_destroy(o);
  rd_kafka_AlterConsumerGroupOffsets_destroy_array(a, 1);
}

static void op_DeleteConsumerGroupOffsets(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  rd_kafka_topic_partition_list_t* p = rd_kafka_topic_partition_list_new(1);
  rd_kafka_DeleteConsumerGroupOffsets_t* d[1];
  rd_kafka_AdminOptions_t* o;
  rd_kafka_topic_partition_list_add(p, TOPIC, 2);
  d[0] = rd_kafka_DeleteConsumerGroupOffsets_new("golden-group", p);
  rd_kafka_topic_partition_list_destroy(p);
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS);
  rd_kafka_DeleteConsumerGroupOffsets(rk, d, 1, o, q);
  rd_kafka_AdminOptions_destroy(o);
  rd_kafka_DeleteConsumerGroupOffsets_destroy_array(d, 1);
}

static void op_CreateAcls(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  char errstr[256];
  rd_kafka_AclBinding_t* acl[2];
  rd_kafka_AdminOptions_t* o;
  acl[0] = rd_kafka_AclBinding_new(
      RD_KAFKA_RESOURCE_TOPIC, TOPIC, RD_KAFKA_RESOURCE_PATTERN_LITERAL, "User:alice", "*",
      RD_KAFKA_ACL_OPERATION_READ, RD_KAFKA_ACL_PERMISSION_TYPE_ALLOW, errstr, sizeof(errstr));
  acl[1] = rd_kafka_AclBinding_new(RD_KAFKA_RESOURCE_GROUP, "golden-",
                                   RD_KAFKA_RESOURCE_PATTERN_PREFIXED, "User:bob", "127.0.0.1",
                                   RD_KAFKA_ACL_OPERATION_DESCRIBE,
                                   RD_KAFKA_ACL_PERMISSION_TYPE_DENY, errstr, sizeof(errstr));
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_CREATEACLS);
  rd_kafka_CreateAcls(rk, acl, 2, o, q);
  rd_kafka_AdminOptions_destroy(o);
  rd_kafka_AclBinding_destroy_array(acl, 2);
}

static void op_DescribeAcls(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  char errstr[256];
  rd_kafka_AclBindingFilter_t* f;
  rd_kafka_AdminOptions_t* o;
  f = rd_kafka_AclBindingFilter_new(RD_KAFKA_RESOURCE_TOPIC, NULL, RD_KAFKA_RESOURCE_PATTERN_ANY,
                                    NULL, NULL, RD_KAFKA_ACL_OPERATION_ANY,
                                    RD_KAFKA_ACL_PERMISSION_TYPE_ANY, errstr, sizeof(errstr));
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_DESCRIBEACLS);
  rd_kafka_DescribeAcls(rk, f, o, q);
  rd_kafka_AdminOptions_destroy(o);
  rd_kafka_AclBinding_destroy(f);
}

static void op_DeleteAcls(rd_kafka_t* rk, rd_kafka_queue_t* q) {
  char errstr[256];
  rd_kafka_AclBindingFilter_t* f[1];
  rd_kafka_AdminOptions_t* o;
  f[0] = rd_kafka_AclBindingFilter_new(
      RD_KAFKA_RESOURCE_GROUP, "golden-", RD_KAFKA_RESOURCE_PATTERN_MATCH, "User:bob", NULL,
      RD_KAFKA_ACL_OPERATION_ANY, RD_KAFKA_ACL_PERMISSION_TYPE_DENY, errstr, sizeof(errstr));
  o = admin_opts(rk, RD_KAFKA_ADMIN_OP_DELETEACLS);
  rd_kafka_DeleteAcls(rk, f, 1, o, q);
  rd_kafka_AdminOptions_destroy(o);
  rd_kafka_AclBinding_destroy_array(f, 1);
}

#define ADMIN_OP(name) \
  { #name, op_##name }
static const struct {
  const char* name;
  void (*fn)(rd_kafka_t* rk, rd_kafka_queue_t* q);
} admin_ops[] = {
    ADMIN_OP(CreateTopics),
    ADMIN_OP(DeleteTopics),
    ADMIN_OP(CreatePartitions),
    ADMIN_OP(DescribeConfigs),
    ADMIN_OP(AlterConfigs),
    ADMIN_OP(DeleteRecords),
    ADMIN_OP(DeleteGroups),
    ADMIN_OP(ListConsumerGroups),
    ADMIN_OP(DescribeConsumerGroups),
    ADMIN_OP(ListConsumerGroupOffsets),
    ADMIN_OP(AlterConsumerGroupOffsets),
    ADMIN_OP(DeleteConsumerGroupOffsets),
    ADMIN_OP(CreateAcls),
    ADMIN_OP(DescribeAcls),
    ADMIN_OP(DeleteAcls),
};

/* Wait for one admin result event; returns 0 on timeout. */
static int admin_wait_one(rd_kafka_queue_t* q, int64_t deadline) {
  while (now_ms() < deadline) {
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 200);
    int is_result;
    if (!ev) continue;
    is_result = rd_kafka_event_type(ev) != RD_KAFKA_EVENT_ERROR &&
                rd_kafka_event_type(ev) != RD_KAFKA_EVENT_LOG;
    note("admin result %-36s: %s", rd_kafka_event_name(ev),
         rd_kafka_event_error(ev) ? rd_kafka_event_error_string(ev) : "ok");
    rd_kafka_event_destroy(ev);
    if (is_result) return 1;
  }
  return 0;
}

/*
 * peers admin BOOTSTRAP [seq|par] [OP,OP,...]
 *   seq: issue one operation at a time and wait for its result
 *   par: issue all operations at once (default)
 *   OP list: only run operations whose name is listed (comma separated)
 */
static int mode_admin(const char* bootstrap, const char* how, const char* only) {
  rd_kafka_conf_t* conf = base_conf(bootstrap, "golden-admin");
  rd_kafka_t* rk;
  rd_kafka_queue_t* q;
  int outstanding = 0;
  size_t i;
  int seq = how && !strcmp(how, "seq");
  int64_t deadline = now_ms() + 25000;

  rk = new_client(RD_KAFKA_PRODUCER, conf);
  q = rd_kafka_queue_new(rk);

  for (i = 0; i < sizeof(admin_ops) / sizeof(admin_ops[0]); i++) {
    char pat[64];
    snprintf(pat, sizeof(pat), ",%s,", admin_ops[i].name);
    if (only) {
      char list[1024];
      snprintf(list, sizeof(list), ",%s,", only);
      if (!strstr(list, pat)) continue;
    }
    note("admin: %s", admin_ops[i].name);
    admin_ops[i].fn(rk, q);
    outstanding++;
    if (seq && admin_wait_one(q, now_ms() + 5000)) outstanding--;
  }
  while (outstanding > 0 && admin_wait_one(q, deadline)) outstanding--;
  if (outstanding) note("%d admin operations still outstanding", outstanding);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
  return 0;
}

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stderr, NULL, _IOLBF, 0);
  if (argc < 2) die("usage: peers mock|produce|consume|query|txn|admin ...");
  if (!strcmp(argv[1], "mock")) return mode_mock(argc - 2, argv + 2);
  if (argc < 3) die("%s: missing BOOTSTRAP", argv[1]);
  if (!strcmp(argv[1], "produce")) {
    run_producer(argv[2], argc > 3 ? argv[3] : "none", 20, 0, 1);
    return dr_fail_cnt ? 1 : 0;
  }
  if (!strcmp(argv[1], "consume"))
    return mode_consume(argv[2], argc > 3 ? argv[3] : "golden-group",
                        argc > 4 ? atoi(argv[4]) : 18);
  if (!strcmp(argv[1], "query")) return mode_query(argv[2]);
  if (!strcmp(argv[1], "txn")) return mode_txn(argv[2]);
  if (!strcmp(argv[1], "admin"))
    return mode_admin(argv[2], argc > 3 ? argv[3] : NULL, argc > 4 ? argv[4] : NULL);
  die("unknown mode %s", argv[1]);
  return 1;
}
