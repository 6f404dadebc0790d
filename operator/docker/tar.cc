#include "operator/docker/tar.h"

#include <cstdio>
#include <cstring>

#include "operator/common/strings.h"

namespace berth::docker {
namespace {

constexpr size_t kBlock = 512;

// Writes `value` as a zero-padded octal field of `width` bytes (NUL-terminated).
void Octal(char* field, size_t width, unsigned long long value) {
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), value);
}

Status SplitName(const std::string& path, std::string* name, std::string* prefix) {
  if (path.size() <= 100) {
    *name = path;
    return Status::Ok();
  }
  // ustar: prefix (<=155) + "/" + name (<=100), split at a slash.
  for (size_t slash = path.find('/'); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    if (slash <= 155 && path.size() - slash - 1 <= 100 && path.size() - slash - 1 > 0) {
      *prefix = path.substr(0, slash);
      *name = path.substr(slash + 1);
      return Status::Ok();
    }
  }
  return Status::BadRequest("tar: path too long for ustar: " + path);
}

Status CheckPath(const std::string& path) {
  if (path.empty() || path[0] == '/')
    return Status::BadRequest("tar: path must be relative: " + path);
  for (const auto& part : Split(path, '/', true)) {
    if (part == "..") return Status::BadRequest("tar: path must not contain '..': " + path);
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> WriteTar(const std::vector<ArchiveEntry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    BERTH_RETURN_IF_ERROR(CheckPath(e.path));
    bool dir = e.dir || e.path.back() == '/';
    std::string path = e.path;
    if (dir && path.back() != '/') path.push_back('/');
    std::string name, prefix;
    BERTH_RETURN_IF_ERROR(SplitName(path, &name, &prefix));
    size_t size = dir ? 0 : e.content.size();

    char h[kBlock];
    std::memset(h, 0, sizeof h);
    std::memcpy(h, name.data(), name.size());                   // name[100]
    Octal(h + 100, 8, e.mode & 07777);                          // mode
    Octal(h + 108, 8, static_cast<unsigned long long>(e.uid));  // uid
    Octal(h + 116, 8, static_cast<unsigned long long>(e.gid));  // gid
    Octal(h + 124, 12, size);                                   // size
    Octal(h + 136, 12, 0);                                      // mtime
    h[156] = dir ? '5' : '0';                                   // typeflag
    std::memcpy(h + 257, "ustar", 6);                           // magic "ustar\0"
    std::memcpy(h + 263, "00", 2);                              // version
    std::memcpy(h + 265, "root", 4);                            // uname
    std::memcpy(h + 297, "root", 4);                            // gname
    std::memcpy(h + 345, prefix.data(), prefix.size());         // prefix[155]
    // The checksum is computed with its own field read as eight spaces.
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h + 148, 8, "%06o", sum);
    h[155] = ' ';

    out.append(h, kBlock);
    if (!dir) {
      out.append(e.content);
      out.append((kBlock - size % kBlock) % kBlock, '\0');
    }
  }
  out.append(2 * kBlock, '\0');
  return out;
}

}  // namespace berth::docker
