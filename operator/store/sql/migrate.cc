#include "operator/store/sql/migrate.h"

#include <string>

namespace berth::store::sql {
namespace {

constexpr std::string_view kSelectVersion =
    "SELECT value FROM berth_meta WHERE key = 'schema_version'";

Result<int> ReadVersion(SqlConnection& conn) {
  BERTH_ASSIGN_OR_RETURN(SqlRows rows, conn.Exec(kSelectVersion));
  if (rows.empty()) return 0;
  return static_cast<int>(rows.front().Int(0));
}

Status MigrateInTxn(SqlConnection& conn, const Dialect& dialect, int target) {
  const int newest = static_cast<int>(dialect.migrations.size());
  if (target < 0) target = newest;
  BERTH_ASSIGN_OR_RETURN(int version, ReadVersion(conn));
  if (version > newest) {
    return Status::Unavailable("the database schema is version " + std::to_string(version) +
                               " but this berth knows versions up to " + std::to_string(newest) +
                               "; run a newer berth");
  }
  if (version >= target) return Status::Ok();
  for (int v = version; v < target; ++v) {
    for (const std::string& stmt : dialect.migrations[static_cast<size_t>(v)]) {
      Result<SqlRows> r = conn.Exec(stmt);
      if (!r.ok()) return r.status().Prefixed("schema migration " + std::to_string(v + 1));
    }
  }
  const std::string version_text = std::to_string(target);
  return conn
      .Exec(
          "INSERT INTO berth_meta (key, value) VALUES ('schema_version', ?)"
          " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          {std::string_view(version_text)})
      .status();
}

}  // namespace

Status Migrate(SqlConnection& conn, const Dialect& dialect, int target) {
  for (const std::string& stmt : dialect.begin_migration) {
    Result<SqlRows> r = conn.Exec(stmt);
    if (!r.ok()) {
      conn.Rollback();
      return r.status().Prefixed("schema migration");
    }
  }
  Status st = MigrateInTxn(conn, dialect, target);
  if (!st.ok()) {
    conn.Rollback();
    return st;
  }
  return conn.Commit();
}

Result<int> SchemaVersion(SqlConnection& conn, const Dialect& dialect) {
  Result<int> v = ReadVersion(conn);
  if (!v.ok() && v.status().code() != Code::kUnavailable) return 0;  // no berth_meta yet
  return v;
}

}  // namespace berth::store::sql
