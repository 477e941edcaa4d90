// simdense/dense.hpp: (API added by the dense issue)
#pragma once

#include <cstddef>

namespace simdense {
}  // namespace simdense
