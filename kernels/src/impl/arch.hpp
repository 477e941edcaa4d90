// Included first by every isa/<isa>.cpp: xsimd and the intrinsics, at global scope, before the
// impl headers open the ISA's namespace.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include <simdense/isa.hpp>
#include <xsimd/xsimd.hpp>
