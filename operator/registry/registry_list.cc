// List and Watch: snapshots, selectors, paging, and watch streams.
#include <deque>

#include "operator/api/selector.h"
#include "operator/common/strings.h"
#include "operator/registry/registry.h"

namespace berth::registry {
namespace {

constexpr int64_t kPageBatch = 500;

struct Selectors {
  api::LabelSelector labels;
  api::FieldSelector fields;
  bool Matches(const Object& o) const {
    return labels.Matches(o.labels()) && fields.Matches(o.json());
  }
};

Result<Selectors> ParseSelectors(const std::string& label, const std::string& field) {
  Selectors s;
  BERTH_ASSIGN_OR_RETURN(s.labels, api::LabelSelector::Parse(label));
  BERTH_ASSIGN_OR_RETURN(s.fields, api::FieldSelector::Parse(field));
  return s;
}

std::string Prefix(const api::KindInfo& kind, std::string_view ns) {
  std::string p = "/registry/" + kind.plural + "/";
  if (kind.namespaced && !ns.empty()) p += std::string(ns) + "/";
  return p;
}

// Continue tokens are opaque to clients: hex of {"rv":..., "start":...}.
std::string EncodeContinue(int64_t rv, const std::string& start) {
  return HexEncode(Json{{"rv", rv}, {"start", start}}.dump());
}

Result<std::string> DecodeContinue(const std::string& token, const std::string& prefix) {
  std::string raw;
  if (token.size() % 2 != 0) return Status::BadRequest("invalid continue token");
  for (size_t i = 0; i < token.size(); i += 2) {
    long long v = 0;
    std::string byte = token.substr(i, 2);
    char* end = nullptr;
    v = std::strtoll(byte.c_str(), &end, 16);
    if (end != byte.c_str() + 2) return Status::BadRequest("invalid continue token");
    raw += static_cast<char>(v);
  }
  Json j = Json::parse(raw, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j["start"].is_string()) {
    return Status::BadRequest("invalid continue token");
  }
  std::string start = j["start"].get<std::string>();
  if (!start.starts_with(prefix)) return Status::BadRequest("continue token is for another list");
  return start;
}

class RegistryWatch final : public ObjectWatch {
 public:
  using DecodeFn = std::function<Result<Object>(const store::Record&)>;
  RegistryWatch(std::deque<WatchEvent> initial, std::unique_ptr<store::Watcher> w, Selectors sel,
                DecodeFn decode)
      : initial_(std::move(initial)),
        w_(std::move(w)),
        sel_(std::move(sel)),
        decode_(std::move(decode)) {}

  Result<WatchEvent> Next(std::chrono::milliseconds timeout) override {
    if (!initial_.empty()) {
      WatchEvent ev = std::move(initial_.front());
      initial_.pop_front();
      return ev;
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() < 0) left = std::chrono::milliseconds(0);
      BERTH_ASSIGN_OR_RETURN(store::Event ev, w_->Next(left));
      auto obj = decode_(ev.record);
      if (!obj.ok()) return obj.status();
      if (!sel_.Matches(*obj)) continue;
      const char* type = ev.type == store::EventType::kAdded      ? "ADDED"
                         : ev.type == store::EventType::kModified ? "MODIFIED"
                                                                  : "DELETED";
      return WatchEvent{type, std::move(*obj)};
    }
  }

  std::string Progress() const override { return std::to_string(w_->Progress()); }
  void Stop() override { w_->Stop(); }

 private:
  std::deque<WatchEvent> initial_;
  std::unique_ptr<store::Watcher> w_;
  Selectors sel_;
  DecodeFn decode_;
};

}  // namespace

Result<ObjectList> Registry::List(std::string_view kind, std::string_view ns,
                                  const ListOptions& opts) {
  BERTH_ASSIGN_OR_RETURN(const api::KindInfo* info, Kind(kind));
  BERTH_ASSIGN_OR_RETURN(Selectors sel, ParseSelectors(opts.label_selector, opts.field_selector));
  if (opts.limit < 0) return Status::BadRequest("limit must not be negative");
  std::string prefix = Prefix(*info, ns);
  std::string start;
  if (!opts.continue_token.empty()) {
    BERTH_ASSIGN_OR_RETURN(start, DecodeContinue(opts.continue_token, prefix));
  }
  ObjectList out;
  int64_t revision = 0;
  while (true) {
    int64_t batch = opts.limit > 0 ? std::max<int64_t>(opts.limit, kPageBatch) : 0;
    BERTH_ASSIGN_OR_RETURN(store::ListResult page, store_.List(prefix, start, batch));
    if (revision == 0) revision = page.revision;
    for (const store::Record& rec : page.records) {
      start = rec.key;
      BERTH_ASSIGN_OR_RETURN(Object obj, Decode(*info, rec));
      if (!sel.Matches(obj)) continue;
      out.items.push_back(std::move(obj));
      if (opts.limit > 0 && static_cast<int64_t>(out.items.size()) == opts.limit) {
        bool last = !page.more && rec.key == page.records.back().key;
        if (!last) out.continue_token = EncodeContinue(revision, start);
        out.resource_version = std::to_string(revision);
        return out;
      }
    }
    if (!page.more) break;
  }
  out.resource_version = std::to_string(revision);
  return out;
}

Result<std::unique_ptr<ObjectWatch>> Registry::Watch(std::string_view kind, std::string_view ns,
                                                     const WatchOptions& opts) {
  BERTH_ASSIGN_OR_RETURN(const api::KindInfo* info, Kind(kind));
  BERTH_ASSIGN_OR_RETURN(Selectors sel, ParseSelectors(opts.label_selector, opts.field_selector));
  std::string prefix = Prefix(*info, ns);
  std::deque<WatchEvent> initial;
  long long from = 0;
  if (opts.resource_version.empty() || opts.resource_version == "0") {
    BERTH_ASSIGN_OR_RETURN(store::ListResult snap, store_.List(prefix, "", 0));
    for (const store::Record& rec : snap.records) {
      BERTH_ASSIGN_OR_RETURN(Object obj, Decode(*info, rec));
      if (sel.Matches(obj)) initial.push_back({"ADDED", std::move(obj)});
    }
    from = snap.revision;
  } else if (!ParseInt64(opts.resource_version, &from) || from < 0) {
    return Status::BadRequest("invalid resourceVersion \"" + opts.resource_version + "\"");
  }
  auto w = store_.Watch(prefix, from);
  if (!w.ok()) {
    if (w.status().code() == Code::kGone) {
      return Status::Gone("too old resource version: " + opts.resource_version);
    }
    return w.status();
  }
  const api::KindInfo* k = info;
  std::unique_ptr<ObjectWatch> watch = std::make_unique<RegistryWatch>(
      std::move(initial), std::move(*w), std::move(sel),
      [this, k](const store::Record& rec) { return Decode(*k, rec); });
  return watch;
}

}  // namespace berth::registry
