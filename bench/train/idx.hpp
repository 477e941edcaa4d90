// A reader for gzip-compressed IDX files (the MNIST / Fashion-MNIST format), validating every
// header field. Errors throw IdxError whose message names the file and the problem.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace simdense::train {

struct IdxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Decompresses a whole .gz file (a plain, uncompressed file is read as is).
std::vector<std::uint8_t> read_gzip(const std::string& path);

struct IdxImages {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count * rows * cols, row-major
};

struct IdxLabels {
  std::size_t count = 0;
  std::vector<std::uint8_t> labels;
};

// Magic 0x00000803 (unsigned byte, 3 dims); the payload must be exactly count*rows*cols bytes.
IdxImages parse_idx_images(const std::vector<std::uint8_t>& bytes, const std::string& name);
// Magic 0x00000801 (unsigned byte, 1 dim); every label < num_classes.
IdxLabels parse_idx_labels(const std::vector<std::uint8_t>& bytes, const std::string& name,
                           std::size_t num_classes = 10);

IdxImages read_idx_images(const std::string& path);
IdxLabels read_idx_labels(const std::string& path, std::size_t num_classes = 10);

// A split as float features in [0, 1] plus labels; counts of images and labels must match.
struct Split {
  std::size_t count = 0, features = 0;
  std::vector<float> x;              // count * features
  std::vector<std::size_t> labels;   // count
};
Split load_split(const std::string& images_path, const std::string& labels_path);

}  // namespace simdense::train
