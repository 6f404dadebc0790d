#include "test/store/store_test_support.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <pqxx/pqxx>

#include "operator/common/strings.h"

extern char** environ;

namespace berth::store::testing {
namespace {

// `url` with its database (the path after host[:port]) replaced by `db`.
std::string WithDatabase(const std::string& url, const std::string& db) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const size_t query = url.find('?');
  std::string base = url.substr(0, slash == std::string::npos ? query : slash);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + db + tail;
}

Status AdminExec(const std::string& admin_url, const std::string& sql) {
  try {
    pqxx::connection conn(admin_url);
    pqxx::nontransaction tx(conn);
    tx.exec(sql);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("postgresql admin: ") + e.what());
  }
}

}  // namespace

std::string PgAdminUrl() {
  const char* v = std::getenv("BERTH_TEST_PG_URL");
  return v ? v : "";
}

bool RequireAll() {
  const char* v = std::getenv("BERTH_TEST_REQUIRE_ALL");
  return v && std::string_view(v) == "1";
}

Result<std::unique_ptr<TestDatabase>> TestDatabase::Create(const std::string& backend,
                                                           const std::string& pg_admin_url) {
  auto db = std::make_unique<TestDatabase>();
  db->backend_ = backend;
  if (backend == "sqlite") {
    std::error_code ec;
    auto dir = std::filesystem::temp_directory_path(ec) / ("berth-store-" + RandomHex(6));
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::Unavailable("cannot create " + dir.string() + ": " + ec.message());
    db->dir_ = dir.string();
    db->target_ = (dir / "store.db").string();
    db->url_ = "sqlite://" + db->target_;
    return db;
  }
  if (backend == "postgresql") {
    if (pg_admin_url.empty()) return Status::Unavailable("BERTH_TEST_PG_URL is not set");
    db->admin_url_ = pg_admin_url;
    db->db_name_ = "berth_test_" + RandomHex(6);
    BERTH_RETURN_IF_ERROR(AdminExec(pg_admin_url, "CREATE DATABASE " + db->db_name_));
    db->url_ = WithDatabase(pg_admin_url, db->db_name_);
    db->target_ = db->url_;
    return db;
  }
  return Status::BadRequest("unknown backend " + backend);
}

TestDatabase::~TestDatabase() {
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  if (!db_name_.empty()) {
    (void)AdminExec(admin_url_, "DROP DATABASE IF EXISTS " + db_name_ + " WITH (FORCE)");
  }
}

Status TestDatabase::TerminateSessions() {
  if (db_name_.empty()) return Status::BadRequest("only PostgreSQL databases have sessions");
  return AdminExec(admin_url_,
                   "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                       db_name_ + "' AND pid <> pg_backend_pid()");
}

Result<std::unique_ptr<Subprocess>> Subprocess::Start(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::Internal("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int pid = -1;
  int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return Status::Internal("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  auto p = std::make_unique<Subprocess>();
  p->pid_ = pid;
  p->fd_ = fds[0];
  p->reader_ = std::thread([raw = p.get()] { raw->ReadLoop(); });
  return p;
}

void Subprocess::ReadLoop() {
  std::string partial;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    partial.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = partial.find('\n')) != std::string::npos) {
      std::lock_guard lock(mu_);
      lines_.push_back(partial.substr(0, nl));
      partial.erase(0, nl + 1);
      cv_.notify_all();
    }
  }
  std::lock_guard lock(mu_);
  eof_ = true;
  cv_.notify_all();
}

bool Subprocess::WaitForLines(size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return lines_.size() >= n || eof_; }) &&
         lines_.size() >= n;
}

std::vector<std::string> Subprocess::Lines() {
  std::lock_guard lock(mu_);
  return lines_;
}

void Subprocess::Kill9() {
  if (!reaped_) kill(pid_, SIGKILL);
}

int Subprocess::Wait() {
  if (!reaped_) {
    int st = 0;
    while (waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  if (reader_.joinable()) reader_.join();
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
  return status_;
}

Subprocess::~Subprocess() {
  Kill9();
  Wait();
}

}  // namespace berth::store::testing
