#!/usr/bin/env python3
"""Minimal scripted Kafka "broker" used only to make clients SEND requests.

librdkafka only sends a request if the broker advertised the API in its
ApiVersions response, and the librdkafka mock cluster does not advertise the
Admin APIs (CreateTopics, DescribeConfigs, ACLs, ...).  This stub advertises
the API version ranges of a recent Apache Kafka broker and answers just
enough (ApiVersions, Metadata, FindCoordinator, and SASL/PLAIN via
SaslHandshake + SaslAuthenticate, accepting any credentials) for the client
to route its Admin requests here.  Every other request is logged and left unanswered, so
the client times out.

Its own responses are NOT third-party bytes: captures against this stub are
kept as request files only (pcap_to_frames.py --requests-only).

Usage: stub_broker.py      prints "127.0.0.1:PORT", serves until stdin closes
Standard library only.
"""

import socket
import struct
import sys
import threading

NODE_ID = 1
CLUSTER_ID = "golden-stub-cluster"
DEFAULT_TOPICS = {"golden": 3}

# ApiKey -> (min, max) as advertised by an Apache Kafka 3.4 broker.
ADVERTISED = {
    0: (0, 9), 1: (0, 13), 2: (0, 7), 3: (0, 12), 8: (0, 8), 9: (0, 8),
    10: (0, 4), 11: (0, 9), 12: (0, 4), 13: (0, 5), 14: (0, 5), 15: (0, 5),
    16: (0, 4), 17: (0, 1), 18: (0, 3), 19: (0, 7), 20: (0, 6), 21: (0, 2),
    22: (0, 4), 23: (0, 4), 24: (0, 3), 25: (0, 3), 26: (0, 3), 28: (0, 3),
    29: (0, 3), 30: (0, 3), 31: (0, 3), 32: (0, 4), 33: (0, 2), 34: (0, 2),
    35: (0, 4), 36: (0, 2), 37: (0, 3), 38: (0, 3), 39: (0, 2), 40: (0, 2),
    41: (0, 3), 42: (0, 2), 43: (0, 2), 44: (0, 1), 45: (0, 0), 46: (0, 0),
    47: (0, 0), 48: (0, 1), 49: (0, 1), 50: (0, 0), 51: (0, 0), 57: (0, 1),
    60: (0, 0), 61: (0, 0), 65: (0, 0), 66: (0, 0),
}

# First flexible version of the APIs whose requests the stub parses.
FIRST_FLEX = {3: 9, 10: 3, 17: 99, 18: 3, 36: 2}


def log(msg):
    print("stub: " + msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Encoding helpers
# --------------------------------------------------------------------------

def uvarint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def i8(v): return struct.pack(">b", v)
def i16(v): return struct.pack(">h", v)
def i32(v): return struct.pack(">i", v)


def string(s, flex, nullable=False):
    if s is None:
        assert nullable
        return uvarint(0) if flex else i16(-1)
    b = s.encode()
    return (uvarint(len(b) + 1) if flex else i16(len(b))) + b


def array(items, flex):
    items = list(items)
    return (uvarint(len(items) + 1) if flex else i32(len(items))) + b"".join(items)


def tags(flex):
    return uvarint(0) if flex else b""


# --------------------------------------------------------------------------
# Decoding helpers
# --------------------------------------------------------------------------

class Reader:
    def __init__(self, buf, off=0):
        self.buf, self.off = buf, off

    def take(self, n):
        b = self.buf[self.off:self.off + n]
        if len(b) != n:
            raise ValueError("short read")
        self.off += n
        return b

    def i8(self): return struct.unpack(">b", self.take(1))[0]
    def i16(self): return struct.unpack(">h", self.take(2))[0]
    def i32(self): return struct.unpack(">i", self.take(4))[0]

    def uvarint(self):
        shift = val = 0
        while True:
            b = self.take(1)[0]
            val |= (b & 0x7F) << shift
            if not b & 0x80:
                return val
            shift += 7

    def string(self, flex):
        n = self.uvarint() - 1 if flex else self.i16()
        return None if n < 0 else self.take(n).decode("utf-8", "replace")

    def skip_tags(self):
        for _ in range(self.uvarint()):
            self.uvarint()
            self.take(self.uvarint())


# --------------------------------------------------------------------------
# Handlers.  Each returns the response body (without header) or None.
# --------------------------------------------------------------------------

def handle_api_versions(ver, r, port):
    if ver > 3:
        # Unsupported version: error in the v0 layout, listing ApiVersions.
        return i16(35) + i32(1) + i16(18) + i16(0) + i16(3)
    flex = ver >= 3
    entries = []
    for key in sorted(ADVERTISED):
        lo, hi = ADVERTISED[key]
        entries.append(i16(key) + i16(lo) + i16(hi) + tags(flex))
    body = i16(0) + array(entries, flex)
    if ver >= 1:
        body += i32(0)
    return body + tags(flex)


def handle_metadata(ver, r, port):
    flex = ver >= FIRST_FLEX[3]
    names = None
    if flex:
        n = r.uvarint() - 1
        if n >= 0:
            names = []
            for _ in range(n):
                if ver >= 10:
                    r.take(16)  # topic id
                names.append(r.string(True))
                r.skip_tags()
    else:
        n = r.i32()
        if n >= 0 and not (ver == 0 and n == 0):
            names = [r.string(False) for _ in range(n)]
    if names is None:
        topics = dict(DEFAULT_TOPICS)
    else:
        topics = {t: DEFAULT_TOPICS.get(t, 3) for t in names if t}

    body = b""
    if ver >= 3:
        body += i32(0)  # throttle_time_ms
    broker = i32(NODE_ID) + string("127.0.0.1", flex) + i32(port)
    if ver >= 1:
        broker += string(None, flex, nullable=True)  # rack
    body += array([broker + tags(flex)], flex)
    if ver >= 2:
        body += string(CLUSTER_ID, flex, nullable=True)
    if ver >= 1:
        body += i32(NODE_ID)  # controller_id
    tlist = []
    for name, pcnt in topics.items():
        t = i16(0) + string(name, flex)
        if ver >= 10:
            t += bytes(16)  # topic id (zero)
        if ver >= 1:
            t += i8(0)  # is_internal
        parts = []
        for p in range(pcnt):
            e = i16(0) + i32(p) + i32(NODE_ID)
            if ver >= 7:
                e += i32(0)  # leader_epoch
            e += array([i32(NODE_ID)], flex) + array([i32(NODE_ID)], flex)
            if ver >= 5:
                e += array([], flex)  # offline replicas
            parts.append(e + tags(flex))
        t += array(parts, flex)
        if ver >= 8:
            t += i32(-2147483648)  # topic_authorized_operations
        tlist.append(t + tags(flex))
    body += array(tlist, flex)
    if 8 <= ver <= 10:
        body += i32(-2147483648)  # cluster_authorized_operations
    return body + tags(flex)


def handle_find_coordinator(ver, r, port):
    flex = ver >= FIRST_FLEX[10]
    if ver >= 4:
        r.i8()  # key_type
        n = r.uvarint() - 1
        keys = [r.string(True) for _ in range(max(n, 0))]
        coords = [string(k, True) + i32(NODE_ID) + string("127.0.0.1", True)
                  + i32(port) + i16(0) + string(None, True, nullable=True)
                  + tags(True) for k in keys]
        return i32(0) + array(coords, True) + tags(True)
    body = b""
    if ver >= 1:
        body += i32(0)  # throttle_time_ms
    body += i16(0)
    if ver >= 1:
        body += string(None, flex, nullable=True)  # error_message
    body += i32(NODE_ID) + string("127.0.0.1", flex) + i32(port)
    return body + tags(flex)


def handle_sasl_handshake(ver, r, port):
    mech = r.string(False)
    ok = mech == "PLAIN"
    return i16(0 if ok else 33) + array([string("PLAIN", False)], False)


def handle_sasl_authenticate(ver, r, port):
    # Accept any SASL/PLAIN credentials.
    flex = ver >= FIRST_FLEX[36]
    body = i16(0) + string(None, flex, nullable=True)
    body += uvarint(1) if flex else i32(0)  # empty auth_bytes
    if ver >= 1:
        body += struct.pack(">q", 0)  # session_lifetime_ms
    return body + tags(flex)


HANDLERS = {18: handle_api_versions, 3: handle_metadata,
            10: handle_find_coordinator, 17: handle_sasl_handshake,
            36: handle_sasl_authenticate}


def serve_conn(sock, port):
    peer = "%s:%d" % sock.getpeername()
    buf = b""
    try:
        while True:
            while len(buf) < 4 or len(buf) < 4 + struct.unpack(">i", buf[:4])[0]:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buf += chunk
            size = struct.unpack(">i", buf[:4])[0]
            frame, buf = buf[4:4 + size], buf[4 + size:]
            r = Reader(frame)
            key, ver, corr = r.i16(), r.i16(), r.i32()
            r.string(False)  # client_id (never compact)
            req_flex = key in FIRST_FLEX and ver >= FIRST_FLEX[key]
            if req_flex:
                r.skip_tags()
            handler = HANDLERS.get(key)
            if handler is None:
                log("%s: api %d v%d corr %d: not answered" % (peer, key, ver, corr))
                continue
            body = handler(ver, r, port)
            # ApiVersions responses always use response header v0.
            hdr = i32(corr)
            if req_flex and key != 18:
                hdr += tags(True)
            resp = hdr + body
            sock.sendall(i32(len(resp)) + resp)
            log("%s: api %d v%d corr %d: answered" % (peer, key, ver, corr))
    except (OSError, ValueError) as e:
        log("%s: %s" % (peer, e))
    finally:
        sock.close()


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    port = srv.getsockname()[1]

    def accept_loop():
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                return
            threading.Thread(target=serve_conn, args=(c, port), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    print("127.0.0.1:%d" % port, flush=True)
    for line in sys.stdin:
        if line.startswith("quit"):
            break
    srv.close()


if __name__ == "__main__":
    main()
