#!/usr/bin/env python3
"""Checks that the bench's compose file does the same work as the manifest.

  bench/stack/compose_matches.py MANIFEST COMPOSE_FILE

The berth-vs-compose ratio of bench/stack/run.sh only compares equal work when
both bring up the same services in the same order with the same images,
commands, health checks (test, interval, timeout, retries, start period),
dependency conditions, container names, hostnames, ports, restart policies
and stop settings. Prints every difference and exits 1 if there is any.
Environment and mounts differ by design (compose gets the Secret values as
files or literals) and are not compared.
"""
import sys

import yaml

CONDITIONS = {"healthy": "service_healthy", "completed": "service_completed_successfully",
              "started": "service_started"}


def duration(v):
    """'2s', '500ms', '1m' -> milliseconds; None stays None."""
    if v is None:
        return None
    s = str(v)
    for suffix, scale in (("ms", 1), ("s", 1000), ("m", 60000), ("h", 3600000)):
        if s.endswith(suffix) and s[: -len(suffix)].replace(".", "", 1).isdigit():
            return float(s[: -len(suffix)]) * scale
    return s


def health(h):
    if h is None:
        return None
    test = h.get("test")
    if isinstance(test, str):
        test = ["CMD-SHELL", test]
    return {"test": [str(t).replace("$$", "$") for t in test],
            "interval": duration(h.get("interval")), "timeout": duration(h.get("timeout")),
            "retries": h.get("retries"), "startPeriod": duration(h.get("startPeriod",
                                                                           h.get("start_period")))}


def unescape(cmd):
    return None if cmd is None else [str(c).replace("$$", "$") for c in cmd]


def berth_services(path):
    for doc in yaml.safe_load_all(open(path)):
        if doc and doc.get("kind") == "Stack":
            out = {}
            for name, s in doc["spec"]["services"].items():
                job = s.get("kind") == "job"
                out[name] = {
                    "image": s["image"],
                    "command": unescape(s.get("command")),
                    "entrypoint": unescape(s.get("entrypoint")),
                    "healthcheck": health(s.get("healthcheck")),
                    "depends_on": {d: CONDITIONS[c] for d, c in s.get("dependsOn", {}).items()},
                    "container_name": s.get("containerName"),
                    "hostname": s.get("hostname"),
                    "ports": s.get("ports", []),
                    "networks": s.get("networks", ["default"]),
                    # berth runs a job once; compose's equivalent is restart "no".
                    "restart": "no" if job else s.get("restart", "no"),
                    "stop_signal": s.get("stopSignal"),
                    "stop_grace_period": duration(s.get("stopGracePeriod")),
                }
            return out
    sys.exit(f"{path}: no Stack document")


def compose_services(path):
    doc = yaml.safe_load(open(path))
    out = {}
    for name, s in doc["services"].items():
        deps = s.get("depends_on", {})
        if isinstance(deps, list):
            deps = {d: {"condition": "service_started"} for d in deps}
        out[name] = {
            "image": s["image"],
            "command": unescape(s.get("command")),
            "entrypoint": unescape(s.get("entrypoint")),
            "healthcheck": health(s.get("healthcheck")),
            "depends_on": {d: c.get("condition", "service_started") for d, c in deps.items()},
            "container_name": s.get("container_name"),
            "hostname": s.get("hostname"),
            "ports": s.get("ports", []),
            "networks": s.get("networks", ["default"]),
            "restart": str(s.get("restart", "no")),
            "stop_signal": s.get("stop_signal"),
            "stop_grace_period": duration(s.get("stop_grace_period")),
        }
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    want, got = berth_services(sys.argv[1]), compose_services(sys.argv[2])
    problems = []
    if list(want) != list(got):
        problems.append(f"service order: manifest {list(want)}, compose {list(got)}")
    for name, w in want.items():
        g = got.get(name)
        if g is None:
            continue
        for field, value in w.items():
            if g[field] != value:
                problems.append(f"{name}.{field}: manifest {value!r}, compose {g[field]!r}")
    for p in problems:
        print(f"{sys.argv[2]}: {p}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"{sys.argv[2]} matches {sys.argv[1]}: {len(want)} services")


if __name__ == "__main__":
    main()
