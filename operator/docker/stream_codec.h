// Pure decoders for the Engine API's streaming bodies. Thread-compatible.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "operator/docker/types.h"

namespace berth::docker {

// Splits the multiplexed stdout/stderr stream of logs, attach and exec (frames
// of an 8-byte header [stream, 0, 0, 0, size as big-endian uint32] + payload)
// and delivers each payload. Frames may arrive split across Feed() calls. A
// body that does not start with a frame header (a TTY container) is passed
// through as stdout.
class LogDemuxer {
 public:
  using Sink = std::function<bool(LogStream, std::string_view)>;
  explicit LogDemuxer(Sink sink) : sink_(std::move(sink)) {}
  // False once the sink returned false (stop reading).
  bool Feed(std::string_view data);

 private:
  enum class Mode { kUnknown, kFramed, kRaw };
  Sink sink_;
  Mode mode_ = Mode::kUnknown;
  std::string buf_;
  bool stopped_ = false;
};

// Splits a byte stream into lines ('\n'), for JSON-lines bodies (events, pull
// progress). Empty lines are skipped; a final unterminated line is delivered by
// Flush().
class LineSplitter {
 public:
  using Sink = std::function<bool(std::string_view line)>;
  explicit LineSplitter(Sink sink) : sink_(std::move(sink)) {}
  bool Feed(std::string_view data);
  bool Flush();

 private:
  Sink sink_;
  std::string buf_;
  bool stopped_ = false;
};

// RFC 4648 §5 base64url with padding, as X-Registry-Auth wants it.
std::string Base64UrlEncode(std::string_view data);

}  // namespace berth::docker
