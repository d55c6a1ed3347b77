#!/usr/bin/env python3
"""Write MANIFEST.md / MANIFEST.tsv for the golden frame files and print
the request (api_key, api_version) coverage table.

Usage: make_manifest.py DATA_DIR

Standard library only.  Request frames are decoded from their header
(INT32 size, INT16 api_key, INT16 api_version, INT32 correlation_id,
NULLABLE_STRING client_id).  Response frames carry only the correlation id;
they are attributed to the request with the same correlation id in the
paired .req.bin file.
"""

import collections
import glob
import os
import re
import struct
import sys

API_NAMES = {
    0: "Produce", 1: "Fetch", 2: "ListOffsets", 3: "Metadata",
    4: "LeaderAndIsr", 5: "StopReplica", 6: "UpdateMetadata",
    7: "ControlledShutdown", 8: "OffsetCommit", 9: "OffsetFetch",
    10: "FindCoordinator", 11: "JoinGroup", 12: "Heartbeat", 13: "LeaveGroup",
    14: "SyncGroup", 15: "DescribeGroups", 16: "ListGroups",
    17: "SaslHandshake", 18: "ApiVersions", 19: "CreateTopics",
    20: "DeleteTopics", 21: "DeleteRecords", 22: "InitProducerId",
    23: "OffsetForLeaderEpoch", 24: "AddPartitionsToTxn",
    25: "AddOffsetsToTxn", 26: "EndTxn", 27: "WriteTxnMarkers",
    28: "TxnOffsetCommit", 29: "DescribeAcls", 30: "CreateAcls",
    31: "DeleteAcls", 32: "DescribeConfigs", 33: "AlterConfigs",
    34: "AlterReplicaLogDirs", 35: "DescribeLogDirs", 36: "SaslAuthenticate",
    37: "CreatePartitions", 38: "CreateDelegationToken",
    39: "RenewDelegationToken", 40: "ExpireDelegationToken",
    41: "DescribeDelegationToken", 42: "DeleteGroups", 43: "ElectLeaders",
    44: "IncrementalAlterConfigs", 45: "AlterPartitionReassignments",
    46: "ListPartitionReassignments", 47: "OffsetDelete",
    48: "DescribeClientQuotas", 49: "AlterClientQuotas",
    50: "DescribeUserScramCredentials", 51: "AlterUserScramCredentials",
    57: "UpdateFeatures", 60: "DescribeCluster", 61: "DescribeProducers",
    65: "DescribeTransactions", 66: "ListTransactions",
}

RDKAFKA = "librdkafka 2.0.2 client (Debian librdkafka1 2.0.2-1)"
MOCK = "librdkafka 2.0.2 mock broker (rdkafka_mock, Debian librdkafka1 2.0.2-1)"
KCAT = "kcat 1.7.1 (Debian kcat 1.7.1-2, librdkafka 2.0.2)"

SCENARIOS = [
    # (regex on scenario name, description, request writer, response writer)
    (r"rdkafka-produce-(\w+)",
     "Idempotent producer (enable.idempotence=true, acks=all), 20 records "
     "over 3 partitions with keys, null key, null value, empty key/value, "
     "headers (incl. null header value), fixed timestamps; "
     "compression.codec={0}.", RDKAFKA, MOCK),
    (r"rdkafka-consume-group",
     "High-level consumer in group golden-group: subscribe, rebalance, "
     "fetch of 30 seeded records (one batch per codec none/gzip/snappy/lz4/"
     "zstd), heartbeats, sync commit, committed(), close/LeaveGroup.",
     RDKAFKA, MOCK),
    (r"rdkafka-query",
     "Plain consumer: Metadata(all topics), watermark queries, "
     "offsets_for_times, assign() with explicit offsets + fetch.",
     RDKAFKA, MOCK),
    (r"rdkafka-txn",
     "Transactional producer (transactional.id=golden-txn-id): "
     "init_transactions, txn 1 = produce + send_offsets_to_transaction + "
     "commit, txn 2 = produce + abort.", RDKAFKA, MOCK),
    (r"rdkafka-admin-mock",
     "AdminClient ListConsumerGroupOffsets (require_stable) and "
     "AlterConsumerGroupOffsets against the mock (OffsetFetch/OffsetCommit).",
     RDKAFKA, MOCK),
    (r"rdkafka-admin-stub",
     "AdminClient: CreateTopics, DeleteTopics, CreatePartitions, "
     "DescribeConfigs, AlterConfigs, DeleteRecords, DeleteGroups, "
     "ListConsumerGroups, DescribeConsumerGroups, ListConsumerGroupOffsets, "
     "AlterConsumerGroupOffsets, DeleteConsumerGroupOffsets, CreateAcls, "
     "DescribeAcls, DeleteAcls, sent to stub_broker.py (advertises Kafka 3.4 "
     "API ranges, answers only ApiVersions/Metadata/FindCoordinator). "
     "REQUESTS ONLY: the stub's responses are not third-party bytes and "
     "are not kept.", RDKAFKA, None),
    (r"rdkafka-sasl-plain-stub",
     "security.protocol=sasl_plaintext, sasl.mechanisms=PLAIN (dummy "
     "credentials golden-user/golden-password): SaslHandshake + "
     "SaslAuthenticate, then one DescribeConfigs, against stub_broker.py. "
     "REQUESTS ONLY.", RDKAFKA, None),
    (r"rdkafka-kafka0102-produce-(\w+)",
     "Producer (idempotence off) against a mock that advertises only Apache "
     "Kafka 0.10.2 API versions: librdkafka negotiates Produce v2 with a "
     "legacy MessageSet (magic 1), compression.codec={0}. The 2.0.2 mock "
     "only stores magic-2 batches and answers UNSUPPORTED_VERSION (35).",
     RDKAFKA, MOCK),
    (r"rdkafka-kafka0102-consume-group",
     "High-level group consumer against the Kafka-0.10.2-emulating mock "
     "(empty topic, 6 s): JoinGroup v1, SyncGroup/Heartbeat/LeaveGroup v0, "
     "Fetch v3, ListOffsets v1, OffsetFetch v2 ...", RDKAFKA, MOCK),
    (r"rdkafka-fallback090-produce-(\w+)",
     "Producer with api.version.request=false, broker.version.fallback="
     "0.9.0 (no ApiVersions request; Metadata v0, Produce v1 with MessageSet "
     "magic 0), compression.codec={0}; mock answers UNSUPPORTED_VERSION.",
     RDKAFKA, MOCK),
    (r"rdkafka-fallback090-consume-group",
     "High-level group consumer with api.version.request=false, "
     "broker.version.fallback=0.9.0 (empty topic, 6 s).", RDKAFKA, MOCK),
    (r"kcat-metadata", "kcat -L and kcat -L -t golden.", KCAT, MOCK),
    (r"kcat-produce-(\w+)",
     "kcat -P -t golden -K: with 5 lines (incl. empty key and empty value), "
     "compression {0}.", KCAT, MOCK),
    (r"kcat-consume",
     "kcat -C -t golden -o beginning -e over 30 seeded records.", KCAT, MOCK),
    (r"kcat-query",
     "kcat -Q -t golden:0:1700000000000 -t golden:1:1700000012000 "
     "-t golden:2:-1 (ListOffsets by timestamp).", KCAT, MOCK),
    (r"kcat-group",
     "kcat -G golden-kcat-group golden -e (balanced consumer group, "
     "30 seeded records).", KCAT, MOCK),
]


def api_name(k):
    return API_NAMES.get(k, "Api%d" % k)


def frames(blob):
    off = 0
    while off + 4 <= len(blob):
        size = struct.unpack(">i", blob[off:off + 4])[0]
        if size < 0 or off + 4 + size > len(blob):
            raise ValueError("not a whole number of frames at offset %d" % off)
        yield off, blob[off + 4:off + 4 + size]
        off += 4 + size
    if off != len(blob):
        raise ValueError("trailing %d bytes" % (len(blob) - off))


def decode_requests(blob):
    out = []
    for off, f in frames(blob):
        key, ver, corr = struct.unpack(">hhi", f[:8])
        clen = struct.unpack(">h", f[8:10])[0]
        cid = f[10:10 + clen].decode("utf-8", "replace") if clen >= 0 else None
        out.append(dict(off=off, len=len(f) + 4, key=key, ver=ver, corr=corr,
                        client_id=cid))
    return out


def decode_responses(blob, reqs):
    by_corr = {r["corr"]: r for r in reqs}
    out = []
    for off, f in frames(blob):
        corr = struct.unpack(">i", f[:4])[0]
        r = by_corr.get(corr)
        out.append(dict(off=off, len=len(f) + 4, corr=corr,
                        key=r["key"] if r else None,
                        ver=r["ver"] if r else None))
    return out


def runs(items):
    """Run-length compress a list of (key, ver) into 'Name vN xK' strings."""
    res = []
    prev, cnt = None, 0
    for it in items + [None]:
        if it == prev:
            cnt += 1
            continue
        if prev is not None:
            k, v = prev
            s = "?" if k is None else "%s(%d) v%d" % (api_name(k), k, v)
            res.append(s + (" ×%d" % cnt if cnt > 1 else ""))
        prev, cnt = it, 1
    return ", ".join(res)


def describe(scenario):
    for rx, text, reqw, respw in SCENARIOS:
        m = re.fullmatch(rx, scenario)
        if m:
            return text.format(*m.groups()), reqw, respw
    return "(undocumented scenario)", "?", "?"


def main():
    data = sys.argv[1]
    reqfiles = sorted(glob.glob(os.path.join(data, "*.req.bin")))
    by_scen = collections.OrderedDict()
    for path in reqfiles:
        base = os.path.basename(path)[:-len(".req.bin")]
        scen = base.rsplit("-", 1)[0]
        by_scen.setdefault(scen, []).append(base)

    order = []
    for rx, *_ in SCENARIOS:
        for s in by_scen:
            if re.fullmatch(rx, s) and s not in order:
                order.append(s)
    order += [s for s in by_scen if s not in order]

    md = []
    tsv = ["file\twriter\tframe\toffset\tlength\tapi_key\tapi_name\t"
           "api_version\tcorrelation_id"]
    coverage = collections.defaultdict(lambda: [0, set(), set()])
    total = 0

    md.append("# Golden Kafka wire captures — manifest\n")
    md.append("Generated by `tests/golden/capture/make_manifest.py`; "
              "regenerate everything with `tests/golden/capture/capture.sh`.\n")
    md.append("Every `.bin` file is the exact TCP byte stream of one "
              "direction of one connection: a sequence of whole Kafka frames "
              "(INT32 big-endian size + payload). `*.req.bin` = client→broker "
              "requests, `*.resp.bin` = broker→client responses of the same "
              "connection (response i answers the request with the same "
              "correlation id). Frame lists are in wire order; `×N` = N "
              "consecutive frames. `MANIFEST.tsv` has one row per frame "
              "(offset, length, api key/version, correlation id).\n")

    for scen in order:
        text, reqw, respw = describe(scen)
        md.append("## %s\n" % scen)
        md.append(text + "\n")
        md.append("| file | written by | bytes | frames: api(key) version |")
        md.append("|---|---|---:|---|")
        for base in by_scen[scen]:
            reqp = os.path.join(data, base + ".req.bin")
            respp = os.path.join(data, base + ".resp.bin")
            rblob = open(reqp, "rb").read()
            reqs = decode_requests(rblob)
            total += len(rblob)
            md.append("| `%s.req.bin` | %s | %d | %s |" % (
                base, reqw, len(rblob), runs([(r["key"], r["ver"]) for r in reqs])))
            for i, r in enumerate(reqs):
                tsv.append("%s.req.bin\t%s\t%d\t%d\t%d\t%d\t%s\t%d\t%d" % (
                    base, reqw, i, r["off"], r["len"], r["key"], api_name(r["key"]),
                    r["ver"], r["corr"]))
                c = coverage[(r["key"], r["ver"])]
                c[0] += 1
                c[1].add(scen)
                c[2].add("kcat" if reqw == KCAT else "librdkafka")
            if os.path.exists(respp):
                pblob = open(respp, "rb").read()
                total += len(pblob)
                resps = decode_responses(pblob, reqs)
                md.append("| `%s.resp.bin` | %s | %d | %s |" % (
                    base, respw, len(pblob),
                    runs([(r["key"], r["ver"]) for r in resps]) or "(none)"))
                for i, r in enumerate(resps):
                    tsv.append("%s.resp.bin\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t%d" % (
                        base, respw, i, r["off"], r["len"],
                        "" if r["key"] is None else r["key"],
                        "" if r["key"] is None else api_name(r["key"]),
                        "" if r["ver"] is None else r["ver"], r["corr"]))
        md.append("")

    md.append("## Request coverage\n")
    md.append("Distinct (api_key, api_version) pairs found in `*.req.bin`.\n")
    md.append("| api_key | name | version | frames | written by | scenarios |")
    md.append("|---:|---|---:|---:|---|---|")
    table = []
    for (k, v) in sorted(coverage):
        n, scens, who = coverage[(k, v)]
        md.append("| %d | %s | %d | %d | %s | %s |" % (
            k, api_name(k), v, n, ", ".join(sorted(who)),
            ", ".join(sorted(scens))))
        table.append("%3d %-26s v%-2d %5d  %s" % (k, api_name(k), v, n,
                                                 ", ".join(sorted(who))))
    md.append("\nTotal size of .bin files: %d bytes.\n" % total)

    with open(os.path.join(data, "MANIFEST.md"), "w") as f:
        f.write("\n".join(md))
    with open(os.path.join(data, "MANIFEST.tsv"), "w") as f:
        f.write("\n".join(tsv) + "\n")

    print("request coverage (api_key name version frames peers):")
    print("\n".join(table))
    print("%d distinct (api_key, api_version) pairs; %d bytes of .bin data"
          % (len(coverage), total))


if __name__ == "__main__":
    main()
