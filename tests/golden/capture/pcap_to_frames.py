#!/usr/bin/env python3
"""Split a pcap of Kafka traffic into per-connection request/response files.

Standard library only.

For every TCP connection to the broker port found in the capture, the two
directions are reassembled by sequence number (retransmissions, duplicates
and out-of-order segments are handled; reassembly stops at the first hole)
and written as

    <OUT>/<scenario>-<NN>.req.bin    client -> broker bytes
    <OUT>/<scenario>-<NN>.resp.bin   broker -> client bytes

Exit status: 0 ok, 1 error, 2 nothing extracted, 3 a stream had a hole
(packets missing from the capture; files are cut at the hole).

Each file is a whole number of Kafka frames (INT32 big-endian size followed
by that many bytes); a trailing partial frame is trimmed.  Connections
without a single complete request frame are skipped.  NN numbers the kept
connections in the order they were opened (first SYN / first packet).

Usage:
    pcap_to_frames.py --port PORT --scenario NAME --out DIR [--requests-only] CAPTURE.pcap
"""

import argparse
import ipaddress
import os
import struct
import sys

# Link-layer types we understand.
DLT_NULL = 0
DLT_EN10MB = 1
DLT_RAW_A = 12
DLT_RAW_B = 14
DLT_RAW = 101
DLT_LOOP = 108
DLT_LINUX_SLL = 113
DLT_LINUX_SLL2 = 276

ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
ETH_VLAN = (0x8100, 0x88A8, 0x9100)

TCP_FIN = 0x01
TCP_SYN = 0x02
TCP_RST = 0x04
TCP_ACK = 0x10

MAX_FRAME = 256 * 1024 * 1024  # sanity bound for a Kafka frame size


class PcapError(Exception):
    pass


def read_pcap(path):
    """Yield (linktype, packet_bytes) for each record of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise PcapError("%s: too short for a pcap header" % path)
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    elif magic == b"\x0a\x0d\x0d\x0a":
        raise PcapError("%s: pcapng is not supported; capture with "
                        "'tcpdump -w' (classic pcap)" % path)
    else:
        raise PcapError("%s: not a pcap file (magic %s)" % (path, magic.hex()))
    _vmaj, _vmin, _tz, _sig, _snap, linktype = struct.unpack(
        endian + "HHiIII", data[4:24])
    linktype &= 0x0FFFFFFF  # upper bits may hold FCS info
    off = 24
    n = len(data)
    while off + 16 <= n:
        _ts, _tsu, incl, orig = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        if off + incl > n:
            break  # truncated last record
        if incl < orig:
            raise PcapError("%s: packet truncated by snaplen (%d < %d); "
                            "capture with -s 0" % (path, incl, orig))
        yield linktype, data[off:off + incl]
        off += incl


def link_payload(linktype, pkt):
    """Return (ethertype, network_layer_bytes) or None."""
    if linktype == DLT_EN10MB:
        if len(pkt) < 14:
            return None
        etype = struct.unpack(">H", pkt[12:14])[0]
        off = 14
        while etype in ETH_VLAN and len(pkt) >= off + 4:
            etype = struct.unpack(">H", pkt[off + 2:off + 4])[0]
            off += 4
        return etype, pkt[off:]
    if linktype in (DLT_NULL, DLT_LOOP):
        if len(pkt) < 4:
            return None
        # DLT_NULL: host byte order; DLT_LOOP: network order.  Accept both.
        fam_le = struct.unpack("<I", pkt[:4])[0]
        fam_be = struct.unpack(">I", pkt[:4])[0]
        fams = (fam_le, fam_be)
        if 2 in fams:
            return ETH_P_IP, pkt[4:]
        if any(f in (10, 24, 28, 30) for f in fams):  # AF_INET6 on various OSes
            return ETH_P_IPV6, pkt[4:]
        return None
    if linktype == DLT_LINUX_SLL:
        if len(pkt) < 16:
            return None
        return struct.unpack(">H", pkt[14:16])[0], pkt[16:]
    if linktype == DLT_LINUX_SLL2:
        if len(pkt) < 20:
            return None
        return struct.unpack(">H", pkt[0:2])[0], pkt[20:]
    if linktype in (DLT_RAW, DLT_RAW_A, DLT_RAW_B):
        if not pkt:
            return None
        ver = pkt[0] >> 4
        return (ETH_P_IP if ver == 4 else ETH_P_IPV6), pkt
    raise PcapError("unsupported pcap link type %d" % linktype)


def ip_payload(etype, ip):
    """Return (src, dst, tcp_segment_bytes) or None for non-TCP."""
    if etype == ETH_P_IP:
        if len(ip) < 20 or ip[0] >> 4 != 4:
            return None
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack(">H", ip[2:4])[0]
        frag = struct.unpack(">H", ip[6:8])[0]
        if frag & 0x3FFF:
            raise PcapError("fragmented IPv4 packet; not supported")
        if ip[9] != 6:
            return None
        src = str(ipaddress.IPv4Address(ip[12:16]))
        dst = str(ipaddress.IPv4Address(ip[16:20]))
        end = total if total else len(ip)  # total==0 with TSO captures
        return src, dst, ip[ihl:end]
    if etype == ETH_P_IPV6:
        if len(ip) < 40:
            return None
        nxt = ip[6]
        plen = struct.unpack(">H", ip[4:6])[0]
        src = str(ipaddress.IPv6Address(ip[8:24]))
        dst = str(ipaddress.IPv6Address(ip[24:40]))
        off = 40
        end = 40 + plen if plen else len(ip)
        # skip the common extension headers
        while nxt in (0, 43, 60) and off + 8 <= len(ip):
            nxt, hlen = ip[off], (ip[off + 1] + 1) * 8
            off += hlen
        if nxt != 6:
            return None
        return src, dst, ip[off:end]
    return None


class Direction:
    """One direction of a TCP connection: collects segments by sequence."""

    def __init__(self):
        self.isn = None        # sequence number of the first payload byte
        self.segments = []     # (seq, bytes)

    def syn(self, seq):
        self.isn = (seq + 1) & 0xFFFFFFFF

    def add(self, seq, payload):
        if payload:
            self.segments.append((seq, bytes(payload)))

    def assemble(self):
        """Return (bytes, had_hole)."""
        if not self.segments:
            return b"", False
        base = self.isn
        if base is None:
            # No SYN seen: start at the earliest sequence number (mod 2^32
            # relative to the first segment, to be wrap-safe).
            first = self.segments[0][0]
            base = min(self.segments,
                       key=lambda s: (s[0] - first + 0x80000000) & 0xFFFFFFFF)[0]
        rel = []
        for seq, data in self.segments:
            r = (seq - base) & 0xFFFFFFFF
            if r >= 0x80000000:  # before the ISN: keep only the tail part
                back = 0x100000000 - r
                if back >= len(data):
                    continue
                data = data[back:]
                r = 0
            rel.append((r, data))
        rel.sort(key=lambda x: (x[0], -len(x[1])))
        out = bytearray()
        hole = False
        for r, data in rel:
            end = r + len(data)
            if end <= len(out):
                continue  # full duplicate / retransmission
            if r > len(out):
                hole = True
                break
            out += data[len(out) - r:]
        return bytes(out), hole


class Connection:
    def __init__(self, order, client, server):
        self.order = order
        self.client = client  # (ip, port)
        self.server = server
        self.c2s = Direction()
        self.s2c = Direction()
        self.closed = False


def whole_frames(buf):
    """Split into frames; return (list_of_frames, trailing_partial_len)."""
    frames = []
    off = 0
    while off + 4 <= len(buf):
        size = struct.unpack(">i", buf[off:off + 4])[0]
        if size < 0 or size > MAX_FRAME:
            raise PcapError("implausible frame size %d at offset %d" % (size, off))
        if off + 4 + size > len(buf):
            break
        frames.append(buf[off:off + 4 + size])
        off += 4 + size
    return frames, len(buf) - off


def verify_frames(blob):
    """True iff blob is an exact sequence of size-prefixed frames."""
    frames, rest = whole_frames(blob)
    return rest == 0 and sum(len(f) for f in frames) == len(blob)


def collect_connections(path, port):
    conns = []          # in order of appearance
    active = {}         # (client, server) -> Connection
    for linktype, pkt in read_pcap(path):
        lp = link_payload(linktype, pkt)
        if lp is None:
            continue
        ipp = ip_payload(*lp)
        if ipp is None:
            continue
        src, dst, tcp = ipp
        if len(tcp) < 20:
            continue
        sport, dport, seq, _ack, offflags = struct.unpack(">HHIIH", tcp[:14])
        doff = (offflags >> 12) * 4
        flags = offflags & 0x1FF
        payload = tcp[doff:]
        if dport == port:
            client, server, to_server = (src, sport), (dst, dport), True
        elif sport == port:
            client, server, to_server = (dst, dport), (src, sport), False
        else:
            continue
        key = (client, server)
        conn = active.get(key)
        is_syn = bool(flags & TCP_SYN)
        if conn is not None and is_syn and to_server and not (flags & TCP_ACK):
            # New SYN on a 4-tuple already seen: a new connection if the
            # previous one carried data or was closed (port reuse).
            if conn.closed or conn.c2s.segments or conn.s2c.segments:
                if conn.c2s.isn is not None and \
                        conn.c2s.isn == ((seq + 1) & 0xFFFFFFFF):
                    pass  # retransmitted SYN
                else:
                    conn = None
        if conn is None:
            conn = Connection(len(conns), client, server)
            conns.append(conn)
            active[key] = conn
        d = conn.c2s if to_server else conn.s2c
        if is_syn:
            d.syn(seq)
            seq = (seq + 1) & 0xFFFFFFFF
        d.add(seq, payload)
        if flags & (TCP_FIN | TCP_RST):
            conn.closed = True
    return conns


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True, help="broker TCP port")
    ap.add_argument("--scenario", required=True, help="output file prefix")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--requests-only", action="store_true",
                    help="do not write .resp.bin files (broker is not a "
                         "third-party peer)")
    ap.add_argument("pcap")
    args = ap.parse_args(argv)

    conns = collect_connections(args.pcap, args.port)
    os.makedirs(args.out, exist_ok=True)
    kept = 0
    holes = 0
    for conn in conns:
        req, req_hole = conn.c2s.assemble()
        resp, resp_hole = conn.s2c.assemble()
        req_frames, req_rest = whole_frames(req)
        resp_frames, resp_rest = whole_frames(resp)
        label = "%s:%d" % conn.client
        if not req_frames:
            print("  skip connection %s: no complete request frame "
                  "(%d bytes)" % (label, len(req)), file=sys.stderr)
            continue
        kept += 1
        base = os.path.join(args.out, "%s-%02d" % (args.scenario, kept))
        req_blob = b"".join(req_frames)
        resp_blob = b"".join(resp_frames)
        assert verify_frames(req_blob) and verify_frames(resp_blob)
        with open(base + ".req.bin", "wb") as f:
            f.write(req_blob)
        if not args.requests_only:
            with open(base + ".resp.bin", "wb") as f:
                f.write(resp_blob)
        notes = []
        if req_rest or resp_rest:
            notes.append("trimmed partial frame (req %d B, resp %d B)"
                         % (req_rest, resp_rest))
        if req_hole or resp_hole:
            notes.append("WARNING: capture hole, stream cut at the hole")
            holes += 1
        print("  %s-%02d  client %-16s req %3d frames %7d B   resp %3d frames %7d B%s"
              % (args.scenario, kept, label, len(req_frames), len(req_blob),
                 len(resp_frames), len(resp_blob),
                 ("   [" + "; ".join(notes) + "]") if notes else ""),
              file=sys.stderr)
    if kept == 0:
        print("  WARNING: %s: no connection with a complete request frame"
              % args.scenario, file=sys.stderr)
        return 2
    return 3 if holes else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except PcapError as e:
        print("pcap_to_frames: %s" % e, file=sys.stderr)
        sys.exit(1)
