// ListAndWatch: a list followed by a watch from the list's resourceVersion,
// resumed when the server ends the stream and re-listed when the version
// has been compacted (410 Gone) — then the differences against what was
// already seen are reported as events, so callers miss nothing. A watch that
// fails with Unavailable (the server's database unreachable for a while, the
// server restarting) is resumed too, from the last version seen, after a
// backoff of 0.5 s doubling to 5 s, until the deadline.
#pragma once

#include <functional>
#include <string>

#include "operator/cli/api_client.h"

namespace berth::cli {

struct ListWatchOptions {
  std::string label_selector;
  std::string field_selector;
  Deadline deadline;  // Timeout once it passes; none: until a callback stops
};

// `on_list` receives the first list; `on_event` every change after it
// (ADDED/MODIFIED/DELETED; bookmarks are handled here). Either returns false
// to stop, which returns OK.
Status ListAndWatch(ApiClient& client, const api::KindInfo& kind, const std::string& ns,
                    const ListWatchOptions& options,
                    const std::function<bool(const ObjectList&)>& on_list,
                    const std::function<bool(const WatchEvent&)>& on_event);

}  // namespace berth::cli
