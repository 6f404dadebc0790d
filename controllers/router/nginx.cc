#include "controllers/router/nginx.h"

#include "controllers/router/nginx_conf.h"

namespace berth::router {
namespace {

class DockerNginx : public Nginx {
 public:
  explicit DockerNginx(docker::DockerClient& docker) : docker_(docker) {}

  Status Test(const std::string& container) override {
    return Run(container, {"nginx", "-t", "-q"}, "nginx -t");
  }
  Status Reload(const std::string& container) override {
    return Run(container, {"nginx", "-s", "reload"}, "nginx -s reload");
  }

 private:
  Status Run(const std::string& container, std::vector<std::string> cmd, const std::string& what) {
    docker::ExecOptions opts;
    opts.cmd = std::move(cmd);
    opts.timeout = std::chrono::seconds(30);
    auto r = docker_.Exec(container, opts);
    if (!r.ok()) {
      Code code = r.status().code();
      if (code == Code::kConflict || code == Code::kNotFound || code == Code::kUnavailable ||
          code == Code::kTimeout) {
        return Status::Unavailable(what + " in the router container: " + r.status().message());
      }
      return r.status().Prefixed(what);
    }
    if (r->exit_code == 0) return Status::Ok();
    std::string output = r->err + r->out;
    if (r->exit_code == 126 || r->exit_code == 127) {
      return Status::Unavailable(what + ": cannot run nginx in the router container: " + output);
    }
    return Status::Invalid(what + " failed: " + NginxErrorSummary(output));
  }

  docker::DockerClient& docker_;
};

}  // namespace

std::unique_ptr<Nginx> NewDockerNginx(docker::DockerClient& docker) {
  return std::make_unique<DockerNginx>(docker);
}

}  // namespace berth::router
