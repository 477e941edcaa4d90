// simdense/activations.hpp: elementwise activations and their derivatives.
// (Kernels added by the activations issue.)
#pragma once

#include <cstddef>

namespace simdense {

// An activation as a value, so a dense layer can hold it.
enum class Activation { identity, sigmoid, tanh, relu, leaky_relu, elu, silu, gelu, gelu_tanh, softplus };

// Default parameters: leaky relu slope 0.01, elu alpha 1.
inline constexpr float kLeakyReluAlpha = 0.01f;
inline constexpr float kEluAlpha = 1.0f;

}  // namespace simdense
