#include "operator/store/postgres/pg_connection.h"

#include <pqxx/pqxx>

#include "operator/common/strings.h"

namespace berth::store::postgres {
namespace {

constexpr pqxx::oid kByteaOid = 17;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// BYTEA's text output ("\x" then hex) back to bytes.
std::string DecodeBytea(std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x') return std::string(text);
  std::string out;
  out.reserve((text.size() - 2) / 2);
  for (size_t i = 2; i + 1 < text.size(); i += 2) {
    out.push_back(static_cast<char>(HexDigit(text[i]) * 16 + HexDigit(text[i + 1])));
  }
  return out;
}

// Counts notifications on one channel; the count is read and reset by
// AwaitNotification.
class Counter final : public pqxx::notification_receiver {
 public:
  Counter(pqxx::connection_base& c, const std::string& channel)
      : pqxx::notification_receiver(c, channel) {}
  void operator()(const std::string& payload, int backend_pid) override { ++count; }
  int count = 0;
};

class PgConnection final : public sql::SqlConnection {
 public:
  explicit PgConnection(std::unique_ptr<pqxx::connection> conn) : conn_(std::move(conn)) {}
  ~PgConnection() override {
    receivers_.clear();  // before the connection they are registered with
    try {
      conn_.reset();
    } catch (...) {  // closing a dead socket must not throw out of a destructor
    }
  }

  bool IsBroken() const override { return broken_; }

  Status Listen(std::string_view channel) override {
    return Guard([&] {
             receivers_.push_back(std::make_unique<Counter>(*conn_, std::string(channel)));
             return sql::SqlRows{};
           })
        .status();
  }

  Result<int> AwaitNotification(std::chrono::milliseconds timeout) override {
    int before = 0;
    for (const auto& r : receivers_) before += r->count;
    Result<sql::SqlRows> waited = Guard([&] {
      long ms = static_cast<long>(timeout.count());
      conn_->await_notification(ms / 1000, (ms % 1000) * 1000);
      return sql::SqlRows{};
    });
    if (!waited.ok()) return waited.status();
    int after = 0;
    for (const auto& r : receivers_) after += r->count;
    return after - before;
  }

 protected:
  Result<sql::SqlRows> DoExec(std::string_view sql,
                              const std::vector<sql::SqlParam>& params) override {
    return Guard([&] {
      pqxx::nontransaction tx(*conn_);
      pqxx::result res;
      if (params.empty()) {
        res = tx.exec(std::string(sql));
      } else {
        std::vector<std::string> texts;
        texts.reserve(params.size());
        for (const sql::SqlParam& p : params) {
          if (const auto* n = std::get_if<int64_t>(&p)) {
            texts.push_back(std::to_string(*n));
          } else if (const auto* s = std::get_if<std::string_view>(&p)) {
            texts.emplace_back(*s);
          } else {
            texts.push_back("\\x" + HexEncode(std::get<sql::Blob>(p).bytes));
          }
        }
        res = tx.exec_params(NumberPlaceholders(sql), pqxx::prepare::make_dynamic_params(texts));
      }
      tx.commit();  // a nontransaction's commit sends nothing
      sql::SqlRows rows;
      rows.reserve(res.size());
      const auto ncols = res.columns();
      for (const pqxx::row& r : res) {
        sql::SqlRow row;
        row.columns.reserve(ncols);
        for (pqxx::row::size_type c = 0; c < ncols; ++c) {
          const pqxx::field f = r[c];
          if (f.is_null()) {
            row.columns.emplace_back(std::nullopt);
          } else if (res.column_type(c) == kByteaOid) {
            row.columns.emplace_back(DecodeBytea(std::string_view(f.c_str(), f.size())));
          } else {
            row.columns.emplace_back(std::string(f.c_str(), f.size()));
          }
        }
        rows.push_back(std::move(row));
      }
      return rows;
    });
  }

 private:
  // Runs `fn`, translating libpqxx exceptions into Status values.
  template <typename Fn>
  Result<sql::SqlRows> Guard(Fn fn) {
    if (broken_) return Status::Unavailable("postgresql: connection is broken");
    try {
      return fn();
    } catch (const pqxx::broken_connection& e) {
      broken_ = true;
      return Status::Unavailable(std::string("postgresql: connection lost: ") + e.what());
    } catch (const pqxx::in_doubt_error& e) {
      broken_ = true;
      return Status::Unavailable(std::string("postgresql: commit outcome unknown: ") + e.what());
    } catch (const pqxx::sql_error& e) {
      if (!conn_->is_open()) broken_ = true;
      const std::string& state = e.sqlstate();
      Code code =
          PostgresDialect().MapError(state, state.substr(0, std::min<size_t>(2, state.size())));
      if (broken_ && code == Code::kInternal) code = Code::kUnavailable;
      return Status(code,
                    "postgresql: " + std::string(Trim(e.what())) + " (SQLSTATE " + state + ")");
    } catch (const std::exception& e) {
      if (!conn_->is_open()) broken_ = true;
      return Status(broken_ ? Code::kUnavailable : Code::kInternal,
                    "postgresql: " + std::string(Trim(e.what())));
    }
  }

  std::unique_ptr<pqxx::connection> conn_;
  std::vector<std::unique_ptr<Counter>> receivers_;
  bool broken_ = false;
};

// Adds connect_timeout to the URL unless it names one, so an unreachable host
// fails in seconds rather than after the kernel's TCP timeout.
std::string WithConnectTimeout(const std::string& url) {
  if (url.find("connect_timeout=") != std::string::npos) return url;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=5";
}

}  // namespace

std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::unique_ptr<sql::SqlConnection>> Connect(const std::string& url,
                                                    std::chrono::milliseconds busy_timeout) {
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(WithConnectTimeout(url));
  } catch (const std::exception& e) {
    return Status::Unavailable("postgresql: cannot connect: " + std::string(Trim(e.what())));
  }
  auto pg = std::make_unique<PgConnection>(std::move(conn));
  const std::string settings =
      "SET synchronous_commit = on; SET client_min_messages = warning; "
      "SET application_name = 'berth'; SET lock_timeout = " +
      std::to_string(std::max<int64_t>(1, busy_timeout.count()));
  BERTH_RETURN_IF_ERROR(pg->Exec(settings).status());
  return std::unique_ptr<sql::SqlConnection>(std::move(pg));
}

}  // namespace berth::store::postgres
