// simdense: hand-vectorized float32 kernels for dense neural-network layers.
// One include for the whole public API. Public headers never include xsimd and need no -m flags.
#pragma once

#include <simdense/isa.hpp>
#include <simdense/version.hpp>
#include <simdense/math.hpp>
#include <simdense/activations.hpp>
#include <simdense/softmax.hpp>
#include <simdense/matvec.hpp>
#include <simdense/dense.hpp>
