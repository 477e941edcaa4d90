// simdense/softmax.hpp: (API added by the softmax issue)
#pragma once

#include <cstddef>

namespace simdense {
}  // namespace simdense
