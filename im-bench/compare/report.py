#!/usr/bin/env python3
"""Writes docs/benchmarks.md and the latency SVG from a compare.sh run (standard library only).

usage: report.py --root REPO --run-dir DIR --doc FILE --svg FILE

Reads DIR/results.jsonl (one line per im-bench run: key, server, round, exit, seconds and the run's
JSON line as "result"), the files compare.sh left in DIR (JVM command lines, versions, the Mosquitto
and HiveMQ configs) and the COMPARE_*_USED environment variables for the parameters. The anchors Reef
is compared with (Mosquitto, HiveMQ CE) are those that have runs in the results; with Mosquitto alone
the document reads as it did before HiveMQ was added. Tests: python3 im-bench/compare/test_report.py
"""
import argparse
import datetime
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys

import im_section

SERVERS = ("reef", "mosquitto", "hivemq")
ANCHORS = ("mosquitto", "hivemq")  # the brokers Reef is compared with, in the order compare.sh runs them
NAMES = {"reef": "Reef", "mosquitto": "Mosquitto", "hivemq": "HiveMQ"}
COLORS = {"reef": "#1f6fb4", "mosquitto": "#c8402a", "hivemq": "#2e8b47"}

# Issue 11's targets against HiveMQ CE, the stronger (multi-threaded JVM) anchor.
HIVEMQ_PAIRS_Q1_RATIO = 1.5   # pairs QoS 1 flat out: Reef at least 1.5x HiveMQ

# The settings compare.sh was run with, and their defaults (to say when a run was shortened).
PARAMS = [
    ("ROUNDS", "rounds per scenario and server", "3"),
    ("WARMUP", "warm-up before each pairs/fanout measurement, s", "2"),
    ("DURATION", "pairs/fanout measurement, s", "10"),
    ("DRAIN", "longest drain after a measurement, s", "5"),
    ("SETTLE", "pause between runs, s", "3"),
    ("PAIRS", "pairs", "100"),
    ("SIZE", "payload, bytes", "64"),
    ("FIXED_RATE", "fixed total rate of the latency run, msg/s", "4000"),
    ("FANOUT_SUBS", "fanout subscribers (1 publisher)", "200"),
    ("OFFLINE_MSGS", "offline messages (QoS 1)", "10000"),
    ("CONN_CLIENTS", "idle connections", "15000"),
    ("CONN_RATE", "connections opened per second", "3000"),
    ("CONN_HOLD", "connections held, s", "10"),
    ("MAX_QUEUED", "per-session queue bound (every server)", "20000"),
] + im_section.IM_PARAMS


def env(name, default=""):
    return os.environ.get(name, default)


def param(name):
    return env("COMPARE_%s_USED" % name, dict((p[0], p[2]) for p in PARAMS)[name])


def read(path, default=""):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return default


def run(cmd, cwd=None):
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60, text=True)
        return p.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


# --- formatting ---------------------------------------------------------------------------------

def fmt_int(x):
    if x is None:
        return "–"
    return "{:,.0f}".format(x).replace(",", "\u202f")


def fmt_ms(micros):
    if micros is None:
        return "–"
    ms = micros / 1000.0
    if ms < 1:
        return "%.3f" % ms
    if ms < 10:
        return "%.2f" % ms
    if ms < 100:
        return "%.1f" % ms
    return fmt_int(ms)


def fmt_ratio(r):
    if r is None:
        return "n/a"
    return "%.2f×" % r


def fmt_num(x, digits=2):
    if x is None:
        return "–"
    return ("%." + str(digits) + "f") % x


# --- data ---------------------------------------------------------------------------------------

class Results:
    def __init__(self, path):
        self.runs = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line:
                    run = json.loads(line)
                    result = run.get("result")
                    if isinstance(result, dict) and "error" in result:
                        # a scenario that failed reports only its error: no figures to read
                        run["error"] = result["error"]
                        run["result"] = None
                    self.runs.append(run)

    def of(self, key, server):
        return sorted((r for r in self.runs if r["key"] == key and r["server"] == server), key=lambda r: r["round"])

    def values(self, key, server, getter):
        out = []
        for r in self.of(key, server):
            if r["result"] is None:
                continue
            try:
                v = getter(r["result"])
            except (KeyError, TypeError):
                v = None
            if v is not None:
                out.append(v)
        return out

    def median(self, key, server, getter):
        vals = self.values(key, server, getter)
        return statistics.median(vals) if vals else None

    def keys(self):
        return {r["key"] for r in self.runs}

    def anchors(self):
        """The brokers Reef was compared with in this run: those with at least one run, failed ones included."""
        return [a for a in ANCHORS if any(r["server"] == a for r in self.runs)]

    def servers(self):
        return ["reef"] + self.anchors()


def anchored(res, text, anchor):
    """A target's text, naming its anchor when there is more than one (with Mosquitto alone, as it always read)."""
    return text if len(res.anchors()) < 2 else "%s %s" % (text, NAMES[anchor])


def put_values(row, res, key, getter, fmt):
    """Every server's median and Reef's ratio to each anchor into a row (keys: server names, ratio_<anchor>;
    `ratio` stays Reef / Mosquitto for the rows' older readers)."""
    vals = {s: res.median(key, s, getter) for s in SERVERS}
    for s in SERVERS:
        row[s] = fmt(vals[s])
    for a in ANCHORS:
        row["ratio_" + a] = fmt_ratio(ratio(vals["reef"], vals[a]))
    row["ratio"] = row["ratio_mosquitto"]
    return vals


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def lat(name):
    return lambda j: j["latencyMicros"][name]


def held(j):
    return j["connected"] - j["dropped"]


def offline_complete(j):
    if "error" in j or "received" not in j:
        return False  # the run failed (its error is in the raw results)
    return (j["received"] == j["messages"] and j["missing"] == 0 and j["inOrder"] and j["duplicates"] == 0
            and j["publishFailures"] == 0)


# --- the verdict table --------------------------------------------------------------------------

def target_rows(res):
    """One dict per figure and target: scenario, figure, better, a value per server, ratio_<anchor> per anchor,
    target, ok, miss text (and inconclusive text when the figure could not be measured); `info` rows have no target
    and count for nothing."""
    rows = []
    anchors = res.anchors()
    pairs, size, fixed = param("PAIRS"), param("SIZE"), param("FIXED_RATE")
    subs, clients, msgs = param("FANOUT_SUBS"), int(param("CONN_CLIENTS")), param("OFFLINE_MSGS")

    def info_row(scenario, figure, better, key, getter, fmt):
        """A figure whose targets are all against anchors that did not run: shown, not judged."""
        row = dict(scenario=scenario, figure=figure, better=better, target="–", ok=False, info=True, miss="")
        put_values(row, res, key, getter, fmt)
        rows.append(row)

    def throughput(key, scenario, needs, arrivals=False):
        field = "arrivalsPerSecond" if arrivals else "messagesPerSecond"
        figure = "deliveries/s arriving in the window" if arrivals else "delivered msg/s"
        getter = lambda j: j.get(field)
        needs = [(a, n) for a, n in needs if a in anchors]
        if not needs:
            info_row(scenario, figure, "higher", key, getter, fmt_int)
        for anchor, need in needs:
            name = NAMES[anchor]
            row = dict(scenario=scenario, figure=figure, better="higher", target=anchored(res, "≥ %.2f×" % need, anchor))
            vals = put_values(row, res, key, getter, fmt_int)
            reef, other = vals["reef"], vals[anchor]
            r = ratio(reef, other)
            inconclusive = None
            if reef is not None and other == 0:
                aruns = [x["result"] for x in res.of(key, anchor) if x["result"] is not None]
                if aruns and all(j["published"] == 0 for j in aruns):
                    one = key == "fanout-q0"  # one publisher; the other scenarios have one per pair
                    why = ("%s's %s could not publish a single message during the %s s measurement "
                           "window in any round (%s written a median of %s messages in the %s s warm-up and "
                           "could then write no more: %s back while %s forwarded those), so "
                           "there was nothing of the window to deliver" % (
                               name, "publisher" if one else "publishers", param("DURATION"),
                               "it had" if one else "they had", fmt_int(statistics.median(j["sent"] for j in aruns)),
                               param("WARMUP"), "TCP flow control held it" if one
                               else "TCP flow control%s held them" % (" and the QoS 1 window" if key == "pairs-q1"
                                                                       else ""), name))
                else:
                    why = ("none of the messages %s's publishers published in the measurement window reached "
                           "the subscribers before the drain bound (they queued behind the warm-up's backlog)" % name)
                inconclusive = ("%s: %s. %s's figure is therefore 0 (Reef's median %s msg/s) and the ratio is "
                                "not defined: by the tool's figure Reef is ahead, but this run does not measure "
                                "%s's %s rate, so the target is reported as inconclusive rather than met."
                                % (scenario, why, name, fmt_int(reef), name,
                                   "fan-out" if key == "fanout-q0" else "delivery"))
            row.update(ok=r is not None and r >= need, inconclusive=inconclusive,
                       miss="%s: Reef delivers %s msg/s, %s %s msg/s: %s of %s, target %.2f×."
                       % (scenario, fmt_int(reef), name, fmt_int(other), fmt_ratio(r), name, need))
            rows.append(row)

    if "pairs-q0" in res.keys():
        throughput("pairs-q0", "pairs %s × %s B, QoS 0, flat out" % (pairs, size), [("mosquitto", 1.05)])
    if "pairs-q1" in res.keys():
        throughput("pairs-q1", "pairs %s × %s B, QoS 1, flat out" % (pairs, size),
                   [("mosquitto", 2.0), ("hivemq", HIVEMQ_PAIRS_Q1_RATIO)])
    if "pairs-q1-fixed" in res.keys():
        scenario = "pairs %s × %s B, QoS 1, %s msg/s" % (pairs, size, fmt_int(int(fixed)))
        for anchor in anchors:  # p99 at most each anchor's
            row = dict(scenario=scenario, figure="p99 latency, ms", better="lower",
                       target=anchored(res, "≤ 1.00×", anchor))
            vals = put_values(row, res, "pairs-q1-fixed", lat("p99"), fmt_ms)
            r = ratio(vals["reef"], vals[anchor])
            row.update(ok=r is not None and r <= 1.0,
                       miss="%s: Reef's p99 latency is %s ms, %s's %s ms (%s; target ≤ 1.00×)."
                       % (scenario, fmt_ms(vals["reef"]), NAMES[anchor], fmt_ms(vals[anchor]), fmt_ratio(r)))
            rows.append(row)
    if "fanout-q0" in res.keys():
        # Flat-out fan-out is counted by arrival: a publisher held back by TCP flow control after the warm-up
        # publishes nothing in the window, yet the server forwards its backlog then, at its full rate.
        throughput("fanout-q0", "fanout 1 → %s, %s B, QoS 0, flat out" % (subs, size), [("mosquitto", 1.9)],
                   arrivals=True)
    if "connections" in res.keys():
        scenario = "connections: %s idle clients" % fmt_int(clients)
        counts = {}
        for s in SERVERS:
            runs = res.of("connections", s)
            vals = [r["result"] for r in runs if r["result"] is not None]
            worst = min((held(j) for j in vals), default=None)
            allok = bool(vals) and len(vals) == len(runs) and all(
                j["connected"] == j["clients"] and j["failed"] == 0 and j["dropped"] == 0 for j in vals)
            counts[s] = (worst, allok, len(vals))
        worst, allok, n = counts["reef"]
        row = dict(scenario=scenario, figure="connected and held (fewest of %d rounds)" % n, better="all",
                   ratio="", target="all, every round", ok=allok,
                   miss="%s: Reef held %s of %s connections in its worst round (failures or drops in %s)."
                   % (scenario, fmt_int(worst), fmt_int(clients), "runs/connections-reef-*.out"))
        for s in SERVERS:
            row[s] = "%s / %s" % (fmt_int(counts[s][0]), fmt_int(clients))
        for a in ANCHORS:
            row["ratio_" + a] = ""
        rows.append(row)
        memory = "server memory per connection, bytes (RSS growth)"
        per_connection = lambda j: j["bytesPerConnection"]
        row = dict(scenario=scenario, figure=memory, better="lower", target="Reef ≤ 8 192 B")
        vals = put_values(row, res, "connections", per_connection, fmt_int)
        row.update(ok=vals["reef"] is not None and vals["reef"] <= 8192,
                   miss="%s: Reef's resident memory grew by %s bytes per connection (target at most 8 192)."
                   % (scenario, fmt_int(vals["reef"])))
        rows.append(row)
        if "hivemq" in anchors:  # at most HiveMQ's, both JVMs read after a full GC
            row = dict(scenario=scenario, figure=memory, better="lower", target=anchored(res, "≤ 1.00×", "hivemq"))
            vals = put_values(row, res, "connections", per_connection, fmt_int)
            r = ratio(vals["reef"], vals["hivemq"])
            row.update(ok=r is not None and r <= 1.0,
                       miss="%s: Reef's resident memory grew by %s bytes per connection, HiveMQ's by %s (%s; "
                       "target ≤ 1.00×)." % (scenario, fmt_int(vals["reef"]), fmt_int(vals["hivemq"]), fmt_ratio(r)))
            rows.append(row)
    if "offline" in res.keys():
        scenario = "offline: %s QoS 1 messages" % fmt_int(int(msgs))
        desc = {}
        for s in SERVERS:
            runs = res.of("offline", s)
            vals = [r["result"] for r in runs if r["result"] is not None]
            good = sum(1 for j in vals if offline_complete(j))
            desc[s] = (good, len(runs))
        good, n = desc["reef"]
        row = dict(scenario=scenario, figure="all delivered, in order, no duplicates (rounds)", better="all",
                   ratio="", target="every round", ok=n > 0 and good == n,
                   miss="%s: Reef delivered everything in order in %d of %d rounds." % (scenario, good, n))
        for s in SERVERS:
            row[s] = "%d of %d" % desc[s]
        for a in ANCHORS:
            row["ratio_" + a] = ""
        rows.append(row)
        drain = lambda j: j["messagesPerSecond"]
        if "mosquitto" in anchors:
            row = dict(scenario=scenario, figure="drain msg/s", better="higher",
                       target=anchored(res, "≥ 1.00×", "mosquitto"))
            vals = put_values(row, res, "offline", drain, fmt_int)
            r = ratio(vals["reef"], vals["mosquitto"])
            row.update(ok=r is not None and r >= 1.0,
                       miss="%s: Reef drains %s msg/s, Mosquitto %s msg/s (%s; target ≥ 1.00×)."
                       % (scenario, fmt_int(vals["reef"]), fmt_int(vals["mosquitto"]), fmt_ratio(r)))
            rows.append(row)
        else:
            info_row(scenario, "drain msg/s", "higher", "offline", drain, fmt_int)
    return rows


def verdict(row, met, missed, inconclusive):
    if row.get("info"):
        return ""
    if row["ok"]:
        return met
    return inconclusive if row.get("inconclusive") else missed


def other_rows(res):
    """Figures reported without a target: dicts shaped like target_rows' (scenario, figure, better, a value per
    server, ratio_<anchor> per anchor)."""
    rows = []
    pairs, size, fixed = param("PAIRS"), param("SIZE"), param("FIXED_RATE")

    def row(key, scenario, figure, better, getter, fmt=fmt_int, with_ratio=True):
        if key not in res.keys():
            return
        r = dict(scenario=scenario, figure=figure, better=better)
        put_values(r, res, key, getter, fmt)
        if not with_ratio:
            for a in ANCHORS:
                r["ratio_" + a] = ""
        rows.append(r)

    s = "pairs QoS 1, %s msg/s" % fmt_int(int(fixed))
    for p in ("p50", "p90", "max"):
        row("pairs-q1-fixed", s, "%s latency, ms" % p, "lower", lat(p), fmt_ms)
    row("pairs-q1-fixed", s, "delivered msg/s", "= rate", lambda j: j["messagesPerSecond"])
    row("pairs-q1-fixed", s, "lost", "lower", lambda j: j["lost"], with_ratio=False)
    row("pairs-q1-fixed", s, "pacing lag p99 of the load tool, ms", "lower", lambda j: j["pacingLagMicros"]["p99"],
        fmt_ms, with_ratio=False)
    for key, s in (("pairs-q0", "pairs QoS 0, flat out"), ("pairs-q1", "pairs QoS 1, flat out"),
                   ("fanout-q0", "fanout QoS 0, flat out")):
        row(key, s, "published msg/s", "", lambda j: j["publishedPerSecond"])
        row(key, s, "lost (not delivered by the end of the drain)", "lower", lambda j: j["lost"], with_ratio=False)
    row("connections", "connections", "connects/s", "higher", lambda j: j["connectsPerSecond"])
    row("connections", "connections", "time to CONNACK p99, ms", "lower", lat_connect("p99"), fmt_ms)
    row("connections", "connections", "server RSS before, MiB", "", lambda j: j["rssBeforeKb"] / 1024.0,
        lambda x: fmt_num(x, 0), with_ratio=False)
    row("connections", "connections", "server RSS at the end of the hold, MiB", "",
        lambda j: j["rssAfterKb"] / 1024.0, lambda x: fmt_num(x, 0), with_ratio=False)
    row("offline", "offline", "publish time (all PUBACKed), s", "lower", lambda j: j["publishSeconds"],
        lambda x: fmt_num(x, 3))
    row("offline", "offline", "drain time, s", "lower", lambda j: j["drainSeconds"], lambda x: fmt_num(x, 3))
    return rows


def lat_connect(name):
    return lambda j: j["connectLatencyMicros"][name]


# --- per-round tables ---------------------------------------------------------------------------

def in_run_order(res, key):
    """The runs of a scenario in the order they ran: by round, then Reef, Mosquitto, HiveMQ."""
    return sorted((r for s in SERVERS for r in res.of(key, s)), key=lambda r: (r["round"], SERVERS.index(r["server"])))


def raw_tables(res):
    out = []

    def status(r):
        return "ok" if r["exit"] == 0 and r["result"] is not None else "exit %d" % r["exit"]

    flows = [("pairs-q0", "pairs QoS 0, flat out"), ("pairs-q1", "pairs QoS 1, flat out"),
             ("pairs-q1-fixed", "pairs QoS 1, %s msg/s" % fmt_int(int(param("FIXED_RATE")))),
             ("fanout-q0", "fanout 1 → %s QoS 0, flat out" % param("FANOUT_SUBS"))]
    lines = ["| Scenario | Round | Server | published msg/s | delivered msg/s | lost | dup | out of order "
             "| p50 ms | p99 ms | max ms | run |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    any_flow = False
    for key, title in flows:
        for r in in_run_order(res, key):
            any_flow = True
            j = r["result"]
            if j is None:
                lines.append("| %s | %d | %s | | | | | | | | | %s |" % (title, r["round"], NAMES[r["server"]], status(r)))
                continue
            lines.append("| %s | %d | %s | %s | %s | %s | %d | %d | %s | %s | %s | %s |" % (
                title, r["round"], NAMES[r["server"]], fmt_int(j["publishedPerSecond"]),
                fmt_int(j["messagesPerSecond"]), fmt_int(j["lost"]), j["duplicates"], j["outOfOrder"],
                fmt_ms(j["latencyMicros"]["p50"]), fmt_ms(j["latencyMicros"]["p99"]),
                fmt_ms(j["latencyMicros"]["max"]), status(r)))
    if any_flow:
        out.append("\n".join(lines))

    runs = in_run_order(res, "connections")
    if runs:
        lines = ["| Connections | Round | Server | connected | failed | dropped while held | connects/s "
                 "| RSS before MiB | RSS after MiB | bytes/connection | run |",
                 "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for r in runs:
            j = r["result"]
            if j is None:
                lines.append("| | %d | %s | | | | | | | | %s |" % (r["round"], NAMES[r["server"]], status(r)))
                continue
            lines.append("| | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                r["round"], NAMES[r["server"]], fmt_int(j["connected"]), fmt_int(j["failed"]),
                fmt_int(j["dropped"]), fmt_int(j["connectsPerSecond"]),
                fmt_num((j.get("rssBeforeKb") or 0) / 1024.0, 0), fmt_num((j.get("rssAfterKb") or 0) / 1024.0, 0),
                fmt_int(j.get("bytesPerConnection")), status(r)))
        out.append("\n".join(lines))

    runs = in_run_order(res, "offline")
    if runs:
        lines = ["| Offline | Round | Server | published | received | missing | in order | dup "
                 "| publish s | drain s | drain msg/s | run |",
                 "|---|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---|"]
        for r in runs:
            j = r["result"]
            if j is None:
                lines.append("| | %d | %s | | | | | | | | | %s |" % (r["round"], NAMES[r["server"]], status(r)))
                continue
            lines.append("| | %d | %s | %s | %s | %s | %s | %d | %s | %s | %s | %s |" % (
                r["round"], NAMES[r["server"]], fmt_int(j["published"]), fmt_int(j["received"]),
                fmt_int(j["missing"]), "yes" if j["inOrder"] else "**no**", j["duplicates"],
                fmt_num(j["publishSeconds"], 3), fmt_num(j["drainSeconds"], 3), fmt_int(j["messagesPerSecond"]),
                status(r)))
        out.append("\n".join(lines))
    return out


# --- the SVG ------------------------------------------------------------------------------------

def latency_svg(res, path):
    """Percentile curves (p50, p90, p99, max) of the fixed-rate QoS 1 run, one per server, log y axis."""
    labels = ["p50", "p90", "p99", "max"]
    servers = res.servers()
    curves = {}
    rounds = {}
    for s in servers:
        per_round = []
        for r in res.of("pairs-q1-fixed", s):
            j = r["result"]
            if j is None:
                continue
            pts = [j["latencyMicros"].get(p) for p in labels]
            if all(v is not None and v > 0 for v in pts):
                per_round.append([v / 1000.0 for v in pts])
        rounds[s] = per_round
        curves[s] = [statistics.median(col) for col in zip(*per_round)] if per_round else None

    W, H = 760, 470
    left, right, top, bottom = 80, 190, 70, 60
    pw, ph = W - left - right, H - top - bottom
    allv = [v for s in servers for rr in rounds[s] for v in rr]
    if not allv:
        allv = [1.0, 10.0]
    # axis bounds on the 1-2-5 series just outside the data
    steps = [m * 10 ** e for e in range(-4, 8) for m in (1, 2, 5)]
    lo = max([v for v in steps if v <= min(allv) / 1.3] or [steps[0]])
    hi = min([v for v in steps if v >= max(allv) * 1.3] or [steps[-1]])
    if hi <= lo:
        hi = lo * 10

    def x(i):
        return left + pw * (i + 0.5) / len(labels)

    def y(v):
        return top + ph * (1 - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)))

    def esc(t):
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def tick_label(v):
        if v >= 1:
            return "{:,.0f}".format(v).replace(",", "\u202f")
        return ("%.3f" % v).rstrip("0").rstrip(".")

    o = []
    o.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
             'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13">' % (W, H, W, H))
    o.append('<rect width="100%" height="100%" fill="#ffffff"/>')
    o.append('<text x="%d" y="26" font-size="16" font-weight="bold">%s</text>' % (left, esc(
        "End-to-end latency, pairs %s × %s B, QoS 1 at %s msg/s" % (
            param("PAIRS"), param("SIZE"), fmt_int(int(param("FIXED_RATE")))))))
    n = max((len(rounds[s]) for s in servers), default=0)
    o.append('<text x="%d" y="46" fill="#555">%s</text>' % (left, esc(
        "median of %d round%s per server (thick), each round (thin); log scale, lower is better"
        % (n, "" if n == 1 else "s"))))
    # grid: decades and 2, 5 within
    d = 10 ** math.floor(math.log10(lo))
    while d <= hi * 1.0001:
        for m in (1, 2, 5):
            v = d * m
            if v < lo * 0.9999 or v > hi * 1.0001:
                continue
            yy = y(v)
            major = m == 1
            o.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="1"/>'
                     % (left, yy, left + pw, yy, "#cccccc" if major else "#eeeeee"))
            o.append('<text x="%d" y="%.1f" text-anchor="end" fill="#333"%s>%s</text>'
                     % (left - 8, yy + 4, "" if major else ' font-size="11" fill-opacity="0.7"', esc(tick_label(v))))
        d *= 10
    o.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>' % (left, top, pw, ph))
    for i, lab in enumerate(labels):
        o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#888"/>' % (x(i), top + ph, x(i), top + ph + 5))
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (x(i), top + ph + 22, lab))
    o.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#333">percentile of end-to-end latency</text>'
             % (left + pw / 2, H - 12))
    o.append('<text transform="translate(22 %.1f) rotate(-90)" text-anchor="middle" fill="#333">latency, ms</text>'
             % (top + ph / 2))
    for s in servers:
        for rr in rounds[s]:
            pts = " ".join("%.1f,%.1f" % (x(i), y(v)) for i, v in enumerate(rr))
            o.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="1" stroke-opacity="0.45"/>'
                     % (pts, COLORS[s]))
    drawn = [s for s in servers if curves[s]]
    for s in drawn:
        c = curves[s]
        pts = " ".join("%.1f,%.1f" % (x(i), y(v)) for i, v in enumerate(c))
        o.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="3"/>' % (pts, COLORS[s]))
    for i in range(len(labels)):
        # at each percentile the highest point is labelled above, the lowest below and a middle one to its right
        # (ties keep the servers' order)
        order = sorted(drawn, key=lambda s: (-curves[s][i], servers.index(s)))
        for rank, s in enumerate(order):
            v = curves[s][i]
            o.append('<circle cx="%.1f" cy="%.1f" r="4.5" fill="%s"/>' % (x(i), y(v), COLORS[s]))
            if rank == 0:
                tx, ty, anchor = x(i), y(v) - 10, "middle"
            elif rank == len(order) - 1:
                tx, ty, anchor = x(i), y(v) + 19, "middle"
            else:
                tx, ty, anchor = x(i) + 9, y(v) + 4, "start"
            # a white halo keeps a label readable where another server's line crosses it
            o.append('<text x="%.1f" y="%.1f" text-anchor="%s" font-size="11" fill="%s" stroke="#ffffff" '
                     'stroke-width="3" paint-order="stroke">%s</text>'
                     % (tx, ty, anchor, COLORS[s], esc(fmt_ms(v * 1000))))
    # legend
    lx, ly = left + pw + 20, top + 10
    for k, s in enumerate(servers):
        yy = ly + k * 26
        o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/>' % (lx, yy, lx + 28, yy, COLORS[s]))
        label = NAMES[s] + ("" if curves[s] else " (no data)")
        o.append('<text x="%d" y="%d">%s</text>' % (lx + 36, yy + 4, esc(label)))
    yy = ly + len(servers) * 26 + 10
    for i, line in enumerate(("values at the", "points: median, ms")):
        o.append('<text x="%d" y="%d" font-size="11" fill="#555">%s</text>' % (lx, yy + i * 15, line))
    o.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(o) + "\n")
    return curves


# --- server logs --------------------------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def log_notes(run_dir):
    """Warnings and errors the servers logged while under load (Reef: after its start-up completed; HiveMQ: its
    log's WARN and ERROR lines and the launcher's complaints, start-up included)."""
    notes = []
    logs = os.path.join(run_dir, "logs")
    try:
        names = sorted(os.listdir(logs))
    except OSError:
        return notes
    for name in names:
        m = re.match(r"(reef|mosquitto|hivemq)-(.+)\.log$", name)
        if not m:
            continue
        server, phase = m.groups()
        counts = {}
        started = server != "reef"
        for line in read(os.path.join(logs, name)).splitlines():
            line = ANSI.sub("", line)
            if not started:
                started = "WFLYSRV0025" in line
                continue
            if server == "reef":
                w = re.match(r"\S+ (WARN|WARNING|ERROR)\s+\[([^\]]+)\] \([^)]*\) (.*)", line)
                if not w:
                    continue
                text = "%s [%s] %s" % (w.group(1), w.group(2).split(".")[-1], w.group(3))
            elif server == "hivemq":
                w = re.match(r"\d{4}-\d\d-\d\d \S+ (WARN|ERROR)\s+\[([^\]]*)\] (.*)", line)
                if w:
                    text = "%s [%s] %s" % (w.group(1), w.group(2), w.group(3))
                elif re.match(r"reef-hivemq: (HiveMQ did not|stopping HiveMQ failed)", line):
                    text = line
                else:
                    continue
                text = re.sub(r"bench-offline-\S+", "bench-offline-...", text)
            else:
                w = re.match(r"\d+: (.*)", line)
                if not w or "should not be run as root" in w.group(1):
                    continue
                text = re.sub(r"bench-offline-\S+", "bench-offline-...", w.group(1))
            text = text[:200]
            counts[text] = counts.get(text, 0) + 1
        for text, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            notes.append((NAMES[server], phase, n, text))
    return notes


# --- machine and versions -----------------------------------------------------------------------

def machine():
    cpu = "unknown"
    for line in read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = ""
    m = re.search(r"MemTotal:\s+(\d+) kB", read("/proc/meminfo"))
    if m:
        mem = "%.1f GiB" % (int(m.group(1)) / 1024.0 / 1024.0)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    osname = ""
    m = re.search(r'^PRETTY_NAME="?([^"\n]*)"?', read("/etc/os-release"), re.M)
    if m:
        osname = m.group(1)
    java = run(["java", "-version"]).splitlines()
    return [("CPU", cpu), ("cores (nproc)", str(cores)), ("memory", mem),
            ("kernel", "Linux " + platform.release()), ("OS", osname),
            ("Java", "; ".join(java[:2]) if java else "unknown")]


def versions(root, run_dir, anchors=("mosquitto",)):
    commit = run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root) or "unknown"
    subject = run(["git", "log", "-1", "--format=%s (%cd)", "--date=short"], cwd=root)
    dirty = run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root)
    pom = read(os.path.join(root, "pom.xml"))

    def prop(name):
        m = re.search(r"<%s>([^<]+)</%s>" % (re.escape(name), re.escape(name)), pom)
        return m.group(1) if m else "unknown"

    wildfly = read(os.path.join(run_dir, "wildfly-version.txt")).strip() or ("WildFly " + prop("version.wildfly"))
    pg = read(os.path.join(run_dir, "postgres-version.txt")).strip()
    changed = [re.sub(r"^\s*\S+\s+", "", l) for l in dirty.splitlines() if l.strip()]
    note = ""
    if changed:
        note = " plus uncommitted changes to %s%s" % (", ".join("`%s`" % c for c in changed[:5]),
                                                       " and %d more" % (len(changed) - 5) if len(changed) > 5 else "")
    rows = [("Reef", "commit `%s`%s%s" % (commit, note,
                                        " — " + subject if subject else "")),
            ("WildFly", wildfly.replace("WildFly ", "")),
            ("Netty (in Reef's resource adapter and in im-bench)", prop("version.netty"))]
    if "mosquitto" in anchors:
        rows.append(("Mosquitto", "%s (Debian package, `%s`)" % (env("COMPARE_MOSQ_VERSION", "unknown"),
                                                                 env("COMPARE_MOSQUITTO", "mosquitto"))))
    if "hivemq" in anchors:
        rows.append(("HiveMQ Community Edition", "%s (`com.hivemq:hivemq-community-edition-embedded` from Maven "
                     "Central, embedded by `im-bench/hivemq`), on %s (`%s`)" % (
                         env("COMPARE_HIVEMQ_VERSION", "unknown"), env("COMPARE_HIVEMQ_JAVA", "unknown Java"),
                         env("COMPARE_HIVEMQ_JAVA_HOME_USED", "?"))))
    if pg:
        rows.append(("PostgreSQL (embedded, Reef's database)", pg.replace("postgres (PostgreSQL) ", "")))
    return rows


def jvm_settings(run_dir, server="reef"):
    """What the server JVM (Reef's or HiveMQ's) ran with: its heap and -XX options, and jcmd's view of them."""
    cmd = [l for l in read(os.path.join(run_dir, "%s-jvm-cmdline.txt" % server)).splitlines() if l]
    opts = [a for a in cmd if re.match(r"-X(ms|mx|ss|mn|X:)", a) or a.startswith("-XX:")]
    flags = read(os.path.join(run_dir, "%s-jvm-flags.txt" % server))
    final = {}
    for m in re.finditer(r"-XX:([+-]?)(\w+)(?:=(\S+))?", flags):
        sign, name, value = m.groups()
        final[name] = value if value is not None else (sign == "+")
    gc = [n for n, v in final.items() if v is True and re.match(r"Use\w+GC$", n)]
    parts = []
    parts.append("command-line heap and VM options: " + (" ".join("`%s`" % o for o in opts) if opts else "none found"))
    if final:
        def mib(name):
            try:
                return "%d MiB" % (int(final[name]) // (1024 * 1024))
            except (KeyError, ValueError):
                return "?"
        parts.append("in effect (jcmd VM.flags): initial heap %s, maximum heap %s, %s" % (
            mib("InitialHeapSize"), mib("MaxHeapSize"), ", ".join(gc) if gc else "default collector"))
    return parts


# --- the document -------------------------------------------------------------------------------

def jmh_section(run_dir):
    """Lines of the microbenchmark section, from the JMH JSON results (none when they are missing)."""
    raw = read(os.path.join(run_dir, "jmh.json"))
    if not raw.strip():
        return []
    try:
        results = json.loads(raw)
    except ValueError:
        return []
    L = ["## Microbenchmarks (JMH)", "",
         "The broker's hot paths measured in isolation with JMH: decoding a 64-byte QoS 1 PUBLISH through the "
         "broker's frame decoder and Netty's MQTT decoder, encoding one, and matching a topic in the broker's "
         "subscription tree holding 100 000 subscriptions (`im-microbench`, run by this script before any "
         "server started; `im-microbench/run.sh`: %s fork, %s x %s warm-up, %s x %s measurement). Average time per "
         "operation, lower is better; the error is JMH's 99.9%% confidence half-width." % (
             env("JMH_FORKS", "1"), env("JMH_WARMUP_ITERATIONS", "5"), env("JMH_WARMUP_TIME", "1s"),
             env("JMH_ITERATIONS", "5"), env("JMH_TIME", "1s")), "",
         "| Benchmark | Parameters | Time per operation |", "|---|---|---:|"]
    for r in results:
        name = r.get("benchmark", "?").rsplit(".", 2)
        name = ".".join(name[-2:])
        params = ", ".join("%s=%s" % kv for kv in sorted((r.get("params") or {}).items()))
        m = r.get("primaryMetric", {})
        score, err, unit = m.get("score"), m.get("scoreError"), m.get("scoreUnit", "")
        if score is None:
            continue
        err_text = "" if err is None or err != err else " ± %.1f" % err
        L.append("| `%s` | %s | %.1f%s %s |" % (name, params or "", score, err_text, unit))
    L.append("")
    return L


def document(root, run_dir, res, rows, im_rows, others, curves, doc_path, svg_path):
    start = int(env("COMPARE_START_EPOCH", "0") or 0)
    end = int(env("COMPARE_END_EPOCH", "0") or 0)
    took = end - start
    when = datetime.datetime.fromtimestamp(end or start, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rounds = int(param("ROUNDS"))
    anchors = res.anchors()
    servers = res.servers()
    names = [NAMES[s] for s in servers]
    every = [r for r in rows + im_rows if not r.get("info")]
    met = sum(1 for r in every if r["ok"])
    unclear = [r for r in every if not r["ok"] and r.get("inconclusive")]
    missed = [r for r in every if not r["ok"] and not r.get("inconclusive")]
    failed_runs = [r for r in res.runs if r["exit"] != 0 or r["result"] is None]
    svg_rel = os.path.relpath(svg_path, os.path.dirname(os.path.abspath(doc_path)))
    run_rel = os.path.relpath(run_dir, root)
    cores = dict(machine()).get("cores (nproc)", "?")

    def listed(items):
        if not items:
            return "nothing"
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

    L = []
    anchor_names = [("HiveMQ CE" if a == "hivemq" else NAMES[a]) for a in anchors]
    L.append("# Benchmarks: Reef versus %s" % listed(anchor_names) if anchor_names
             else "# Benchmarks: Reef (IM scenarios only)")
    L.append("")
    L.append("Generated by [`im-bench/compare.sh`](../im-bench/compare.sh) on %s; the whole run took %d min %02d s. "
             "%s ran on the same machine as the load tool (im-bench) and were measured in turn, never at "
             "the same time: the client and the server share the machine's %s cores, so the figures compare the %s "
             "servers on this machine, not what %s does on dedicated hardware. Throughput is compared only flat "
             "out and latency only at a fixed rate." % (
                 when, took // 60, took % 60, "Both servers" if len(servers) == 2 else "All three servers",
                 cores, "two" if len(servers) == 2 else "three", "either" if len(servers) == 2 else "any of them"))
    if "hivemq" in anchors:
        L.append("")
        L.append("Two anchors: Mosquitto, a single-threaded broker in C, and HiveMQ Community Edition, a multi-threaded "
                 "broker on the JVM and Netty like Reef's, the stronger anchor on this 2-core machine (see "
                 "[Parameters](#parameters) for how each ran)." if "mosquitto" in anchors else
                 "The anchor is HiveMQ Community Edition, a multi-threaded broker on the JVM and Netty like Reef's "
                 "(see [Parameters](#parameters) for how it ran).")
    L.append("")
    if missed or unclear:
        L.append("**Targets: %d of %d met.%s%s** Details under [Missed targets](#missed-targets)." % (
            met, len(every),
            (" Missed: %s." % "; ".join("%s (%s)" % (r["scenario"], r["figure"]) for r in missed)) if missed else "",
            (" Inconclusive: %s." % "; ".join("%s (%s)" % (r["scenario"], r["figure"]) for r in unclear))
            if unclear else ""))
    else:
        L.append("**Targets: all %d met.**" % len(every))
    if failed_runs:
        L.append("")
        L.append("**%d run(s) failed or ended with a non-zero status:** %s (output under `%s/runs/`)." % (
            len(failed_runs), ", ".join("%s %s round %d (exit %d%s)" % (
                r["key"], NAMES[r["server"]], r["round"], r["exit"],
                (": " + r["error"]) if r.get("error") else ", no result" if r["result"] is None else "")
                for r in failed_runs), run_rel))
    if rounds < 3:
        L.append("")
        L.append("**Only %d round(s) per server: fewer than the 3 a comparison needs.**" % rounds)
    L.append("")
    L.append("## Results")
    L.append("")
    if len(anchors) == 1:
        L.append("Medians over %d round%s per server. The ratio is Reef / %s; *better* says which direction favours "
                 "a server (for latency and memory a ratio below 1 is better for Reef)."
                 % (rounds, "" if rounds == 1 else "s", NAMES[anchors[0]]))
    else:
        L.append("Medians over %d round%s per server. The ratios are %s; *better* says which direction favours a "
                 "server (for latency and memory a ratio below 1 is better for Reef). A target names the anchor it is "
                 "set against; a figure with targets against both anchors has a line for each."
                 % (rounds, "" if rounds == 1 else "s", " and ".join("Reef / %s" % NAMES[a] for a in anchors)))
    L.append("")
    L.append("| Scenario | Figure | Better | %s | %s | Target | Verdict |" % (
        " | ".join(names), " | ".join("Reef / %s" % NAMES[a] for a in anchors)))
    L.append("|---|---|---|%s%s---|---|" % ("---:|" * len(servers), "---:|" * len(anchors)))
    for r in rows:
        L.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            r["scenario"], r["figure"], r["better"], " | ".join(r.get(s, "n/a") for s in servers),
            " | ".join(r.get("ratio_" + a, "") for a in anchors), r["target"],
            verdict(r, "met", "**missed**", "**inconclusive**")))
    if im_section.present(res):
        L.append("")
        L.append("The IM scenarios ran against Reef alone: their targets are absolute, under "
                 "[IM scenarios (Reef only)](#im-scenarios-reef-only), and count in the total above.")
    L.append("")
    L.append("### Missed targets")
    L.append("")
    if missed or unclear:
        for r in missed:
            L.append("- " + r["miss"])
        for r in unclear:
            L.append("- Inconclusive: " + r["inconclusive"])
    else:
        L.append("None: every target above is met in this run.")
    L.append("")
    L.append("## Latency at a fixed rate")
    L.append("")
    L.append("![End-to-end latency percentiles of the fixed-rate QoS 1 pairs run, %s](%s)" % (listed(names), svg_rel))
    L.append("")
    if all(curves.get(s) for s in servers):
        L.append("Median over the rounds, in ms: " + "; ".join(
            "%s p50 %s, p90 %s, p99 %s, max %s" % ((NAMES[s],) + tuple(fmt_ms(v * 1000) for v in curves[s]))
            for s in servers) + ". End-to-end latency is from the sender's timestamp in the payload to arrival at "
            "the receiver, both in the load tool, so it includes the tool's own scheduling delays.")
    else:
        L.append("The fixed-rate run produced no latency figures for at least one server.")
    L.append("")
    if others:
        L.append("## Other figures (no target)")
        L.append("")
        L.append("| Scenario | Figure | Better | %s | %s |" % (
            " | ".join(names), " | ".join("Reef / %s" % NAMES[a] for a in anchors)))
        L.append("|---|---|---|%s%s" % ("---:|" * len(servers), "---:|" * len(anchors)))
        for o in others:
            L.append("| %s | %s | %s | %s | %s |" % (
                o["scenario"], o["figure"], o["better"], " | ".join(o[s] for s in servers),
                " | ".join(o["ratio_" + a] for a in anchors)))
        L.append("")
        L.append("How im-bench counts: *delivered msg/s* is the number of deliveries of the messages published inside "
                 "the measurement window that arrived before the end of the drain, divided by the window's length; "
                 "*published msg/s* is what the publishers managed to write during the window (a server that stops "
                 "reading holds them back through TCP flow control, QoS 1 also through the PUBACK window); *lost* "
                 "counts messages published in the window that had not arrived when the drain bound ended the run "
                 "(still queued in the server or in socket buffers, or dropped). Flat out with QoS 0 nothing but TCP "
                 "flow control holds the publishers back, so a server that accepts more than it can forward builds a "
                 "backlog, and messages of the window queue behind those of the warm-up. The fan-out target is counted by arrival instead (*deliveries/s arriving in the window*: every delivery that reached a subscriber during the window, whenever its message was sent): after a flat-out warm-up the publisher of a fan-out is held back by flow control while the server works through its backlog, so what the server forwards per second is what arrives, not what was published in the window.")
        L.append("")
    L.extend(im_section.section(res, run_dir, sys.modules[__name__], im_rows))
    L.append("## Per-round numbers")
    L.append("")
    L.append("Runs in the order they ran within each scenario: %s, ... The raw JSON "
             "line of every run is in `%s/results.jsonl` (one wrapper object per run, the tool's line under "
             "`result`), with each run's full output under `runs/` and the server logs under `logs/`; "
             "`im-bench/target/` is not committed." % (", ".join(names + names), run_rel))
    for t in raw_tables(res):
        L.append("")
        L.append(t)
    L.append("")
    notes = log_notes(run_dir)
    L.append("## Server log notes")
    L.append("")
    if notes:
        L.append("Warnings and errors the servers logged during the runs (Reef: after its start-up; Mosquitto's "
                 "warning about running as root left out%s), counted per server start:"
                 % ("; HiveMQ: its log's warnings and errors, start-up included" if "hivemq" in res.anchors() else ""))
        L.append("")
        L.append("| Server | Start | Count | Message |")
        L.append("|---|---|---:|---|")
        for server, phase, n, text in notes:
            L.append("| %s | %s | %d | %s |" % (server, phase, n, text.replace("|", "\\|")))
    else:
        L.append("%s logged a warning or an error during the runs."
                 % ("Neither server" if len(res.servers()) == 2 else "No server"))
    L.append("")
    L.append("## Parameters")
    L.append("")
    changed = [(n, d, param(n), dflt) for n, d, dflt in PARAMS if param(n) != dflt]
    if changed:
        L.append("**This run used non-default settings:** " + "; ".join(
            "%s = %s instead of %s (`COMPARE_%s`)" % (d, v, dflt, n) for n, d, v, dflt in changed) + ".")
        L.append("")
    fixed = fmt_int(int(param("FIXED_RATE")))
    W, D, DR = param("WARMUP"), param("DURATION"), param("DRAIN")
    L.append("Every scenario uses MQTT 3.1.1 on loopback TCP, anonymous clients, and im-bench's defaults for everything "
             "not listed (2 event-loop threads in the tool, QoS 1 window of 100 publications per publisher, keep-alive "
             "60 s). The same command line is used for %s; only `--port` (and `--pid`, `--client-id`) "
             "differ." % ("both servers" if len(servers) == 2 else "every server"))
    L.append("")
    L.append("| Scenario | im-bench command | Rounds |")
    L.append("|---|---|---:|")
    cmds = [
        ("pairs-q0", "pairs QoS 0 flat out", "pairs --pairs %s --size %s --qos 0 --rate 0 --warmup %s --duration %s "
         "--drain %s" % (param("PAIRS"), param("SIZE"), W, D, DR)),
        ("pairs-q1", "pairs QoS 1 flat out", "pairs --pairs %s --size %s --qos 1 --rate 0 --warmup %s --duration %s "
         "--drain %s" % (param("PAIRS"), param("SIZE"), W, D, DR)),
        ("pairs-q1-fixed", "pairs QoS 1 at %s msg/s" % fixed, "pairs --pairs %s --size %s --qos 1 --rate %s --warmup %s "
         "--duration %s --drain %s" % (param("PAIRS"), param("SIZE"), param("FIXED_RATE"), W, D, DR)),
        ("fanout-q0", "fanout QoS 0 flat out", "fanout --publishers 1 --subscribers %s --size %s --qos 0 --rate 0 "
         "--warmup %s --duration %s --drain %s" % (param("FANOUT_SUBS"), param("SIZE"), W, D, DR)),
        ("offline", "offline", "offline --messages %s --size %s --client-id bench-offline-<run>-<server>-<round>"
         % (param("OFFLINE_MSGS"), param("SIZE"))),
        ("connections", "connections", "connections --clients %s --rate %s --hold %s --pid <server pid>"
         % (param("CONN_CLIENTS"), param("CONN_RATE"), param("CONN_HOLD"))),
    ]
    for key, name, cmd in cmds:
        if key in res.keys():
            L.append("| %s | `%s` | %s |" % (name, cmd, " + ".join(str(len(res.of(key, s))) for s in servers)))
    L.append("")
    fresh = {"mosquitto": "then Mosquitto started (new persistence directory), measured, stopped; ",
             "hivemq": "then HiveMQ started (new data directory), measured, stopped; "}
    starts = {"reef": env("COMPARE_REEF_STARTS", "?"), "mosquitto": env("COMPARE_MOSQ_STARTS", "?"),
              "hivemq": env("COMPARE_HIVEMQ_STARTS", "?")}
    L.append("- **Order.** `connections` ran first, every round on a freshly started server: Reef started (new empty "
             "database), measured, stopped; %s"
             "and so on for each round, so resident-memory growth is measured on a server no earlier load had grown. "
             "Then %s servers were started fresh once and stayed up for the other scenarios, which ran scenario by "
             "scenario, each alternating %s, ... with %s s of pause between runs. "
             "%s%s in all."
             % ("".join(fresh[a] for a in anchors), "both" if len(servers) == 2 else "all three",
                ", ".join(names + names), param("SETTLE"),
                "Last, Reef alone was started fresh once more for the IM scenarios, %s rounds of "
                "each in a row. " % param("ROUNDS") if im_section.present(res) else "",
                listed(["%s was started %s times" % (NAMES[s], starts[s]) if i == 0 else "%s %s times" % (NAMES[s], starts[s])
                        for i, s in enumerate(servers)])))
    mq = param("MAX_QUEUED")
    bound = {"mosquitto": "Mosquitto `max_queued_messages %s`" % mq,
             "hivemq": "HiveMQ `<queued-messages><max-queue-size>%s</max-queue-size>`" % mq}
    window = {"mosquitto": "Mosquitto's `max_inflight_messages` is its default (20)",
              "hivemq": "HiveMQ's flow control is its default"}
    L.append("- **Queue bound.** %s queue at most %s messages per session: Reef `REEF_MQTT_MAX_QUEUED=%s`, "
             "%s (the offline scenario queues %s). Reef's inflight window is its default "
             "(`REEF_MQTT_MAX_INFLIGHT` 64); %s.%s"
             % ("Both servers" if len(servers) == 2 else "All servers", fmt_int(int(mq)), mq,
                listed([bound[a] for a in anchors]), fmt_int(int(param("OFFLINE_MSGS"))),
                listed([window[a] for a in anchors]),
                " HiveMQ's queue strategy is its default, `discard`: a new message for a full queue is dropped."
                if "hivemq" in anchors else ""))
    L.append("- **Reef** was started with the README's run command from the repository root, in its own process group: "
             "`REEF_MQTT_ALLOW_ANONYMOUS=true REEF_MQTT_PORT=<free> REEF_HTTP_PORT=<free> REEF_MANAGEMENT_PORT=<free> "
             "REEF_MQTT_WS_PORT=-1 REEF_MQTT_MAX_QUEUED=%s REEF_DATA_DIR=<fresh temporary directory> "
             "REEF_SEND_RATE=0 REEF_MQTT_CONNECT_RATE=0 REEF_MQTT_MAX_CONNECTIONS_PER_ADDRESS=0 "
             "REEF_MQTT_PERSISTENT_ANONYMOUS_SESSIONS=true REEF_PASSWORD_ITERATIONS=100000 %s` (no per-user send limit "
             "and no per-address connection-rate or connection-count limit, since all the load comes from one loopback "
             "address; persistent sessions for anonymous clients, which the offline scenario's client is, as the other "
             "servers keep them; the minimum password hashing only shortens the IM setup); "
             "ready when `GET /api/v1/health` answered 200; stopped with SIGTERM to the process group. Everything else "
             "is Reef's default (Netty I/O threads: twice the cores; embedded PostgreSQL). The benchmark topics "
             "(`bench/...`) are plain MQTT, routed by the broker in the resource adapter without entering the "
             "container." % (param("MAX_QUEUED"), env("COMPARE_REEF_COMMAND", "mvn -q -o -Prun")))
    for p in jvm_settings(run_dir):
        L.append("  - Server JVM " + p + ".")
    L.append("  - Memory per connection is the growth of the server JVM's resident memory (VmRSS, read by im-bench "
             "from `/proc/<pid>/status`) from before the first connection to the end of the hold, divided by the "
             "connections, each reading taken right after a full GC in the server (`connections --full-gc`: "
             "`jcmd <pid> GC.run`), so that garbage does not count; memory the JVM keeps committed after the GC "
             "still does.%s%s" % (" Mosquitto is read without one (it has no collector)." if "mosquitto" in anchors
                                   else "",
                                   " HiveMQ, a JVM too, is read exactly like Reef: `--full-gc` before each reading, "
                                   "with its own JDK's `jcmd`." if "hivemq" in anchors else ""))
    if "mosquitto" in anchors:
        mosquitto_params(L, run_dir)
    if "hivemq" in anchors:
        hivemq_params(L, run_dir)
    L.extend(jmh_section(run_dir))
    L.append("## Machine")
    L.append("")
    L.append("| | |")
    L.append("|---|---|")
    for k, v in machine():
        L.append("| %s | %s |" % (k, v))
    if "hivemq" in anchors:
        L.append("| Java (HiveMQ's JVM) | %s (`%s`) |" % (env("COMPARE_HIVEMQ_JAVA", "unknown"),
                                                       env("COMPARE_HIVEMQ_JAVA_HOME_USED", "?")))
    L.append("")
    L.append("## Versions")
    L.append("")
    L.append("| | |")
    L.append("|---|---|")
    for k, v in versions(root, run_dir, anchors):
        L.append("| %s | %s |" % (k, v))
    L.append("")
    L.append("## How to reproduce")
    L.append("")
    L.append("```sh")
    L.append("im-bench/compare.sh            # from any directory; about 30 minutes on 2 cores (7 of them the IM runs)")
    L.append("im-bench/compare.sh --help     # the settings, e.g. COMPARE_ROUNDS=5, COMPARE_DURATION=20")
    L.append("im-bench/profile.sh 20         # where Reef's CPU goes in 20 s of im-chat flat out (async-profiler, by "
             "component)")
    L.append("```")
    L.append("")
    needs = ["Java 17+", "Maven", "python3"]
    if "hivemq" in anchors:
        needs.append("a JDK 21+ for HiveMQ (the Temurin 25 JDK in `/usr/lib/jvm/` is found by itself; "
                     "`COMPARE_HIVEMQ_JAVA_HOME` names another; `COMPARE_BROKERS=mosquitto` leaves HiveMQ out)")
    if "mosquitto" in anchors:
        needs.append("Debian's apt (it installs the `mosquitto` package when `mosquitto` is missing)")
    L.append("It needs %s. It picks free loopback ports, so nothing else has to be stopped, but other load on the "
             "machine skews the figures. It rewrites this file and `%s`; a run's raw results stay in "
             "`im-bench/target/compare-<timestamp>/`." % (listed(needs), os.path.basename(svg_path)))
    L.append("")
    with open(doc_path, "w", encoding="utf-8") as f:
        f.write("\n".join(L))


def mosquitto_params(L, run_dir):
    conf = read(os.path.join(run_dir, "mosquitto.conf")).strip()
    L.append("- **Mosquitto** ran in the foreground as a background job of the script, with this generated config "
             "(port and directory per run; `user` keeps it from switching to the `mosquitto` user, who could not write "
             "the temporary persistence directory; logging limited to errors and warnings, so %s connection "
             "notices are not written out during the runs). Its persistence writes the in-memory state to "
             "`mosquitto.db` at its autosave interval and on shutdown; queued messages live in memory meanwhile."
             % fmt_int(int(param("CONN_CLIENTS"))))
    L.append("")
    L.append("```")
    L.append(conf)
    L.append("```")
    L.append("")


def hivemq_params(L, run_dir):
    conf = read(os.path.join(run_dir, "hivemq-config.xml")).strip()
    cmd = env("COMPARE_HIVEMQ_COMMAND", "")
    heap = [a for a in [l for l in read(os.path.join(run_dir, "hivemq-jvm-cmdline.txt")).splitlines() if l]
            if re.match(r"-Xm[sx]", a)]
    L.append("- **HiveMQ CE** %s ran embedded (`com.hivemq:hivemq-community-edition-embedded` from Maven Central) in a "
             "JVM of its own, started by the launcher in `im-bench/hivemq/` (a small Maven project outside the main "
             "build, compiled for Java 21 and run on the JDK named under [Machine](#machine); Reef's server runs on "
             "the machine's default `java`, so the two JVMs may differ in version): `%s`. Why HiveMQ: Mosquitto is "
             "single-threaded, so on 2 cores Reef's lead over it says little about Reef's own design; HiveMQ CE is a "
             "multi-threaded broker on the JVM and Netty, like Reef's, and so the stronger anchor (issue 11). For "
             "each start the launcher writes the config below and a `logback.xml` (INFO to the console) into a fresh "
             "temporary directory, with HiveMQ's data folder beside them (HiveMQ's default file persistence: "
             "sessions and queued messages on disk), and starts the broker; no extension is installed, so HiveMQ CE "
             "admits anonymous clients (it logs that its default authentication behaviour is to allow all). Ready "
             "when the launcher reported the start and the port accepted a connection; stopped with SIGTERM, which "
             "the launcher turns into HiveMQ's own orderly shutdown." % (env("COMPARE_HIVEMQ_VERSION", "?"), cmd))
    L.append("  - Heap: %s, the bounds Reef's server JVM ran with (read from Reef's running JVM; they come from "
             "WildFly's `bin/standalone.conf`), so that neither JVM broker has more memory to work with. HiveMQ's own "
             "start script sets no heap bound (the JVM would then take a quarter of the machine's memory) and its "
             "documentation names no minimum; 512 MiB held 15 000 idle connections in a trial on this machine."
             % (" ".join("`%s`" % a for a in heap) if heap else "as Reef's"))
    L.append("  - The other JVM options are those of HiveMQ's own start script (`bin/run.sh`: the IPv4 stack, the "
             "`--add-opens`/`--add-exports` its libraries need, a crash on OutOfMemoryError) without its remote JMX "
             "port, plus `--enable-native-access=ALL-UNNAMED` and, on Java 24 and later, "
             "`--sun-misc-unsafe-memory-access=allow`, which only keep the JVM from warning about HiveMQ's libraries.")
    for p in jvm_settings(run_dir, "hivemq"):
        L.append("  - HiveMQ's JVM " + p + ".")
    L.append("")
    L.append("```xml")
    L.append(conf)
    L.append("```")
    L.append("")


def load_params(run_dir):
    """compare.sh leaves its settings in params.env, so a run directory can be reported again later."""
    for line in read(os.path.join(run_dir, "params.env")).splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            os.environ.setdefault(k.strip(), v.strip())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", required=True)
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--doc", required=True)
    ap.add_argument("--svg", required=True)
    a = ap.parse_args()
    load_params(a.run_dir)
    res = Results(os.path.join(a.run_dir, "results.jsonl"))
    rows = target_rows(res)
    im_rows = im_section.target_rows(res, sys.modules[__name__])
    others = other_rows(res)
    curves = latency_svg(res, a.svg + ".tmp")
    document(a.root, a.run_dir, res, rows, im_rows, others, curves, a.doc + ".tmp", a.svg)
    os.replace(a.svg + ".tmp", a.svg)
    os.replace(a.doc + ".tmp", a.doc)
    summary = os.path.join(a.run_dir, "summary.txt")
    with open(summary, "w", encoding="utf-8") as f:
        for r in rows + im_rows:
            f.write("%-45s %-50s %s target %-18s %s\n" % (
                r["scenario"], r["figure"], " ".join("%s %-12s" % (s, r.get(s, "n/a")) for s in res.servers()),
                r["target"], verdict(r, "met", "MISSED", "INCONCLUSIVE")))
    sys.stdout.write(read(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
