// Stream decoders (log demultiplexing, JSON lines), base64url and the tar writer.
#include "operator/docker/stream_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "operator/docker/tar.h"
#include "test/docker/docker_fixture.h"

namespace berth::docker {
namespace {

using ::testing::ElementsAre;

std::string Frame(int stream, const std::string& payload) {
  std::string h(8, '\0');
  h[0] = static_cast<char>(stream);
  uint32_t n = static_cast<uint32_t>(payload.size());
  h[4] = static_cast<char>(n >> 24);
  h[5] = static_cast<char>(n >> 16);
  h[6] = static_cast<char>(n >> 8);
  h[7] = static_cast<char>(n);
  return h + payload;
}

TEST(LogDemuxer, SplitsFramesAcrossArbitraryChunks) {
  std::string body = Frame(1, "out1\n") + Frame(2, "err1\n") + Frame(1, std::string(70000, 'x')) +
                     Frame(2, "") + Frame(1, "end\n");
  for (size_t step : {1u, 3u, 8u, 9u, 4096u, 1000000u}) {
    std::string out, err;
    LogDemuxer d([&](LogStream s, std::string_view c) {
      (s == LogStream::kStderr ? err : out).append(c);
      return true;
    });
    for (size_t i = 0; i < body.size(); i += step) ASSERT_TRUE(d.Feed(body.substr(i, step)));
    EXPECT_EQ(out, "out1\n" + std::string(70000, 'x') + "end\n") << "step " << step;
    EXPECT_EQ(err, "err1\n");
  }
}

TEST(LogDemuxer, PassesTtyStreamsThroughAndStopsOnRequest) {
  std::string out;
  LogDemuxer raw([&](LogStream s, std::string_view c) {
    EXPECT_EQ(s, LogStream::kStdout);
    out.append(c);
    return true;
  });
  raw.Feed("hello");
  raw.Feed(" world, from a TTY\n");
  EXPECT_EQ(out, "hello world, from a TTY\n");

  int calls = 0;
  LogDemuxer stop([&](LogStream, std::string_view) { return ++calls < 2; });
  EXPECT_FALSE(stop.Feed(Frame(1, "a") + Frame(1, "b") + Frame(1, "c")));
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(stop.Feed(Frame(1, "d")));
}

TEST(LineSplitter, DeliversCompleteLines) {
  std::vector<std::string> lines;
  LineSplitter s([&](std::string_view l) {
    lines.emplace_back(l);
    return true;
  });
  s.Feed("{\"a\":1}\n{\"b\"");
  s.Feed(":2}\r\n\n{\"c\":3}");
  EXPECT_THAT(lines, ElementsAre("{\"a\":1}", "{\"b\":2}"));
  s.Flush();
  EXPECT_THAT(lines, ElementsAre("{\"a\":1}", "{\"b\":2}", "{\"c\":3}"));
}

TEST(Base64Url, MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg==");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8=");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8=");
}

TEST(Tar, WritesArchivesThatGnuTarReads) {
  std::string long_dir(120, 'd');
  auto tar = WriteTar({{"conf/", "", 0750, true},
                       {"conf/app.json", "{\"a\":1}\n", 0600, false, 999, 999},
                       {long_dir + "/f.txt", "x", 0644}});
  ASSERT_TRUE(tar.ok()) << tar.status().ToString();
  EXPECT_EQ(tar->size() % 512, 0u);
  auto path = std::filesystem::temp_directory_path() / ("berth-tar-" + std::to_string(getpid()));
  {
    std::ofstream f(path, std::ios::binary);
    f << *tar;
  }
  auto listing = berth::testing::RunCommand("tar --numeric-owner -tvf " + path.string());
  std::filesystem::remove(path);
  ASSERT_EQ(listing.exit_code, 0) << listing.output;
  EXPECT_THAT(listing.output, ::testing::HasSubstr("drwxr-x--- 0/0"));
  EXPECT_THAT(listing.output, ::testing::ContainsRegex("-rw------- 999/999 +8 .*conf/app.json"));
  EXPECT_THAT(listing.output, ::testing::HasSubstr(long_dir + "/f.txt"));
}

TEST(Tar, RejectsUnsafePaths) {
  EXPECT_EQ(WriteTar({{"/etc/passwd", "x"}}).status().code(), Code::kBadRequest);
  EXPECT_EQ(WriteTar({{"a/../../b", "x"}}).status().code(), Code::kBadRequest);
  EXPECT_EQ(WriteTar({{std::string(300, 'a'), "x"}}).status().code(), Code::kBadRequest);
  EXPECT_EQ(WriteTar({{"", "x"}}).status().code(), Code::kBadRequest);
}

}  // namespace
}  // namespace berth::docker
