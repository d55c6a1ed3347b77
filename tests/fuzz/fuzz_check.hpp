#pragma once
// The fuzz targets' invariant check. Unlike assert() it stays on in every build type, and it
// says which invariant broke before aborting (libFuzzer then reports the input, and the
// replay test shows the line).
#include <cstdio>
#include <cstdlib>

#define fuzz_check(condition)                                                            \
  do {                                                                                   \
    if (!(condition)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (false)
