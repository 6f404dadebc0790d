#include "operator/api/patch.h"

#include <cstdlib>
#include <string>

namespace berth::api {

Result<Json> ApplyMergePatch(const Json& target, const Json& patch) {
  if (!patch.is_object()) {
    return Status::Invalid("a merge patch for an object must be a JSON object",
                           {{"<patch>", "must be an object", "FieldValueTypeInvalid"}});
  }
  Json out = target;
  out.merge_patch(patch);
  return out;
}

namespace {

// Where an add, copy or move puts its value: nlohmann asserts (and without
// assertions writes nothing) when the parent of `path` is no object or array,
// so that is refused first. For a move, the parent is looked up after `from`
// is removed, and `from` may not be a proper prefix of `path` (RFC 6902 4.4).
Status CheckDestination(const Json& doc, const Json& op) {
  const std::string kind = op["op"].get<std::string>();
  if (kind != "add" && kind != "copy" && kind != "move") return Status::Ok();
  const std::string path = op["path"].get<std::string>();
  if (path.empty()) return Status::Ok();  // the whole document
  try {
    const Json* in = &doc;
    Json moved;
    if (kind == "move" && op.contains("from") && op["from"].is_string()) {
      const std::string from = op["from"].get<std::string>();
      if (path.size() > from.size() && path.starts_with(from) && path[from.size()] == '/') {
        return Status::Invalid("cannot move a value into itself",
                               {{path, "is inside \"from\" (" + from + ")"}});
      }
      moved = doc;
      Json::json_pointer f(from);
      if (!f.empty() && moved.contains(f)) {  // removed first, as the move will
        Json& holder = moved[f.parent_pointer()];
        if (holder.is_object()) {
          holder.erase(f.back());
        } else if (holder.is_array()) {
          holder.erase(holder.begin() +
                       static_cast<std::ptrdiff_t>(std::strtoull(f.back().c_str(), nullptr, 10)));
        }
      }
      in = &moved;
    }
    Json::json_pointer parent = Json::json_pointer(path).parent_pointer();
    if (in->contains(parent) && !(*in)[parent].is_structured()) {
      return Status::Invalid("cannot add a member to a value that is no object or array",
                             {{path, "its parent is a " + std::string((*in)[parent].type_name())}});
    }
  } catch (const Json::exception&) {
    // A malformed pointer or index: the patch itself reports it.
  }
  return Status::Ok();
}

}  // namespace

Result<Json> ApplyJsonPatch(const Json& target, const Json& patch) {
  if (!patch.is_array()) return Status::BadRequest("a JSON patch must be an array of operations");
  Json out = target;
  for (size_t i = 0; i < patch.size(); ++i) {
    const Json& op = patch[i];
    std::string where = "operation " + std::to_string(i);
    if (!op.is_object() || !op.contains("op") || !op["op"].is_string() || !op.contains("path") ||
        !op["path"].is_string()) {
      return Status::BadRequest(where + ": needs string \"op\" and \"path\"");
    }
    std::string path = op["path"].get<std::string>();
    if (Status dest = CheckDestination(out, op); !dest.ok()) return dest.Prefixed(where);
    try {
      out = out.patch(Json::array({op}));
    } catch (const Json::out_of_range& e) {
      return Status::Invalid(
          where + " (" + op["op"].get<std::string>() + " " + path + ") failed: " + e.what(),
          {{path, e.what()}});
    } catch (const Json::exception& e) {
      std::string what = e.what();
      // nlohmann reports a failed "test" and malformed operations as other_error.
      if (op["op"] == "test") {
        return Status::Invalid(where + " (test " + path + ") failed: value differs",
                               {{path, "test failed"}});
      }
      return Status::BadRequest(where + ": " + what);
    }
  }
  return out;
}

Json CreateMergePatch(const Json& from, const Json& to) {
  if (!from.is_object() || !to.is_object()) return to;
  Json patch = Json::object();
  for (const auto& [k, v] : from.items()) {
    if (!to.contains(k)) patch[k] = nullptr;
  }
  for (const auto& [k, v] : to.items()) {
    auto it = from.find(k);
    if (it == from.end()) {
      patch[k] = v;
    } else if (*it != v) {
      patch[k] = (it->is_object() && v.is_object()) ? CreateMergePatch(*it, v) : v;
    }
  }
  return patch;
}

namespace {

// Deletions: keys present in `original` but absent from `modified`.
Json Deletions(const Json& original, const Json& modified) {
  Json patch = Json::object();
  if (!original.is_object() || !modified.is_object()) return patch;
  for (const auto& [k, v] : original.items()) {
    auto it = modified.find(k);
    if (it == modified.end()) {
      patch[k] = nullptr;
    } else if (v.is_object() && it->is_object()) {
      Json sub = Deletions(v, *it);
      if (!sub.empty()) patch[k] = std::move(sub);
    }
  }
  return patch;
}

// Additions/changes: values of `modified` that differ from `current`.
Json Changes(const Json& current, const Json& modified) {
  if (!current.is_object() || !modified.is_object()) return modified;
  Json patch = Json::object();
  for (const auto& [k, v] : modified.items()) {
    auto it = current.find(k);
    if (it == current.end()) {
      patch[k] = v;
    } else if (*it != v) {
      if (it->is_object() && v.is_object()) {
        Json sub = Changes(*it, v);
        if (!sub.empty()) patch[k] = std::move(sub);
      } else {
        patch[k] = v;
      }
    }
  }
  return patch;
}

void MergeInto(Json& base, const Json& extra) {
  for (const auto& [k, v] : extra.items()) {
    auto it = base.find(k);
    if (it != base.end() && it->is_object() && v.is_object()) {
      MergeInto(*it, v);
    } else {
      base[k] = v;
    }
  }
}

}  // namespace

Json ThreeWayMergePatch(const Json& original, const Json& modified, const Json& current) {
  // A manifest that is not an object replaces the target whole (RFC 7386);
  // MergeInto would otherwise read its elements as members "0", "1", ...
  if (!modified.is_object()) return modified;
  Json patch = Deletions(original.is_null() ? Json::object() : original, modified);
  MergeInto(patch, Changes(current, modified));
  return patch;
}

}  // namespace berth::api
