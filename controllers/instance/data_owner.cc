#include "controllers/instance/data_owner.h"

#include "controllers/instance/slug.h"

namespace berth::instance {
namespace {

std::string MarkerPath(const std::string& root) {
  return root + "/" + kDataOwnerFile;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::optional<std::string> ReadDataOwner(const FileSystem& fs, const std::string& root) {
  if (!fs.Exists(root)) return std::nullopt;
  auto marker = fs.ReadFile(MarkerPath(root));
  if (!marker.ok()) return std::string();
  return Trimmed(std::move(*marker));
}

Status ClaimDataDir(FileSystem& fs, const std::string& root, std::string_view user) {
  const std::string mine = UserHash(user);
  std::optional<std::string> owner = ReadDataOwner(fs, root);
  if (owner && *owner == mine) return Status::Ok();
  if (owner && !owner->empty()) {
    return Status::Invalid(
        "data directory in use",
        {{"spec.slug",
          "the data directory " + root +
              " holds the kept data of another user's deprovisioned Instance; purge it "
              "(remove the directory) or give this Instance another slug",
          "FieldValueDuplicate"}});
  }
  BERTH_RETURN_IF_ERROR(fs.MakeDirs(root, 0700));
  return fs.WriteFileAtomic(MarkerPath(root), mine + "\n", 0600);
}

}  // namespace berth::instance
