#include "operator/cli/context.h"

#include <ostream>

#include "operator/cli/curl_transport.h"
#include "operator/common/strings.h"

namespace berth::cli {

Result<Connection> Context::connection() {
  if (!connection_) {
    BERTH_ASSIGN_OR_RETURN(ConfigFile file, LoadConfig(fs(), config_path()));
    connection_ = ResolveConnection(flags.connection, env_.env, file, env_.defaults, fs());
  }
  return *connection_;
}

Result<ApiClient*> Context::client() {
  if (!client_) {
    BERTH_ASSIGN_OR_RETURN(Connection c, connection());
    const ClientFactory& factory =
        env_.client_factory ? env_.client_factory : ClientFactory(&NewCurlClient);
    BERTH_ASSIGN_OR_RETURN(client_, factory(c, flags.verbosity, err()));
  }
  return client_.get();
}

Result<std::string> Context::ns() {
  BERTH_ASSIGN_OR_RETURN(Connection c, connection());
  return c.ns;
}

Result<std::unique_ptr<ApiClient>> NewCurlClient(const Connection& connection, int verbosity,
                                                 std::ostream& log) {
  if (!StartsWith(connection.server, "http://") && !StartsWith(connection.server, "https://")) {
    return Status::BadRequest("server \"" + connection.server +
                              "\" must be a URL starting with http:// or https://");
  }
  TransportOptions t;
  t.server = connection.server;
  t.token = connection.token;
  t.insecure_skip_tls_verify = connection.insecure_skip_tls_verify;
  t.certificate_authority = connection.certificate_authority;
  t.verbosity = verbosity;
  t.log = &log;
  if (verbosity > 0) {
    log << "I server " << connection.server << " (from " << connection.server_source << "), token "
        << (connection.token.empty() ? "none" : "from " + connection.token_source) << "\n";
  }
  return std::unique_ptr<ApiClient>(std::make_unique<HttpApiClient>(NewCurlTransport(std::move(t)),
                                                                    UnauthorizedHint(connection)));
}

}  // namespace berth::cli
