// The Fashion-MNIST training loop, separate from main() so tests can run it on a slice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <simdense/simdense.hpp>

#include "train/idx.hpp"

namespace simdense::train {

struct Options {
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::vector<std::size_t> sizes = {784, 256, 128, 10};
  Activation act = Activation::relu;
  std::size_t epochs = 10;
  float lr = 0.02f;
  std::string schedule = "cosine";  // const | step (x0.5 every 3 epochs) | cosine (to 5% of lr)
  std::size_t batch = 1;            // 1: per-sample SGD (train_step); > 1: mini-batch SGD
  std::uint64_t seed = 1;
  std::size_t train_limit = 0;      // 0: all
  std::size_t test_limit = 0;
  double target = 0.0;
  bool quiet = false;               // no progress line
  bool help = false;
};

struct EpochStats {
  double loss = 0, accuracy = 0, samples_per_s = 0, seconds = 0;
};

struct Report {
  std::vector<EpochStats> epochs;
  double final_accuracy = 0;
  double train_seconds = 0;    // training steps only
  double samples_per_s = 0;    // over all epochs
};

Options parse_options(int argc, char** argv);  // throws std::invalid_argument naming the option
const char* usage();
Activation parse_activation(const std::string& name);

float learning_rate(const Options& o, std::size_t epoch);

double accuracy(const Network& net, const Split& s, std::size_t limit = 0);

// Trains on `train`, evaluating on `test` after each epoch; writes a line per epoch to out
// (null: silent).
Report run_training(const Options& o, const Split& train, const Split& test, std::FILE* out);

}  // namespace simdense::train
