#include "operator/cli/kinds.h"

#include <algorithm>

#include "operator/common/strings.h"

namespace berth::cli {
namespace {

std::string StripGroup(std::string_view name) {
  std::string n = ToLower(name);
  const std::string group = "." + std::string(api::kGroup);
  if (EndsWith(n, group)) n.resize(n.size() - group.size());
  const std::string version = "." + std::string(api::kVersion);
  if (EndsWith(n, version)) n.resize(n.size() - version.size());
  return n;
}

std::vector<const api::KindInfo*> Category(const api::Catalog& catalog, const std::string& name) {
  std::vector<const api::KindInfo*> out;
  for (const auto& k : catalog.kinds()) {
    if (std::find(k.categories.begin(), k.categories.end(), name) != k.categories.end()) {
      out.push_back(&k);
    }
  }
  return out;
}

// One or more kinds from a "K1,K2" or category argument.
Result<std::vector<const api::KindInfo*>> ResolveKinds(const api::Catalog& catalog,
                                                       std::string_view arg) {
  std::vector<const api::KindInfo*> out;
  for (const std::string& part : Split(arg, ',', /*skip_empty=*/true)) {
    if (catalog.Find(StripGroup(part)) == nullptr) {
      if (auto cat = Category(catalog, StripGroup(part)); !cat.empty()) {
        out.insert(out.end(), cat.begin(), cat.end());
        continue;
      }
    }
    BERTH_ASSIGN_OR_RETURN(const api::KindInfo* k, ResolveKind(catalog, part));
    out.push_back(k);
  }
  if (out.empty()) return Status::BadRequest("a kind is required (see `berth api-resources`)");
  // A kind named twice ("stacks,st") is listed once.
  std::vector<const api::KindInfo*> unique;
  for (const auto* k : out) {
    if (std::find(unique.begin(), unique.end(), k) == unique.end()) unique.push_back(k);
  }
  return unique;
}

}  // namespace

Result<const api::KindInfo*> ResolveKind(const api::Catalog& catalog, std::string_view name) {
  if (const api::KindInfo* k = catalog.Find(StripGroup(name))) return k;
  std::vector<std::string> plurals;
  for (const auto& k : catalog.kinds()) plurals.push_back(k.plural);
  return Status::NotFound("unknown kind \"" + std::string(name) + "\": berth serves " +
                          Join(plurals, ", ") + " (see `berth api-resources`)");
}

Result<std::vector<Target>> ParseTargets(const api::Catalog& catalog,
                                         const std::vector<std::string>& args) {
  if (args.empty()) {
    return Status::BadRequest("a kind is required, e.g. `stacks` (see `berth api-resources`)");
  }
  std::vector<Target> out;
  if (args[0].find('/') != std::string::npos) {
    for (const std::string& a : args) {
      auto slash = a.find('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 == a.size()) {
        return Status::BadRequest("\"" + a + "\": expected KIND/NAME, like the first argument");
      }
      BERTH_ASSIGN_OR_RETURN(const api::KindInfo* k, ResolveKind(catalog, a.substr(0, slash)));
      std::string name = a.substr(slash + 1);
      auto it = std::find_if(out.begin(), out.end(), [&](const Target& t) { return t.kind == k; });
      if (it == out.end()) {
        out.push_back({k, {name}});
      } else {
        it->names.push_back(name);
      }
    }
    return out;
  }
  BERTH_ASSIGN_OR_RETURN(auto kinds, ResolveKinds(catalog, args[0]));
  std::vector<std::string> names(args.begin() + 1, args.end());
  for (const std::string& n : names) {
    if (n.find('/') != std::string::npos) {
      return Status::BadRequest("\"" + n + "\": use either KIND NAME... or KIND/NAME..., not both");
    }
  }
  if (kinds.size() > 1 && !names.empty()) {
    return Status::BadRequest("names can be given with one kind only, or as KIND/NAME");
  }
  for (const auto* k : kinds) out.push_back({k, names});
  return out;
}

Result<std::pair<const api::KindInfo*, std::string>> ParseOneTarget(
    const api::Catalog& catalog, const std::vector<std::string>& args) {
  if (args.size() == 1 && args[0].find('/') != std::string::npos) {
    auto slash = args[0].find('/');
    BERTH_ASSIGN_OR_RETURN(const api::KindInfo* k, ResolveKind(catalog, args[0].substr(0, slash)));
    std::string name = args[0].substr(slash + 1);
    if (name.empty()) return Status::BadRequest("a name is required after \"" + args[0] + "\"");
    return std::make_pair(k, name);
  }
  if (args.size() == 2 && args[0].find('/') == std::string::npos) {
    BERTH_ASSIGN_OR_RETURN(const api::KindInfo* k, ResolveKind(catalog, args[0]));
    return std::make_pair(k, args[1]);
  }
  return Status::BadRequest("expected KIND/NAME or KIND NAME");
}

std::string QualifiedKind(const api::KindInfo& kind) {
  return kind.singular + "." + std::string(api::kGroup);
}

std::string QualifiedName(const api::KindInfo& kind, const std::string& name) {
  return QualifiedKind(kind) + "/" + name;
}

}  // namespace berth::cli
