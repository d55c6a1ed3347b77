#pragma once
// Key hashes used to pick a partition, bit-for-bit as the Java client and librdkafka 2.0.2
// compute them (protocol-facts.md §5), so a key lands where those clients would put it.
#include <cstdint>

#include "protocol/types.hpp"

namespace kafkit::client {

/// Java's `Utils.murmur2`: MurmurHash2 with seed 0x9747b28c over the key bytes taken as
/// little-endian words, the 1-3 tail bytes as unsigned (Java masks each byte with 0xff).
/// Returned as Java's signed int; librdkafka's `rd_murmur2` gives the same bits.
int32_t murmur2(protocol::ByteView key) noexcept;

/// Java's `Utils.toPositive`: clears the sign bit. A mask, not abs(): abs(INT_MIN) is
/// still negative and abs() would send other keys to other partitions than Java does.
constexpr int32_t to_positive(int32_t number) noexcept {
  return number & 0x7fffffff;
}

/// The Java producer's choice for a keyed message: `toPositive(murmur2(key)) % n`
/// (BuiltInPartitioner.partitionForKey), over all partitions of the topic.
int32_t java_key_partition(protocol::ByteView key, int32_t partition_count) noexcept;

/// librdkafka's `rd_fnv1a`: 32-bit FNV-1a (offset 0x811C9DC5, prime 0x01000193), then the
/// absolute value of the result taken as int32 (to match Sarama's default hash
/// partitioner). INT32_MIN stays 0x80000000, as the C negation wraps there.
uint32_t fnv1a(protocol::ByteView key) noexcept;

/// CRC-32 (IEEE 802.3 / zlib) of the key, as librdkafka's `consistent` partitioners use it.
uint32_t crc32(protocol::ByteView key) noexcept;

}  // namespace kafkit::client
