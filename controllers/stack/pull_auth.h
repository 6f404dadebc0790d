// Registry credentials for image pulls, from the Secrets a Stack names in
// spec.imagePullSecrets (also used for its Instance templates).
//
// A pull Secret holds credentials in one of two forms:
//  - a `.dockerconfigjson` key: {"auths": {"<registry>": {"username": U,
//    "password": P} or {"auth": base64("U:P")}}}, what
//    `kubectl create secret docker-registry` and `docker login` write;
//  - the keys `registry` (e.g. 127.0.0.1:5000), `username` and `password`.
// The first Secret, in the listed order, with credentials for the image's
// registry is used; with none the image is pulled anonymously. Nothing here
// ever puts a credential into a message.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "operator/api/object.h"
#include "operator/docker/types.h"
#include "operator/registry/registry.h"

namespace berth::stack {

// The registry an image reference is pulled from: the part before the first
// "/" when it looks like a host ("127.0.0.1:5000", "ghcr.io", "localhost"),
// else "docker.io" ("postgres:15", "library/redis", "user/app").
std::string ImageRegistry(const std::string& image);

// "https://Index.Docker.io/v1/" -> "docker.io"; "http://127.0.0.1:5000/" ->
// "127.0.0.1:5000": the form ImageRegistry returns, for comparing.
std::string NormalizeRegistry(const std::string& registry);

// A Secret's data, decoded (data is base64, stringData literal).
std::map<std::string, std::string> SecretData(const api::Object& secret);

// The credentials `data` (one Secret's decoded data) holds for `registry`:
// nullopt when it holds none for that registry; Invalid (naming the key, not
// the value) when it holds neither form or a malformed one.
Result<std::optional<docker::RegistryAuth>> RegistryAuthFromSecret(
    const std::map<std::string, std::string>& data, const std::string& registry);

struct PullCredentials {
  std::optional<docker::RegistryAuth> auth;  // nullopt: pull anonymously
  std::string secret;                        // the Secret `auth` came from
  // Why no credentials were found (a Secret missing or malformed, or none for
  // this registry): for the error message when an anonymous pull fails.
  std::vector<std::string> notes;
  std::set<std::string> values;  // username and password, to scrub from messages
};

// Reads `secrets` (names in namespace `ns`) through `registry` and picks the
// credentials for `image`. Never fails: problems become notes.
PullCredentials FindPullCredentials(registry::Registry& registry, const std::string& ns,
                                    const std::vector<std::string>& secrets,
                                    const std::string& image);

// "pull IMAGE with credentials from Secret S" / "pull IMAGE without
// credentials (notes)": what a pull did, for its Event and error.
std::string PullDescription(const std::string& image, const PullCredentials& creds);

// The failed pull's error: PullDescription, then the engine's message (which
// names the registry's answer) with the credentials scrubbed, whatever a
// registry echoes. Keeps the engine's code (Unauthorized, NotFound ...).
Status PullError(const std::string& image, const PullCredentials& creds, const Status& engine);

}  // namespace berth::stack
