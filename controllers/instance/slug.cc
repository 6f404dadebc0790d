#include "controllers/instance/slug.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <vector>

#include "operator/common/strings.h"

namespace berth::instance {
namespace {

bool LowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

std::string Printable(char c) {
  if (std::isprint(static_cast<unsigned char>(c))) return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned char>(c));
  return buf;
}

}  // namespace

Status ValidateSlug(std::string_view slug, const std::string& field) {
  std::vector<FieldCause> causes;
  auto add = [&](const std::string& why) { causes.push_back({field, why}); };
  if (slug.empty()) {
    return Status::Invalid("invalid slug", {{field, "Required value: the slug must not be empty",
                                             "FieldValueRequired"}});
  }
  if (slug.size() > kMaxSlug) {
    add("must be at most 63 characters (a DNS label), not " + std::to_string(slug.size()));
  }
  bool dot = false, slash = false, space = false, quote = false, brace = false, semi = false;
  bool upper = false;
  std::string others;
  for (char c : slug) {
    if (LowerAlnum(c) || c == '-') continue;
    if (c == '.')
      dot = true;
    else if (c == '/' || c == '\\')
      slash = true;
    else if (std::isspace(static_cast<unsigned char>(c)))
      space = true;
    else if (c == '\'' || c == '"' || c == '`')
      quote = true;
    else if (c == '{' || c == '}')
      brace = true;
    else if (c == ';')
      semi = true;
    else if (c >= 'A' && c <= 'Z')
      upper = true;
    else if (others.find(Printable(c)) == std::string::npos)
      others += (others.empty() ? "" : ", ") + Printable(c);
  }
  if (dot) {
    add(slug.find("..") != std::string_view::npos
            ? "must not contain '.' or '..': a slug is one DNS label, not a domain or a path"
            : "must not contain '.': a slug is one DNS label, not a domain");
  }
  if (slash) add("must not contain '/' or '\\': a slug is not a path");
  if (space) add("must not contain spaces, tabs or line breaks");
  if (quote) add("must not contain quotes");
  if (brace) add("must not contain braces ('{' or '}')");
  if (semi) add("must not contain ';'");
  if (upper) add("must be lower case");
  if (!others.empty()) {
    add("must contain only lowercase letters, digits and '-' (found " + others + ")");
  }
  if (slug.front() == '-' || slug.back() == '-') add("must start and end with a letter or digit");
  if (causes.empty()) return Status::Ok();
  return Status::Invalid("invalid slug \"" + std::string(slug.substr(0, 80)) +
                             "\": must be a DNS label (lowercase letters, digits and '-', "
                             "at most 63 characters)",
                         causes);
}

Result<std::string> DefaultSlug(std::string_view user) {
  std::string out;
  bool dash = false;
  for (char c : user) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (LowerAlnum(l)) {
      if (dash && !out.empty()) out += '-';
      dash = false;
      out += l;
    } else {
      dash = true;
    }
  }
  if (out.size() > kMaxSlug) out.resize(kMaxSlug);
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty()) {
    return Status::Invalid("cannot derive a slug",
                           {{"spec.slug",
                             "Required value: user \"" + std::string(user.substr(0, 80)) +
                                 "\" has no letters or digits to make a "
                                 "slug from; set spec.slug",
                             "FieldValueRequired"}});
  }
  return out;
}

std::string UserHash(std::string_view user) {
  return Sha256Hex(user).substr(0, 16);
}

std::string SlugWithUserHash(std::string_view base, std::string_view user, size_t digits) {
  digits = std::clamp<size_t>(digits, 1, 16);
  std::string out(base.substr(0, kMaxSlug - digits - 1));
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty()) out = "user";
  return out + "-" + UserHash(user).substr(0, digits);
}

std::string InstanceNameForUser(std::string_view user) {
  std::string hash = Sha256Hex(user).substr(0, 10);
  auto slug = DefaultSlug(user);
  if (!slug.ok()) return "user-" + hash;
  std::string base = *slug;
  if (base.size() > 40) base.resize(40);
  while (!base.empty() && base.back() == '-') base.pop_back();
  return base + "-" + hash;
}

}  // namespace berth::instance
