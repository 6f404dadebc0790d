// Container I/O: logs (whole and followed), wait, exec, put archive.
#include <thread>

#include "operator/docker/curl_client.h"
#include "operator/docker/engine_json.h"
#include "operator/docker/stream_codec.h"
#include "operator/docker/tar.h"

namespace berth::docker::internal {

using nlohmann::json;

namespace {

std::string LogsPath(const std::string& id, const LogsOptions& o, bool follow) {
  Query q;
  q.Add("stdout", o.stdout_stream ? "1" : "")
      .Add("stderr", o.stderr_stream ? "1" : "")
      .Add("tail", o.tail >= 0 ? std::to_string(o.tail) : "all")
      .Add("since", o.since > 0 ? std::to_string(o.since) : "")
      .Add("timestamps", o.timestamps ? "1" : "")
      .Add("follow", follow ? "1" : "");
  return "/containers/" + Seg(id) + "/logs" + q.str();
}

const char* ConditionName(WaitCondition c) {
  switch (c) {
    case WaitCondition::kNotRunning: return "not-running";
    case WaitCondition::kNextExit: return "next-exit";
    case WaitCondition::kRemoved: return "removed";
  }
  return "not-running";
}

}  // namespace

Result<LogOutput> CurlDockerClient::Logs(const std::string& id, const LogsOptions& options) {
  LogOutput out;
  LogDemuxer demux([&](LogStream s, std::string_view chunk) {
    (s == LogStream::kStderr ? out.err : out.out).append(chunk);
    return true;
  });
  BodySink sink = [&](std::string_view chunk) { return demux.Feed(chunk); };
  HttpRequest req;
  req.path = LogsPath(id, options, false);
  BERTH_ASSIGN_OR_RETURN(auto resp, Send(std::move(req), &sink));
  if (resp.status < 200 || resp.status >= 300) return StatusFromHttp(resp.status, resp.body);
  return out;
}

Status CurlDockerClient::FollowLogs(const std::string& id, const LogsOptions& options,
                                    const LogCallback& cb, const CancelToken& cancel) {
  LogDemuxer demux([&](LogStream s, std::string_view chunk) { return cb(s, chunk); });
  BodySink sink = [&](std::string_view chunk) { return demux.Feed(chunk); };
  HttpRequest req;
  req.path = LogsPath(id, options, true);
  req.timeout = std::chrono::milliseconds(0);
  req.cancel = &cancel;
  BERTH_ASSIGN_OR_RETURN(auto resp, Send(std::move(req), &sink));
  if (resp.status < 200 || resp.status >= 300) return StatusFromHttp(resp.status, resp.body);
  return Status::Ok();
}

Result<int> CurlDockerClient::WaitContainer(const std::string& id, WaitCondition condition,
                                            std::chrono::milliseconds timeout,
                                            const CancelToken* cancel) {
  HttpRequest req;
  req.method = "POST";
  req.path =
      "/containers/" + Seg(id) + "/wait" + Query().Add("condition", ConditionName(condition)).str();
  req.timeout = timeout;
  req.cancel = cancel;
  BERTH_ASSIGN_OR_RETURN(auto resp, Send(std::move(req)));
  if (resp.status < 200 || resp.status >= 300) return StatusFromHttp(resp.status, resp.body);
  try {
    json j = json::parse(resp.body);
    if (j.contains("Error") && j["Error"].is_object() && j["Error"].contains("Message")) {
      auto msg = j["Error"]["Message"].get<std::string>();
      if (!msg.empty()) return Status::Internal("docker engine: wait: " + msg);
    }
    return j.at("StatusCode").get<int>();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("docker engine: bad wait response: ") + e.what());
  }
}

Result<ExecResult> CurlDockerClient::Exec(const std::string& id, const ExecOptions& options) {
  json create = {{"AttachStdout", true}, {"AttachStderr", true}, {"Cmd", options.cmd}};
  if (!options.env.empty()) create["Env"] = options.env;
  if (!options.user.empty()) create["User"] = options.user;
  if (!options.working_dir.empty()) create["WorkingDir"] = options.working_dir;
  BERTH_ASSIGN_OR_RETURN(json created,
                         Json("POST", "/containers/" + Seg(id) + "/exec", create.dump()));
  std::string exec_id = created.is_object() && created.contains("Id") && created["Id"].is_string()
                            ? created["Id"].get<std::string>()
                            : std::string();
  if (exec_id.empty()) return Status::Internal("docker engine: exec create returned no Id");

  ExecResult result;
  LogDemuxer demux([&](LogStream s, std::string_view chunk) {
    (s == LogStream::kStderr ? result.err : result.out).append(chunk);
    return true;
  });
  BodySink sink = [&](std::string_view chunk) { return demux.Feed(chunk); };
  HttpRequest start;
  start.method = "POST";
  start.path = "/exec/" + Seg(exec_id) + "/start";
  start.body = json{{"Detach", false}, {"Tty", false}}.dump();
  start.timeout = options.timeout;
  BERTH_ASSIGN_OR_RETURN(auto resp, Send(std::move(start), &sink));
  if (resp.status < 200 || resp.status >= 300) return StatusFromHttp(resp.status, resp.body);

  // The output stream can close a moment before the engine records the exit
  // code; poll the exec briefly until it says it is done.
  for (int attempt = 0;; ++attempt) {
    BERTH_ASSIGN_OR_RETURN(json info, Json("GET", "/exec/" + Seg(exec_id) + "/json"));
    if (!info.is_object()) return Status::Internal("docker engine: bad exec inspect response");
    bool running =
        info.contains("Running") && info["Running"].is_boolean() && info["Running"].get<bool>();
    if (!running && info.contains("ExitCode") && info["ExitCode"].is_number()) {
      result.exit_code = info["ExitCode"].get<int>();
      return result;
    }
    if (attempt >= 200) return Status::Timeout("docker engine: exec finished but has no exit code");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Status CurlDockerClient::PutArchive(const std::string& id, const std::string& dir,
                                    const std::vector<ArchiveEntry>& entries) {
  BERTH_ASSIGN_OR_RETURN(std::string tar, WriteTar(entries));
  HttpRequest req;
  req.method = "PUT";
  req.path = "/containers/" + Seg(id) + "/archive" + Query().Add("path", dir).str();
  req.body = std::move(tar);
  req.content_type = "application/x-tar";
  BERTH_ASSIGN_OR_RETURN(auto resp, Send(std::move(req)));
  if (resp.status < 200 || resp.status >= 300) return StatusFromHttp(resp.status, resp.body);
  return Status::Ok();
}

}  // namespace berth::docker::internal
