// berth serve: fills serve::Options from flags and runs the injected ServeFn.
#include <memory>

#include "operator/api/meta.h"
#include "operator/cli/commands.h"

namespace berth::cli {

Status ParseInstanceQuotas(const std::vector<std::string>& values, serve::Options* opts) {
  for (const std::string& v : values) {
    size_t eq = v.find('=');
    std::string ns = eq == std::string::npos ? "" : v.substr(0, eq);
    std::string n = eq == std::string::npos ? v : v.substr(eq + 1);
    auto bad = [&](const std::string& why) {
      return Status::Invalid("--instance-quota \"" + v + "\": " + why, {{"--instance-quota", why}});
    };
    if (eq != std::string::npos && !api::CheckDnsLabel(ns).empty()) {
      return bad("the namespace must be a DNS label (NAMESPACE=N): " + api::CheckDnsLabel(ns));
    }
    if (n.empty() || n.size() > 9 || n.find_first_not_of("0123456789") != std::string::npos) {
      return bad("the limit must be a whole number >= 0 (N or NAMESPACE=N)");
    }
    int limit = std::stoi(n);
    if (ns.empty()) {
      opts->instance_quota = limit;
    } else {
      opts->instance_quotas[ns] = limit;
    }
  }
  return Status::Ok();
}

void RegisterServe(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("serve", "Run the API server and the controllers");
  auto o = std::make_shared<serve::Options>();
  auto no_leader_elect = std::make_shared<bool>(false);
  auto no_controllers = std::make_shared<bool>(false);
  sub->add_option("--store", o->store_url,
                  "store URL: sqlite:///path/berth.db or postgresql://user:pass@host:5432/db "
                  "(default: sqlite://<data-dir>/berth.db)");
  sub->add_option("--data-dir", o->data_dir,
                  "directory for the database, admin.token and per-stack data (default: " +
                      ctx.env().defaults.data_dir + ")");
  sub->add_option("--listen", o->listen, "address:port to serve the API on")->capture_default_str();
  sub->add_option("--docker", o->docker, "Docker engine endpoint")->capture_default_str();
  auto* cert = sub->add_option("--tls-cert", o->tls_cert, "PEM certificate: serve HTTPS");
  auto* key = sub->add_option("--tls-key", o->tls_key, "PEM private key of --tls-cert");
  cert->needs(key);
  key->needs(cert);
  sub->add_option("--log-level", o->log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  sub->add_option("--identity", o->identity, "leader-election identity (default: hostname-pid)");
  sub->add_flag("--no-leader-elect", *no_leader_elect,
                "reconcile without taking the leader lock (one server per store only)");
  sub->add_flag("--no-controllers", *no_controllers, "serve the API only");
  sub->add_option("--workers", o->workers, "reconcile workers per controller")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  sub->add_option("--provision-namespace", o->provision_namespace,
                  "namespace of the Instances the provisioning API creates")
      ->capture_default_str();
  sub->add_option("--provision-template", o->provision_template,
                  "STACK/TEMPLATE the provisioning API uses when a request names none "
                  "(default: the namespace's only template)");
  auto quotas = std::make_shared<std::vector<std::string>>();
  sub->add_option("--instance-quota", *quotas,
                  "most Instances a namespace may hold: N for every namespace (0: no limit, "
                  "the default), NAMESPACE=N for one; repeatable")
      ->allow_extra_args(false);
  auto resync = std::make_shared<std::string>("5m");
  sub->add_option("--resync-period", *resync,
                  "reconcile every object again this often although nothing changed (0s: never)")
      ->capture_default_str();
  OnRun(sub, ctx, [&ctx, o, no_leader_elect, no_controllers, resync, quotas]() -> Status {
    serve::Options opts = *o;
    BERTH_ASSIGN_OR_RETURN(opts.resync_period, ParseDuration(*resync));
    BERTH_RETURN_IF_ERROR(ParseInstanceQuotas(*quotas, &opts));
    if (opts.data_dir.empty()) opts.data_dir = ctx.env().defaults.data_dir;
    if (opts.store_url.empty()) opts.store_url = "sqlite://" + opts.data_dir + "/berth.db";
    opts.leader_elect = !*no_leader_elect;
    opts.controllers = !*no_controllers;
    if (ctx.env().serve == nullptr) return Status::Internal("this binary cannot serve");
    int rc = ctx.env().serve(opts);
    if (rc != 0) {
      ctx.error_exit_code = rc;
      return Reported(Code::kInternal);  // the server logged why
    }
    return Status::Ok();
  });
}

}  // namespace berth::cli
