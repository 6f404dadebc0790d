// The world of the SIGKILL test (kill_fault_test.cc) besides the Beaver Stack
// that InstanceE2e sets up: the share-stacks test Stack and a small "scratch"
// Stack in a namespace of their own (their own container names, free host
// ports and network, so the test needs no lock against the share-stacks
// e2e suite); the objects of other owners planted to prove berth leaves them
// alone; and the check of the converged end state. Test-only.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "operator/docker/docker_client.h"
#include "test/e2e/stack_e2e_support.h"

namespace berth::fault {

// The berth.dev/test-suite value of one run (one test process).
std::string KillSuite(int pid);
// Removes the containers, networks and volumes of earlier runs whose process
// is gone (a run that is still going keeps its own).
void RemoveDeadKillLeftovers(docker::DockerClient& docker);
// Removes this run's containers and networks (by `suite`) and the volumes
// berth made for Stacks in `ss_ns`.
void RemoveKillObjects(docker::DockerClient& docker, const std::string& suite,
                       const std::string& ss_ns);

class KillWorld {
 public:
  // GET `path` from the berth that runs now, as the admin.
  using Get = std::function<e2e::HttpResult(const std::string& path)>;

  // `ns`: the Beaver Stack's namespace (Instances live there); `conf_dir`:
  // its router's conf.d directory on the host.
  KillWorld(docker::DockerClient& docker, std::string ns, std::string suite, std::string conf_dir);

  // Creates the share-stacks network and plants the objects of other owners
  // (recording them); false on failure (with gtest failures added).
  bool Prepare();

  const std::string& ss_ns() const { return ss_ns_; }
  // manifests/test/share-stacks.yaml in ss_ns(), its names prefixed, its ports
  // free ones, its network this run's; `generation` is an env value of
  // valkey, so applying 2 after 1 changes (recreates) valkey.
  std::string ShareManifest(int generation) const;
  // A one-service Stack with a network of its own, applied and then deleted.
  std::string ScratchManifest() const;
  std::string ScratchPath() const;

  // "" when Docker, the router's conf.d and the objects are exactly what they
  // should be with `want` (user -> slug) provisioned and everything else
  // applied or deleted; else every difference, one a line.
  std::string Divergence(const std::map<std::string, std::string>& want, const Get& get);
  // After Divergence(): "" when every container it checked carries this
  // berth's cluster label (what keeps other berths' hands off it), else which not.
  std::string Unlabelled() const;
  // "" when every planted object is still there unchanged.
  std::string PlantedChanges();

 private:
  struct Planted {
    std::string id;
    std::string started_at;
  };
  bool Plant(const std::string& name, const docker::Labels& labels);
  void CheckContainers(const std::map<std::string, std::string>& instances,
                       std::vector<std::string>* why);
  void CheckNetworks(std::vector<std::string>* why);
  void CheckConfDir(const std::map<std::string, std::string>& want, std::vector<std::string>* why);

  docker::DockerClient& docker_;
  std::string ns_, ss_ns_, suite_, conf_dir_;
  std::map<std::string, int> ports_;  // share-stacks service -> host port
  std::set<std::string> beaver_services_, share_services_, share_jobs_;
  std::map<std::string, Planted> planted_;  // container name -> what it was
  std::string planted_network_;             // id
  std::vector<std::string> unlabelled_;
  std::map<std::string, std::string> planted_files_;  // conf.d name -> content
};

}  // namespace berth::fault
