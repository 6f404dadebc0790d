// StackAdmission: refuses a Stack at apply time when ValidateStack (validate.h)
// finds a problem, comparing it with every other Stack in the store. Reads
// through the registry; never writes. Thread-safe.
#pragma once

#include "operator/registry/registry.h"

namespace berth::stack {

class StackAdmission : public registry::Admission {
 public:
  explicit StackAdmission(registry::Registry& registry) : registry_(registry) {}
  Status Admit(registry::Operation op, api::Object& obj, const api::Object* old) override;

 private:
  registry::Registry& registry_;
};

}  // namespace berth::stack
