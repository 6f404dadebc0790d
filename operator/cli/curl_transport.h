// CurlTransport: the CLI's HTTP(S) Transport over libcurl, with bearer-token
// auth and optional TLS verification settings.
//
// The token is sent only in the Authorization header and never logged; the
// verbose log (to `log`) names method, URL, status and latency, never bodies.
// Not thread-safe (one libcurl easy handle, reused for keep-alive).
#pragma once

#include <chrono>
#include <memory>
#include <ostream>
#include <string>

#include "operator/cli/api_client.h"

namespace berth::cli {

struct TransportOptions {
  std::string server;  // "https://host:port", no trailing path
  std::string token;   // empty: no Authorization header
  bool insecure_skip_tls_verify = false;
  std::string certificate_authority;  // PEM file to verify the server with
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds request_timeout{120};  // non-streaming requests without a deadline
  int verbosity = 0;                          // > 0: one log line per request
  std::ostream* log = nullptr;                // where verbose lines go (stderr)
};

std::unique_ptr<Transport> NewCurlTransport(TransportOptions options);

}  // namespace berth::cli
