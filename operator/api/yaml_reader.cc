// ParseYamlDocuments and ParseYaml (codec.h), on libyaml's event parser.
//
// libyaml is the reference YAML parser (PyYAML and Ruby's Psych sit on it)
// and has been fuzzed for years. berth read YAML with yaml-cpp 0.7 before:
// it looped for ever, allocating, on a family of invalid inputs (a root node
// followed by ',', with or without a tag or anchor in front), which an API
// client could send. Here the events build the Json directly: no node tree,
// no recursion, aliases counted before they are copied.
#include <yaml.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "operator/api/codec.h"
#include "operator/api/yaml_scalar.h"

namespace berth::api {
namespace {

std::string Where(size_t line, size_t column) {
  return "line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1);
}

Status InvalidAt(const yaml_mark_t& mark, const std::string& msg) {
  return Status::Invalid(Where(mark.line, mark.column) + ": " + msg);
}

std::string Text(const yaml_char_t* s) {
  return s == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(s));
}

// One libyaml parser over `text` and the event it last produced.
class EventStream {
 public:
  explicit EventStream(std::string_view text) : text_(text) {
    // A UTF-8 byte-order mark (files saved on Windows): libyaml drops one
    // only when it guesses the encoding, which it must not (below).
    if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);
    ready_ = yaml_parser_initialize(&parser_) != 0;
    if (!ready_) return;
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text_.data()),
                                 text_.size());
    // No guessing from a byte-order mark: manifests and API bodies are UTF-8.
    yaml_parser_set_encoding(&parser_, YAML_UTF8_ENCODING);
  }
  ~EventStream() {
    if (have_event_) yaml_event_delete(&event_);
    if (ready_) yaml_parser_delete(&parser_);
  }
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  Status Next() {
    if (!ready_) return Status::Internal("cannot start the YAML parser: out of memory");
    if (have_event_) yaml_event_delete(&event_);
    have_event_ = yaml_parser_parse(&parser_, &event_) != 0;
    return have_event_ ? Status::Ok() : Error();
  }
  const yaml_event_t& event() const { return event_; }

 private:
  Status Error() const {
    std::string problem = parser_.problem != nullptr ? parser_.problem : "invalid YAML";
    if (parser_.error == YAML_READER_ERROR) {
      // The reader knows a byte offset, not a line.
      size_t offset = std::min(parser_.problem_offset, text_.size());
      std::string_view before = text_.substr(0, offset);
      size_t line = static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
      size_t bol = before.rfind('\n');
      size_t column = bol == std::string_view::npos ? offset : offset - bol - 1;
      if (problem.find("UTF-8") != std::string::npos ||
          problem.find("Unicode") != std::string::npos) {
        problem = "invalid UTF-8 (" + problem + ")";
      }
      return Status::Invalid(Where(line, column) + ": " + problem);
    }
    if (parser_.error == YAML_MEMORY_ERROR) return Status::Internal("YAML parser: out of memory");
    std::string msg =
        Where(parser_.problem_mark.line, parser_.problem_mark.column) + ": " + problem;
    if (parser_.context != nullptr) {
      msg += " (" + std::string(parser_.context) + " at " +
             Where(parser_.context_mark.line, parser_.context_mark.column) + ")";
    }
    return Status::Invalid(msg);
  }

  std::string_view text_;
  yaml_parser_t parser_{};
  yaml_event_t event_{};
  bool ready_ = false;
  bool have_event_ = false;
};

// A node an alias can repeat: its value, how many nodes it counts for, how
// many levels it nests, and its text when it is a scalar (a mapping key).
struct Anchored {
  Json value;
  size_t nodes = 0;
  int height = 0;
  std::optional<std::string> text;
};

// Builds one document's value from the events between DOCUMENT-START and
// DOCUMENT-END. Enforces kMaxNodes (aliases included) and kMaxDepth.
// A syntax error reads "line L, column C: ..." (the line is the stream's); an
// error in what the document holds names the document as well.
class DocumentBuilder {
 public:
  explicit DocumentBuilder(EventStream& events) : events_(events) {}

  Status Build(int index, Json* root) {
    for (;;) {
      BERTH_RETURN_IF_ERROR(events_.Next());
      const yaml_event_t& e = events_.event();
      if (e.type == YAML_DOCUMENT_END_EVENT) {
        *root = std::move(root_);
        return Status::Ok();
      }
      Status st = OnEvent(e);
      if (!st.ok()) return st.Prefixed("document " + std::to_string(index));
    }
  }

 private:
  struct Frame {
    Json value;  // array or object
    std::string anchor;
    size_t first_node = 0;
    int child_height = 0;
    bool have_key = false;
    std::string key;
  };

  Status OnEvent(const yaml_event_t& e) {
    switch (e.type) {
      case YAML_SCALAR_EVENT: return OnScalar(e);
      case YAML_ALIAS_EVENT: return OnAlias(e);
      case YAML_SEQUENCE_START_EVENT:
        return OnStart(e, Json::array(), e.data.sequence_start.anchor);
      case YAML_MAPPING_START_EVENT: return OnStart(e, Json::object(), e.data.mapping_start.anchor);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: return OnEnd(e);
      default: return InvalidAt(e.start_mark, "unexpected YAML event");
    }
  }

  Status Count(const yaml_mark_t& mark, size_t nodes, int height) {
    nodes_ += nodes;
    if (nodes_ > kMaxNodes) return InvalidAt(mark, "document expands to too many nodes");
    if (static_cast<int>(stack_.size()) + height > kMaxDepth) {
      return InvalidAt(mark, "document nests deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    return Status::Ok();
  }

  // Quoted and block scalars are strings, and so are "!"- and "!!str"-tagged
  // ones; plain scalars and other tags resolve by the core schema.
  static Json ScalarValue(const yaml_event_t& e, const std::string& text) {
    std::string tag = Text(e.data.scalar.tag);
    if (tag.empty()) {
      return e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? ResolvePlain(text) : Json(text);
    }
    if (tag == "!" || tag == "tag:yaml.org,2002:str") return text;
    return ResolvePlain(text);
  }

  Status OnScalar(const yaml_event_t& e) {
    BERTH_RETURN_IF_ERROR(Count(e.start_mark, 1, 0));
    std::string text(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
    if (!IsUtf8(text)) return InvalidAt(e.start_mark, "invalid UTF-8 in a scalar");
    Json value = ScalarValue(e, text);
    if (e.data.scalar.anchor != nullptr) {
      anchors_[Text(e.data.scalar.anchor)] = Anchored{value, 1, 0, text};
    }
    return Add(e.start_mark, std::move(value), &text, 0);
  }

  Status OnAlias(const yaml_event_t& e) {
    std::string name = Text(e.data.alias.anchor);
    auto it = anchors_.find(name);
    if (it == anchors_.end()) {
      return InvalidAt(e.start_mark, "alias *" + name + " refers to no anchor before it");
    }
    const Anchored& a = it->second;
    BERTH_RETURN_IF_ERROR(Count(e.start_mark, a.nodes, a.height));
    return Add(e.start_mark, a.value, a.text ? &*a.text : nullptr, a.height);
  }

  Status OnStart(const yaml_event_t& e, Json empty, const yaml_char_t* anchor) {
    BERTH_RETURN_IF_ERROR(Count(e.start_mark, 1, 1));
    if (!stack_.empty() && stack_.back().value.is_object() && !stack_.back().have_key) {
      return InvalidAt(e.start_mark, "mapping keys must be strings");
    }
    Frame f;
    f.value = std::move(empty);
    f.anchor = Text(anchor);
    f.first_node = nodes_ - 1;
    stack_.push_back(std::move(f));
    return Status::Ok();
  }

  Status OnEnd(const yaml_event_t& e) {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    int height = f.child_height + 1;
    if (!f.anchor.empty()) {
      anchors_[f.anchor] = Anchored{f.value, nodes_ - f.first_node, height, std::nullopt};
    }
    return Add(e.start_mark, std::move(f.value), nullptr, height);
  }

  // Places a finished node: the root, an item, a key (`text`: a scalar's
  // text as written) or a value.
  Status Add(const yaml_mark_t& mark, Json value, const std::string* text, int height) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return Status::Ok();
    }
    Frame& top = stack_.back();
    top.child_height = std::max(top.child_height, height);
    if (top.value.is_array()) {
      top.value.push_back(std::move(value));
      return Status::Ok();
    }
    if (!top.have_key) {
      if (text == nullptr) return InvalidAt(mark, "mapping keys must be strings");
      if (top.value.contains(*text)) return InvalidAt(mark, "duplicate key \"" + *text + "\"");
      top.key = *text;
      top.have_key = true;
      return Status::Ok();
    }
    top.value[top.key] = std::move(value);
    top.have_key = false;
    return Status::Ok();
  }

  EventStream& events_;
  std::vector<Frame> stack_;
  std::map<std::string, Anchored> anchors_;
  size_t nodes_ = 0;
  Json root_;
};

}  // namespace

Result<std::vector<Document>> ParseYamlDocuments(std::string_view text) {
  EventStream events(text);
  std::vector<Document> docs;
  int index = 0;
  for (;;) {
    BERTH_RETURN_IF_ERROR(events.Next());
    const yaml_event_t& e = events.event();
    if (e.type == YAML_STREAM_END_EVENT) break;
    if (e.type != YAML_DOCUMENT_START_EVENT) continue;  // STREAM-START
    Document d;
    d.index = ++index;
    d.line = static_cast<int>(e.start_mark.line) + 1;
    BERTH_RETURN_IF_ERROR(DocumentBuilder(events).Build(d.index, &d.value));
    if (d.value.is_null()) continue;
    docs.push_back(std::move(d));
  }
  return docs;
}

Result<Json> ParseYaml(std::string_view text) {
  BERTH_ASSIGN_OR_RETURN(auto docs, ParseYamlDocuments(text));
  if (docs.size() != 1) {
    return Status::Invalid("expected exactly one document, found " + std::to_string(docs.size()));
  }
  return std::move(docs[0].value);
}

}  // namespace berth::api
