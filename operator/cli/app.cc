#include "operator/cli/app.h"

#include <ostream>

#include "operator/cli/commands.h"
#include "operator/common/strings.h"

namespace berth::cli {
namespace {

void RegisterAll(CLI::App& app, Context& ctx) {
  RegisterApply(app, ctx);
  RegisterCreate(app, ctx);
  RegisterReplace(app, ctx);
  RegisterGet(app, ctx);
  RegisterDescribe(app, ctx);
  RegisterDelete(app, ctx);
  RegisterDiff(app, ctx);
  RegisterWait(app, ctx);
  RegisterEvents(app, ctx);
  RegisterLogs(app, ctx);
  RegisterExplain(app, ctx);
  RegisterApiResources(app, ctx);
  RegisterVersion(app, ctx);
  RegisterConfig(app, ctx);
  RegisterToken(app, ctx);
  RegisterInstance(app, ctx);
  RegisterServe(app, ctx);
}

void AddGlobalFlags(CLI::App& app, GlobalFlags& f) {
  app.add_option("--server", f.connection.server,
                 "API server URL (default: $BERTH_SERVER, ~/.berth/config, then the local "
                 "server)");
  app.add_option("--token", f.connection.token,
                 "bearer token (default: $BERTH_TOKEN, ~/.berth/config, then the local "
                 "admin.token)");
  app.add_option("-n,--namespace", f.connection.ns,
                 "namespace (default: $BERTH_NAMESPACE, ~/.berth/config, then \"default\")");
  app.add_flag("--insecure-skip-tls-verify", f.connection.insecure_skip_tls_verify,
               "do not verify the server's TLS certificate");
  app.add_option("--certificate-authority", f.connection.certificate_authority,
                 "PEM file of the CA that signed the server's certificate");
  app.add_flag("-v,--verbose", f.verbosity,
               "log each request (method, URL, status, latency) to stderr; never tokens or "
               "bodies");
}

// Prints a command's failure: "error: message", then one line per cause.
void PrintFailure(Context& ctx, const Status& st) {
  if (st.message().empty()) return;  // the command printed its own errors
  ctx.err() << "error: " << st.message() << "\n";
  for (const FieldCause& c : st.causes()) {
    ctx.err() << "  " << (c.field.empty() ? "" : c.field + ": ") << c.message << "\n";
  }
}

}  // namespace

void PrintError(Context& ctx, const std::string& line) {
  ctx.err() << "error: " << line << "\n";
}

int Run(const std::vector<std::string>& args, Environment env) {
  Context ctx(std::move(env));
  CLI::App app{"berth: a Kubernetes-style reconciling operator for Docker hosts.", "berth"};
  app.fallthrough();  // global flags may follow the command, as in kubectl
  app.require_subcommand(1);
  app.footer("Run `berth COMMAND --help` for a command's flags. Guide: docs/cli.md");
  AddGlobalFlags(app, ctx.flags);
  RegisterAll(app, ctx);

  std::vector<const char*> argv;
  argv.reserve(args.size());
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, ctx.out(), ctx.err());
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, ctx.out(), ctx.err());
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, ctx.out(), ctx.err());
  } catch (const CLI::ParseError& e) {
    ctx.err() << "error: " << e.what() << "\n"
              << "Run `berth --help` or `berth COMMAND --help` for usage.\n";
    return 1;
  }
  ctx.out().flush();
  if (!ctx.result.ok()) {
    PrintFailure(ctx, ctx.result);
    return ctx.error_exit_code;
  }
  return ctx.success_exit_code;
}

}  // namespace berth::cli
