// Schema migrations: the Dialect's numbered DDL steps, applied in order in one
// transaction that also excludes other processes migrating the same database
// (Dialect::begin_migration). The version reached is recorded in berth_meta
// as schema_version.
#pragma once

#include "operator/common/result.h"
#include "operator/store/sql/connection.h"
#include "operator/store/sql/dialect.h"

namespace berth::store::sql {

// Brings the schema to `target` (-1: the newest the dialect knows). A database
// already at or past `target` is left alone; one newer than the dialect knows
// is Unavailable (this binary is too old for it).
Status Migrate(SqlConnection& conn, const Dialect& dialect, int target = -1);

// The recorded schema version; 0 for a database berth never touched.
Result<int> SchemaVersion(SqlConnection& conn, const Dialect& dialect);

}  // namespace berth::store::sql
