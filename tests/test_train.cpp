// The Fashion-MNIST pieces: the gzip IDX reader on good and corrupt fixture files made here,
// and a short training run on a slice of the real data set (Debian's dataset-fashion-mnist).
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "support/test_util.hpp"
#include "train/idx.hpp"
#include "train/trainer.hpp"

using namespace simdense;
namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> be32(std::uint32_t v) {
  return {std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8), std::uint8_t(v)};
}

std::vector<std::uint8_t> images_bytes(std::uint32_t magic, std::uint32_t count, std::uint32_t rows,
                                       std::uint32_t cols, std::size_t payload) {
  std::vector<std::uint8_t> b;
  for (auto v : {magic, count, rows, cols}) {
    auto w = be32(v);
    b.insert(b.end(), w.begin(), w.end());
  }
  for (std::size_t i = 0; i < payload; ++i) b.push_back(std::uint8_t(i * 7));
  return b;
}

std::vector<std::uint8_t> labels_bytes(std::uint32_t magic, std::uint32_t count,
                                       std::vector<std::uint8_t> labels) {
  std::vector<std::uint8_t> b = be32(magic);
  auto w = be32(count);
  b.insert(b.end(), w.begin(), w.end());
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("simdense_idx_" + std::to_string(::getpid()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string write_gz(const fs::path& p, const std::vector<std::uint8_t>& bytes) {
  gzFile f = gzopen(p.c_str(), "wb");
  REQUIRE(f != nullptr);
  if (!bytes.empty()) REQUIRE(gzwrite(f, bytes.data(), unsigned(bytes.size())) == int(bytes.size()));
  gzclose(f);
  return p.string();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const train::IdxError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_SUITE("train") {
  TEST_CASE("IDX: a good pair of files loads, scaled to [0, 1]") {
    TempDir d;
    const auto im = write_gz(d.path / "im.gz", images_bytes(0x803, 3, 2, 2, 12));
    const auto lb = write_gz(d.path / "lb.gz", labels_bytes(0x801, 3, {0, 9, 4}));
    const train::Split s = train::load_split(im, lb);
    CHECK(s.count == 3);
    CHECK(s.features == 4);
    CHECK(s.labels == std::vector<std::size_t>{0, 9, 4});
    CHECK(s.x[1] == doctest::Approx(7.0 / 255.0));
  }

  TEST_CASE("IDX: corrupt files are refused with the file and the problem named") {
    TempDir d;
    const auto p = [&](const char* n) { return (d.path / n).string(); };
    const auto good_lb = write_gz(d.path / "lb.gz", labels_bytes(0x801, 3, {0, 1, 2}));

    std::string m = error_of([&] { train::read_idx_images(write_gz(d.path / "magic.gz", images_bytes(0x801, 3, 2, 2, 12))); });
    CHECK(m.find("magic.gz") != std::string::npos);
    CHECK(m.find("bad magic number 0x00000801") != std::string::npos);

    m = error_of([&] { train::read_idx_images(write_gz(d.path / "short.gz", images_bytes(0x803, 3, 2, 2, 11))); });
    CHECK(m.find("short.gz: truncated: header says 3 images of 2x2 (12 bytes), file has 11") != std::string::npos);

    m = error_of([&] { train::read_idx_images(write_gz(d.path / "hdr.gz", {0, 0, 8})); });
    CHECK(m.find("hdr.gz: truncated") != std::string::npos);

    m = error_of([&] { train::read_idx_images(write_gz(d.path / "tail.gz", images_bytes(0x803, 3, 2, 2, 13))); });
    CHECK(m.find("trailing data") != std::string::npos);

    m = error_of([&] { train::read_idx_labels(write_gz(d.path / "lbl.gz", labels_bytes(0x801, 2, {3, 10}))); });
    CHECK(m.find("label 10 at index 1 is out of range") != std::string::npos);

    m = error_of([&] { train::read_idx_labels(write_gz(d.path / "lshort.gz", labels_bytes(0x801, 4, {1, 2}))); });
    CHECK(m.find("truncated: header says 4 labels, file has 2") != std::string::npos);

    m = error_of([&] {
      train::load_split(write_gz(d.path / "im4.gz", images_bytes(0x803, 4, 2, 2, 16)), good_lb);
    });
    CHECK(m.find("3 labels but") != std::string::npos);

    // A gzip stream cut in half.
    {
      const auto full = write_gz(d.path / "cut.gz", images_bytes(0x803, 50, 28, 28, 50 * 784));
      const auto size = fs::file_size(full);
      fs::resize_file(full, size / 2);
      m = error_of([&] { train::read_idx_images(full); });
      CHECK(m.find("cut.gz") != std::string::npos);
      CHECK(m.find("gzip") != std::string::npos);
    }
    m = error_of([&] { train::read_idx_images(p("missing.gz")); });
    CHECK(m.find("missing.gz: cannot open") != std::string::npos);
  }

  TEST_CASE("training on a 2000-sample slice: loss falls, accuracy far above chance") {
    const std::string dir = "/usr/share/datasets/fashion-mnist";
    if (!fs::exists(dir + "/train-images-idx3-ubyte.gz")) {
      MESSAGE("dataset-fashion-mnist not installed: skipped");
      return;
    }
    const train::Split tr = train::load_split(dir + "/train-images-idx3-ubyte.gz",
                                              dir + "/train-labels-idx1-ubyte.gz");
    const train::Split te = train::load_split(dir + "/t10k-images-idx3-ubyte.gz",
                                              dir + "/t10k-labels-idx1-ubyte.gz");
    CHECK(tr.count == 60000);
    CHECK(te.count == 10000);
    test::for_each_isa([&](Isa) {
      train::Options o;
      o.sizes = {784, 64, 10};
      o.epochs = 3;
      o.train_limit = 2000;
      o.test_limit = 1000;
      o.lr = 0.05f;
      o.quiet = true;
      for (std::size_t batch : {std::size_t(1), std::size_t(16)}) {
        CAPTURE(batch);
        o.batch = batch;
        if (batch > 1) o.lr = 0.2f;
        const train::Report r = train::run_training(o, tr, te, nullptr);
        REQUIRE(r.epochs.size() == 3);
        CHECK(r.epochs.back().loss < r.epochs.front().loss);
        CHECK(r.final_accuracy > 0.6);  // chance is 0.1
      }
    });
  }
}
