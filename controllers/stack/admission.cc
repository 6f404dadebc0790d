#include "controllers/stack/admission.h"

#include "controllers/stack/validate.h"

namespace berth::stack {

Status StackAdmission::Admit(registry::Operation op, api::Object& obj, const api::Object* old) {
  if (op == registry::Operation::kDelete) return Status::Ok();
  // A Stack on its way out may only lose finalizers; do not block that.
  if (obj.being_deleted()) return Status::Ok();
  auto spec = ParseStackSpec(obj.spec());
  if (!spec.ok()) return spec.status();
  std::vector<OtherStack> others;
  auto list = registry_.List("Stack", "", {});
  if (!list.ok()) return list.status().Prefixed("checking other Stacks");
  for (const api::Object& other : list->items) {
    if (other.ns() == obj.ns() && other.name() == obj.name()) continue;
    if (other.being_deleted()) continue;
    auto other_spec = ParseStackSpec(other.spec());
    if (other_spec.ok()) others.push_back({other.ref(), std::move(*other_spec)});
  }
  api::ObjectRef ref{"Stack", obj.ns(), obj.name()};
  return ValidateStack(ref, *spec, others);
}

}  // namespace berth::stack
