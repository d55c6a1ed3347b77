#pragma once
// kafkit's version, for applications that log or check what they linked against.

namespace kafkit {

inline constexpr int version_major = 0;
inline constexpr int version_minor = 1;
inline constexpr int version_patch = 0;
inline constexpr const char* version_string = "0.1.0";

}  // namespace kafkit
