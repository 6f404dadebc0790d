#include "operator/store/sql/connection.h"

#include "operator/common/strings.h"
#include "operator/store/sql/dialect.h"

namespace berth::store::sql {

const std::string& SqlRow::Text(size_t i) const {
  static const std::string kEmpty;
  if (i >= columns.size() || !columns[i]) return kEmpty;
  return *columns[i];
}

int64_t SqlRow::Int(size_t i) const {
  long long v = 0;
  if (!ParseInt64(Text(i), &v)) return 0;
  return v;
}

void SqlConnection::Rollback() {
  if (IsBroken()) return;
  (void)Exec("ROLLBACK");  // fails harmlessly when no transaction is open
}

Status SqlConnection::Listen(std::string_view channel) {
  return Status::BadRequest("this database has no notifications");
}

Result<int> SqlConnection::AwaitNotification(std::chrono::milliseconds timeout) {
  return Status::BadRequest("this database has no notifications");
}

Code Dialect::MapError(std::string_view code, std::string_view code_class) const {
  for (const ErrorRule& rule : errors) {
    if (rule.code == code) return rule.status;
  }
  for (const ErrorRule& rule : errors) {
    if (rule.code == code_class) return rule.status;
  }
  return Code::kInternal;
}

}  // namespace berth::store::sql
