#pragma once
// Deterministic fuzz cases: case i of seed s is always the same bytes, whatever came
// before it. Each case starts from a valid random request of an API and version that the
// broker advertised, then (mostly) mutates it.
#include <cstdint>
#include <vector>

#include "batch_mutations.hpp"
#include "fuzz_case.hpp"

namespace kafkit::fuzz {

struct AdvertisedApi {
  int16_t key;
  int16_t min_version;
  int16_t max_version;
};

class CaseGenerator {
 public:
  /// `apis`: what the broker advertised, already limited to what the codec can encode.
  CaseGenerator(uint64_t seed, std::vector<AdvertisedApi> apis);
  FuzzCase make(uint64_t index) const;

 private:
  uint64_t seed_;
  std::vector<AdvertisedApi> apis_;
  BatchMutator batches_;
};

/// Intersects the broker's advertised ranges with the codec's (unknown keys dropped).
std::vector<AdvertisedApi> usable_apis(const std::vector<AdvertisedApi>& advertised);

}  // namespace kafkit::fuzz
