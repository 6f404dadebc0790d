// store::Open: picks the adapter and dialect a URL names and wires them into
// the generic SqlStore. The only file that knows every backend.
#include <filesystem>
#include <system_error>

#include "operator/common/strings.h"
#include "operator/store/postgres/pg_connection.h"
#include "operator/store/sql/sql_store.h"
#include "operator/store/sqlite/sqlite_connection.h"
#include "operator/store/store.h"

namespace berth::store {
namespace {

constexpr size_t kSqliteReaders = 4;
constexpr size_t kPostgresPool = 8;

Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, const Options& options) {
  const bool memory = path == ":memory:";
  if (!memory) {
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec)
      return Status::Unavailable("sqlite: cannot create " + parent.string() + ": " + ec.message());
  }
  const auto busy = options.busy_timeout;
  sql::SqlStoreConfig config{
      .dialect = &sqlite::SqliteDialect(),
      .connect = [path, busy] { return sqlite::Connect(path, busy); },
      .writers = 1,
      .readers = kSqliteReaders,
      // Each connection to ":memory:" is a database of its own: share one.
      .shared_pool = memory,
  };
  BERTH_ASSIGN_OR_RETURN(std::unique_ptr<sql::SqlStore> store,
                         sql::SqlStore::Open(std::move(config), options));
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::unique_ptr<Store>> OpenPostgres(const std::string& url, const Options& options) {
  const auto busy = options.busy_timeout;
  sql::SqlStoreConfig config{
      .dialect = &postgres::PostgresDialect(),
      .connect = [url, busy] { return postgres::Connect(url, busy); },
      .writers = kPostgresPool,
      .readers = 0,
      .shared_pool = true,
  };
  Result<std::unique_ptr<sql::SqlStore>> store = sql::SqlStore::Open(std::move(config), options);
  if (!store.ok()) return store.status().Prefixed(RedactUrl(url));
  return std::unique_ptr<Store>(std::move(store).value());
}

}  // namespace

Result<std::unique_ptr<Store>> Open(const std::string& url, const Options& options) {
  if (url == "sqlite::memory:") return OpenSqlite(":memory:", options);
  if (StartsWith(url, "sqlite://")) {
    std::string path = url.substr(std::string_view("sqlite://").size());
    if (path.empty()) return Status::BadRequest("store URL " + url + " names no file");
    if (path.find('?') != std::string::npos) {
      return Status::BadRequest("store URL " + url + ": sqlite URLs take no parameters");
    }
    return OpenSqlite(path, options);
  }
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
    return OpenPostgres(url, options);
  }
  return Status::BadRequest("store URL " + RedactUrl(url) +
                            ": expected sqlite:///path, sqlite::memory: or postgresql://...");
}

std::string RedactUrl(const std::string& url) {
  std::string out = url;
  // user:password@ in the authority.
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t auth = scheme + 3;
    const size_t auth_end = out.find_first_of("/?#", auth);
    const size_t at = out.rfind('@', auth_end == std::string::npos ? out.size() : auth_end);
    if (at != std::string::npos && at >= auth) {
      const size_t colon = out.find(':', auth);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // password=... among the query parameters.
  for (size_t pos = out.find("password="); pos != std::string::npos;
       pos = out.find("password=", pos + 1)) {
    if (pos > 0 && out[pos - 1] != '?' && out[pos - 1] != '&') continue;
    const size_t start = pos + std::string_view("password=").size();
    const size_t end = out.find('&', start);
    out.replace(start, (end == std::string::npos ? out.size() : end) - start, "***");
  }
  return out;
}

}  // namespace berth::store
