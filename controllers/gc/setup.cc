#include "controllers/gc/setup.h"

#include "controllers/gc/collector.h"
#include "operator/runtime/informer.h"

namespace berth::gc {
namespace {

// What the collector needs of an object: identity, owners, finalizers and
// deletion state. Keeps Secret values and large specs out of its caches.
api::Object MetadataOnly(const api::Object& obj) {
  api::Json j = api::Json::object();
  for (const char* key : {"apiVersion", "kind", "metadata"}) {
    if (obj.json().contains(key)) j[key] = obj.json()[key];
  }
  if (j.contains("metadata") && j["metadata"].is_object()) {
    j["metadata"].erase("annotations");
    j["metadata"].erase("managedFields");
  }
  return api::Object(std::move(j));
}

class MetadataWatch final : public registry::ObjectWatch {
 public:
  explicit MetadataWatch(std::unique_ptr<registry::ObjectWatch> w) : w_(std::move(w)) {}
  Result<registry::WatchEvent> Next(std::chrono::milliseconds timeout) override {
    BERTH_ASSIGN_OR_RETURN(registry::WatchEvent ev, w_->Next(timeout));
    ev.object = MetadataOnly(ev.object);
    return ev;
  }
  std::string Progress() const override { return w_->Progress(); }
  void Stop() override { w_->Stop(); }

 private:
  std::unique_ptr<registry::ObjectWatch> w_;
};

class MetadataListerWatcher final : public runtime::ListerWatcher {
 public:
  explicit MetadataListerWatcher(std::unique_ptr<runtime::ListerWatcher> lw) : lw_(std::move(lw)) {}
  Result<registry::ObjectList> List() override {
    BERTH_ASSIGN_OR_RETURN(registry::ObjectList list, lw_->List());
    for (api::Object& o : list.items) o = MetadataOnly(o);
    return list;
  }
  Result<std::unique_ptr<registry::ObjectWatch>> Watch(
      const std::string& resource_version) override {
    BERTH_ASSIGN_OR_RETURN(auto w, lw_->Watch(resource_version));
    return std::unique_ptr<registry::ObjectWatch>(std::make_unique<MetadataWatch>(std::move(w)));
  }

 private:
  std::unique_ptr<runtime::ListerWatcher> lw_;
};

bool Interesting(const api::Object& o) {
  return DeletingDependents(o) || !OwnerRefsOf(o).empty();
}

// Queues the owners `obj` names (those of berth kinds), so that one waiting
// for its dependents looks again.
void EnqueueOwners(const api::Object& obj, const api::Catalog& catalog, runtime::Controller& c) {
  for (const OwnerRef& r : OwnerRefsOf(obj)) {
    if (!IsBerthRef(r)) continue;
    const api::KindInfo* kind = catalog.Find(r.kind);
    if (kind == nullptr || kind->kind != r.kind) continue;
    c.Enqueue({kind->kind, kind->namespaced ? obj.ns() : "", r.name});
  }
}

api::Json RefsJson(const api::Object& o) {
  auto it = o.metadata().find("ownerReferences");
  return it == o.metadata().end() ? api::Json() : *it;
}

runtime::EventHandler Track(GarbageCollector& gc, const api::Catalog& catalog,
                            runtime::Controller& c) {
  runtime::EventHandler h;
  h.on_add = [&gc, &c](const api::Object& o) {
    gc.index().Set(o);
    if (Interesting(o)) c.Enqueue(o.ref());
  };
  h.on_delete = [&gc, &catalog, &c](const api::Object& o) {
    gc.index().Remove(o);
    for (const api::ObjectRef& d : gc.index().DependentsOf(o.uid())) c.Enqueue(d);
    EnqueueOwners(o, catalog, c);
  };
  h.on_update = [&gc, &catalog, &c, h](const api::Object& old_obj, const api::Object& o) {
    if (old_obj.uid() != o.uid()) {  // replaced while the watch was down: seen on a re-list
      h.on_delete(old_obj);
      h.on_add(o);
      return;
    }
    bool resync = old_obj.resource_version() == o.resource_version();
    bool refs_changed = RefsJson(old_obj) != RefsJson(o);
    bool deleting_changed = DeletingDependents(old_obj) != DeletingDependents(o);
    if (refs_changed) {
      gc.index().Set(o);
      EnqueueOwners(old_obj, catalog, c);  // one may have waited for this dependent
    }
    if (Interesting(o) && (resync || refs_changed || deleting_changed)) c.Enqueue(o.ref());
  };
  return h;
}

}  // namespace

void AddGarbageCollector(runtime::Manager& manager, registry::Registry& registry,
                         const GcSetup& setup) {
  auto reconciler = std::make_unique<GarbageCollector>(registry);
  GarbageCollector* gc = reconciler.get();
  runtime::ControllerOptions copts;
  copts.name = "garbage-collector";
  copts.workers = setup.workers;
  runtime::Controller& controller = manager.AddController(copts, std::move(reconciler));
  gc->set_queue(&controller);
  for (const api::KindInfo& k : registry.catalog().kinds()) {
    runtime::InformerOptions io;
    io.kind = k.kind;
    io.resync_period = setup.resync_period;
    io.check_interval = setup.check_interval;
    auto lw = std::make_unique<MetadataListerWatcher>(
        runtime::NewRegistryListerWatcher(registry, k.kind));
    runtime::Informer& informer =
        manager.AddInformer(std::make_unique<runtime::Informer>(std::move(lw), io));
    informer.AddHandler(Track(*gc, registry.catalog(), controller));
  }
}

}  // namespace berth::gc
