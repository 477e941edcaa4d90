#include "train/idx.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace simdense::train {

namespace {

[[noreturn]] void fail(const std::string& name, const std::string& what) {
  throw IdxError(name + ": " + what);
}

std::uint32_t be32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return (std::uint32_t(b[at]) << 24) | (std::uint32_t(b[at + 1]) << 16) |
         (std::uint32_t(b[at + 2]) << 8) | std::uint32_t(b[at + 3]);
}

std::string hex(std::uint32_t v) {
  char s[16];
  std::snprintf(s, sizeof s, "0x%08x", v);
  return s;
}

}  // namespace

std::vector<std::uint8_t> read_gzip(const std::string& path) {
  std::unique_ptr<gzFile_s, int (*)(gzFile)> f(gzopen(path.c_str(), "rb"), gzclose);
  if (!f) fail(path, std::string("cannot open: ") + std::strerror(errno));
  std::vector<std::uint8_t> out;
  std::uint8_t buf[1 << 16];
  for (;;) {
    const int got = gzread(f.get(), buf, sizeof buf);
    if (got < 0) {
      int code = 0;
      const char* msg = gzerror(f.get(), &code);
      fail(path, std::string("corrupt gzip data: ") + (msg ? msg : "unknown error"));
    }
    if (got == 0) break;
    out.insert(out.end(), buf, buf + got);
  }
  // zlib reports a gzip stream cut short only through gzerror after the last read.
  int code = 0;
  const char* msg = gzerror(f.get(), &code);
  if (code != Z_OK && code != Z_STREAM_END)
    fail(path, std::string("corrupt or truncated gzip data: ") + (msg ? msg : "unknown error"));
  return out;
}

IdxImages parse_idx_images(const std::vector<std::uint8_t>& b, const std::string& name) {
  if (b.size() < 16) fail(name, "truncated: " + std::to_string(b.size()) + " bytes, an IDX image header needs 16");
  const std::uint32_t magic = be32(b, 0);
  if (magic != 0x00000803u)
    fail(name, "bad magic number " + hex(magic) + " (expected 0x00000803: unsigned bytes, 3 dimensions)");
  IdxImages im;
  im.count = be32(b, 4);
  im.rows = be32(b, 8);
  im.cols = be32(b, 12);
  if (im.rows == 0 || im.cols == 0 || im.rows > 4096 || im.cols > 4096)
    fail(name, "implausible image size " + std::to_string(im.rows) + "x" + std::to_string(im.cols));
  const std::size_t want = im.count * im.rows * im.cols;
  const std::size_t have = b.size() - 16;
  if (have < want)
    fail(name, "truncated: header says " + std::to_string(im.count) + " images of " +
                   std::to_string(im.rows) + "x" + std::to_string(im.cols) + " (" +
                   std::to_string(want) + " bytes), file has " + std::to_string(have));
  if (have > want)
    fail(name, std::to_string(have - want) + " bytes of trailing data after " +
                   std::to_string(im.count) + " images");
  im.pixels.assign(b.begin() + 16, b.end());
  return im;
}

IdxLabels parse_idx_labels(const std::vector<std::uint8_t>& b, const std::string& name,
                           std::size_t num_classes) {
  if (b.size() < 8) fail(name, "truncated: " + std::to_string(b.size()) + " bytes, an IDX label header needs 8");
  const std::uint32_t magic = be32(b, 0);
  if (magic != 0x00000801u)
    fail(name, "bad magic number " + hex(magic) + " (expected 0x00000801: unsigned bytes, 1 dimension)");
  IdxLabels lb;
  lb.count = be32(b, 4);
  const std::size_t have = b.size() - 8;
  if (have < lb.count)
    fail(name, "truncated: header says " + std::to_string(lb.count) + " labels, file has " +
                   std::to_string(have));
  if (have > lb.count)
    fail(name, std::to_string(have - lb.count) + " bytes of trailing data after " +
                   std::to_string(lb.count) + " labels");
  lb.labels.assign(b.begin() + 8, b.end());
  for (std::size_t i = 0; i < lb.count; ++i)
    if (lb.labels[i] >= num_classes)
      fail(name, "label " + std::to_string(lb.labels[i]) + " at index " + std::to_string(i) +
                     " is out of range (" + std::to_string(num_classes) + " classes)");
  return lb;
}

IdxImages read_idx_images(const std::string& path) { return parse_idx_images(read_gzip(path), path); }

IdxLabels read_idx_labels(const std::string& path, std::size_t num_classes) {
  return parse_idx_labels(read_gzip(path), path, num_classes);
}

Split load_split(const std::string& images_path, const std::string& labels_path) {
  const IdxImages im = read_idx_images(images_path);
  const IdxLabels lb = read_idx_labels(labels_path);
  if (im.count != lb.count)
    fail(labels_path, std::to_string(lb.count) + " labels but " + images_path + " has " +
                          std::to_string(im.count) + " images");
  Split s;
  s.count = im.count;
  s.features = im.rows * im.cols;
  s.x.resize(im.pixels.size());
  for (std::size_t i = 0; i < im.pixels.size(); ++i) s.x[i] = float(im.pixels[i]) * (1.0f / 255.0f);
  s.labels.assign(lb.labels.begin(), lb.labels.end());
  return s;
}

}  // namespace simdense::train
