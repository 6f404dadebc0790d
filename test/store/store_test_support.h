// Test support for the store conformance suite and the store benchmark:
// throwaway databases for each backend, and child processes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "operator/common/result.h"

namespace berth::store::testing {

// BERTH_TEST_PG_URL: a superuser URL to database `postgres`, or "".
std::string PgAdminUrl();
// BERTH_TEST_REQUIRE_ALL=1: a test that cannot find its server fails.
bool RequireAll();

// A fresh, empty database for one test or benchmark run: a SQLite file in a
// new temporary directory, or a new uniquely named PostgreSQL database
// created through PgAdminUrl(). Removed (directory deleted, database
// dropped) when destroyed.
class TestDatabase {
 public:
  // `backend` is "sqlite" or "postgresql"; a PostgreSQL database is created
  // through `pg_admin_url` (a role that may CREATE DATABASE).
  static Result<std::unique_ptr<TestDatabase>> Create(
      const std::string& backend, const std::string& pg_admin_url = PgAdminUrl());
  TestDatabase() = default;  // use Create
  ~TestDatabase();

  const std::string& backend() const { return backend_; }
  // The store URL of the database.
  const std::string& url() const { return url_; }
  // SQLite: the file path; PostgreSQL: the URL.
  const std::string& target() const { return target_; }
  // PostgreSQL only: ends every server session on this database (as a
  // database restart would), except the caller's own.
  Status TerminateSessions();

 private:
  std::string backend_;
  std::string url_;
  std::string target_;
  std::string dir_;      // SQLite
  std::string db_name_;  // PostgreSQL
  std::string admin_url_;
};

// A child process whose stdout is read line by line in the background.
class Subprocess {
 public:
  static Result<std::unique_ptr<Subprocess>> Start(const std::vector<std::string>& argv);
  Subprocess() = default;  // use Start
  ~Subprocess();           // kills a child still running

  // Waits until stdout has at least `n` lines or closed, up to `timeout`.
  bool WaitForLines(size_t n, std::chrono::milliseconds timeout);
  std::vector<std::string> Lines();
  void Kill9();
  // Waits for the child to exit and stdout to close; the exit code, or
  // 128 + signal.
  int Wait();

 private:
  void ReadLoop();

  int pid_ = -1;
  int fd_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  bool eof_ = false;
  std::thread reader_;
};

}  // namespace berth::store::testing
