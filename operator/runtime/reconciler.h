// The reconciler contract, after controller-runtime's reconcile package.
//
// A Reconciler is keyed only by object identity and is level-triggered: it
// reads the current object (a missing object means "deleted", never an event
// payload), compares desired with observed state, acts, and reports. It must
// be idempotent; the same request may arrive again at any time.
//
// The return value is the retry policy:
//   - OK with requeue_after > 0: run again after that delay (backoff reset);
//   - OK with requeue:           run again with the key's backoff;
//   - OK otherwise:              done until something changes (backoff reset);
//   - a non-OK Status:           retry with the key's exponential backoff;
//   - TerminalError(status):     log and record, do not retry (backoff reset).
// No sleep loops inside reconcilers: return requeue_after instead.
#pragma once

#include <chrono>

#include "operator/api/object.h"
#include "operator/common/result.h"
#include "operator/common/status.h"

namespace berth::runtime {

struct Request {
  api::ObjectRef ref;
};

struct ReconcileResult {
  std::chrono::milliseconds requeue_after{0};
  bool requeue = false;
};

// Called concurrently from a controller's workers, never twice at once for
// the same object.
class Reconciler {
 public:
  virtual ~Reconciler() = default;
  virtual Result<ReconcileResult> Reconcile(const Request& request) = 0;
};

// Marks `status` as terminal: the controller will not retry it. Keeps code and
// message (the marker "[terminal] " is prepended to the message and survives
// Status::Prefixed). An OK status becomes Internal: a terminal error is an error.
Status TerminalError(Status status);
// True when `status` (or a status it was prefixed from) was made by TerminalError.
bool IsTerminal(const Status& status);

}  // namespace berth::runtime
