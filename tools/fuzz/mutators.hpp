#pragma once
// Mutations of an encoded request frame: structure-aware ones that know where the size
// prefix, header and body are, and raw byte mutations that know nothing.
#include "protocol/random_source.hpp"
#include "protocol/types.hpp"

namespace kafkit::fuzz {

/// Rewrites the INT32 size prefix of the frame at the start of `wire` to its true size.
void fix_frame_size(protocol::Bytes& wire) noexcept;

/// Wrong size prefix: off by a little, zero, negative, or INT32_MAX. Breaks framing.
void mutate_length_prefix(protocol::Bytes& frame, protocol::RandomSource& g);
/// Cuts the frame short, keeping its size prefix. Breaks framing.
void mutate_truncate(protocol::Bytes& frame, protocol::RandomSource& g);
/// Inserts an over-long varint (continuation bits that never end, or a 10-byte one) at a
/// random body offset; keeps framing.
void mutate_bad_varint(protocol::Bytes& frame, size_t body_offset, protocol::RandomSource& g);
/// Overwrites a body position with a huge INT32 or unsigned-varint array count; keeps framing.
void mutate_huge_count(protocol::Bytes& frame, size_t body_offset, protocol::RandomSource& g);
/// Overwrites a body position with a null or over-long length prefix (-1, 0x7fff, 0): a null
/// where a field is not nullable, or a length past the end; keeps framing.
void mutate_bad_length_field(protocol::Bytes& frame, size_t body_offset, protocol::RandomSource& g);
/// Raw byte mutations anywhere (size prefix included): bit flips, inserted, deleted and
/// duplicated bytes; 1-4 of them. `name` gets which one came first.
void mutate_raw(protocol::Bytes& frame, protocol::RandomSource& g, const char*& name);

}  // namespace kafkit::fuzz
