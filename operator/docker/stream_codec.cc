#include "operator/docker/stream_codec.h"

#include <cstdint>

#include "operator/common/strings.h"

namespace berth::docker {
namespace {

constexpr size_t kHeader = 8;

bool LooksLikeHeader(std::string_view h) {
  unsigned char s = static_cast<unsigned char>(h[0]);
  return s <= 2 && h[1] == '\0' && h[2] == '\0' && h[3] == '\0';
}

uint32_t FrameSize(std::string_view h) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(h[i])); };
  return (b(4) << 24) | (b(5) << 16) | (b(6) << 8) | b(7);
}

}  // namespace

bool LogDemuxer::Feed(std::string_view data) {
  if (stopped_) return false;
  if (mode_ == Mode::kRaw) {
    if (!data.empty() && !sink_(LogStream::kStdout, data)) stopped_ = true;
    return !stopped_;
  }
  buf_.append(data);
  if (mode_ == Mode::kUnknown) {
    if (buf_.size() < kHeader) return true;
    mode_ = LooksLikeHeader(buf_) ? Mode::kFramed : Mode::kRaw;
    if (mode_ == Mode::kRaw) {
      std::string all;
      all.swap(buf_);
      if (!sink_(LogStream::kStdout, all)) stopped_ = true;
      return !stopped_;
    }
  }
  size_t pos = 0;
  while (buf_.size() - pos >= kHeader) {
    std::string_view header(buf_.data() + pos, kHeader);
    size_t size = FrameSize(header);
    if (buf_.size() - pos - kHeader < size) break;
    // Stream 0 is stdin (only seen with TTY-less attach); treat it as stdout.
    LogStream stream = header[0] == 2 ? LogStream::kStderr : LogStream::kStdout;
    std::string_view payload(buf_.data() + pos + kHeader, size);
    pos += kHeader + size;
    if (size > 0 && !sink_(stream, payload)) {
      stopped_ = true;
      break;
    }
  }
  buf_.erase(0, pos);
  return !stopped_;
}

bool LineSplitter::Feed(std::string_view data) {
  if (stopped_) return false;
  buf_.append(data);
  size_t start = 0;
  for (size_t nl = buf_.find('\n', start); nl != std::string::npos; nl = buf_.find('\n', start)) {
    std::string_view line(buf_.data() + start, nl - start);
    start = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && !sink_(line)) {
      stopped_ = true;
      break;
    }
  }
  buf_.erase(0, start);
  return !stopped_;
}

bool LineSplitter::Flush() {
  if (stopped_) return false;
  std::string rest;
  rest.swap(buf_);
  if (!rest.empty() && !sink_(rest)) stopped_ = true;
  return !stopped_;
}

std::string Base64UrlEncode(std::string_view data) {
  std::string out = Base64Encode(data);
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

}  // namespace berth::docker
