// simdense/activations.hpp: (API added by the activations issue)
#pragma once

#include <cstddef>

namespace simdense {
}  // namespace simdense
