"""The "IM scenarios (Reef only)" part of docs/benchmarks.md (standard library only; used by report.py).

im-chat flat out, im-chat at a fixed rate and im-group run against Reef alone: Mosquitto has no IM protocol, so
their figures stand on their own, against absolute targets. The functions take `R`, report.py's module, for its
results, parameters and number formats.
"""
import os

KEYS = ("im-chat", "im-chat-fixed", "im-group")

# Settings compare.sh passes for the IM runs, their descriptions and defaults (report.py's PARAMS adds them).
IM_PARAMS = [
    ("IM_WARMUP", "unmeasured im-chat flat-out run before the IM rounds (server JIT warm-up), s", "60"),
    ("IM_PAIRS", "im-chat pairs", "100"),
    ("IM_FIXED_RATE", "fixed total rate of the im-chat latency run, msg/s", "5000"),
    ("IM_MEMBERS", "im-group members", "500"),
    ("IM_GROUP_RATE", "im-group messages sent per second", "10"),
    ("IM_SETUP_TIMEOUT", "bound on an IM run's setup, s", "600"),
]

TARGET_RATE = 10000        # im-chat flat out: delivered msg/s, at least
TARGET_P99_MICROS = 50000  # im-chat at the fixed rate: p99 below 50 ms

# What EmbeddedDatabase.start (wildfly-config) sets, for when the live values could not be read.
PG_LAUNCHER = [("synchronous_commit", "on (set by the launcher; zonky's own default is off)"),
               ("max_connections", "200 (set by the launcher; zonky's own default is 300)"),
               ("fsync", "on (set by the launcher; zonky's own default is off)"),
               ("shared_buffers", "128MB (PostgreSQL's default, unless initdb chose less)")]


def present(res):
    return any(k in res.keys() for k in KEYS)


def all_delivered(j):
    return j["expected"] > 0 and j["lost"] == 0 and j["delivered"] == j["expected"]


def _chat(R):
    return "im-chat %s pairs × %s-character bodies, QoS 1" % (R.param("IM_PAIRS"), R.param("SIZE"))


def _group(R):
    return "im-group 1 sender → %s members, %s msg/s" % (R.param("IM_MEMBERS"), R.param("IM_GROUP_RATE"))


def target_rows(res, R):
    """The IM targets, as rows shaped like report.py's (mosquitto and ratio left empty)."""
    rows = []

    def row(scenario, figure, better, value, target, ok, miss):
        rows.append(dict(scenario=scenario, figure=figure, better=better, reef=value, mosquitto="n/a", ratio="",
                         target=target, ok=ok, miss=miss))

    if "im-chat" in res.keys():
        v = res.median("im-chat", "reef", lambda j: j["messagesPerSecond"])
        s = _chat(R) + ", flat out"
        row(s, "delivered msg/s, every message stored before PUBACK", "higher", R.fmt_int(v),
            "≥ %s" % R.fmt_int(TARGET_RATE), v is not None and v >= TARGET_RATE,
            "%s: Reef delivers %s msg/s (target at least %s)." % (s, R.fmt_int(v), R.fmt_int(TARGET_RATE)))
    if "im-chat-fixed" in res.keys():
        v = res.median("im-chat-fixed", "reef", R.lat("p99"))
        s = "%s, %s msg/s" % (_chat(R), R.fmt_int(int(R.param("IM_FIXED_RATE"))))
        row(s, "p99 latency, ms", "lower", R.fmt_ms(v), "< %s" % R.fmt_ms(TARGET_P99_MICROS),
            v is not None and v < TARGET_P99_MICROS,
            "%s: Reef's p99 latency is %s ms (target below %s ms)." % (s, R.fmt_ms(v), R.fmt_ms(TARGET_P99_MICROS)))
    if "im-group" in res.keys():
        runs = res.of("im-group", "reef")
        vals = [r["result"] for r in runs if r["result"] is not None and "error" not in r["result"]]
        good = sum(1 for j in vals if all_delivered(j))
        s = _group(R)
        worst = min(vals, key=lambda j: j["delivered"] - j["expected"], default=None)
        row(s, "every member device got every message (rounds)", "all", "%d of %d" % (good, len(runs)),
            "every round", bool(runs) and good == len(runs),
            "%s: every delivery arrived in %d of %d rounds%s." % (s, good, len(runs), "" if worst is None else
                                                                  " (worst: %s of %s delivered, %s lost)" % (
                R.fmt_int(worst["delivered"]), R.fmt_int(worst["expected"]), R.fmt_int(worst["lost"]))))
    return rows


def _figures(res, R):
    """(scenario, figure, median) rows without a target."""
    out = []

    def fig(key, scenario, figure, getter, fmt):
        if key in res.keys():
            out.append((scenario, figure, fmt(res.median(key, "reef", getter))))

    chat = "im-chat, flat out"
    fixed = "im-chat, %s msg/s" % R.fmt_int(int(R.param("IM_FIXED_RATE")))
    group = "im-group"
    for p in ("p50", "p99", "max"):
        fig("im-chat", chat, "%s latency, ms" % p, R.lat(p), R.fmt_ms)
    fig("im-chat", chat, "published msg/s (PUBACKed in the window)", lambda j: j["publishedPerSecond"], R.fmt_int)
    fig("im-chat-fixed", fixed, "delivered msg/s", lambda j: j["messagesPerSecond"], R.fmt_int)
    for p in ("p50", "p90", "max"):
        fig("im-chat-fixed", fixed, "%s latency, ms" % p, R.lat(p), R.fmt_ms)
    fig("im-chat-fixed", fixed, "pacing lag p99 of the load tool, ms", lambda j: j["pacingLagMicros"]["p99"], R.fmt_ms)
    fig("im-group", group, "delivered msg/s (deliveries to member devices)", lambda j: j["messagesPerSecond"],
        R.fmt_int)
    for p in ("p50", "p99", "max"):
        fig("im-group", group, "%s latency, ms" % p, R.lat(p), R.fmt_ms)
    for key, s in (("im-chat", chat), ("im-chat-fixed", fixed), ("im-group", group)):
        fig(key, s, "lost", lambda j: j["lost"], R.fmt_int)
        fig(key, s, "error events (refused sends)", lambda j: j["errorEvents"], R.fmt_int)
        fig(key, s, "setup: accounts, tokens%s, s (not measured)" % (", group" if key == "im-group" else ""),
            lambda j: j["setupSeconds"], lambda x: R.fmt_num(x, 1))
    return out


def _rounds_table(res, R):
    lines = ["| Scenario | Round | published msg/s | delivered msg/s | expected | delivered | lost | dup | errors "
             "| seq order | p50 ms | p99 ms | max ms | setup s | run |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---|"]
    titles = {"im-chat": "im-chat, flat out",
              "im-chat-fixed": "im-chat, %s msg/s" % R.fmt_int(int(R.param("IM_FIXED_RATE"))),
              "im-group": "im-group"}
    for key in KEYS:
        for r in res.of(key, "reef"):
            j = r["result"]
            status = "ok" if r["exit"] == 0 and j is not None else "exit %d" % r["exit"]
            if j is None:
                lines.append("| %s | %d | | | | | | | | | | | | | %s |" % (titles[key], r["round"], status))
                continue
            if j.get("error"):
                lines.append("| %s | %d | | | | | | | | | | | | | failed: %s |" % (
                    titles[key], r["round"], j["error"].replace("|", "\\|")[:160]))
                continue
            errors = ", ".join("%s %d" % kv for kv in sorted(j["errors"].items())) or "0"
            order = "yes" if j["inConversationOrder"] else "**%d out of order, %d missing**" % (
                j["conversationOutOfOrder"], j["conversationGaps"])
            lines.append("| %s | %d | %s | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
                titles[key], r["round"], R.fmt_int(j["publishedPerSecond"]), R.fmt_int(j["messagesPerSecond"]),
                R.fmt_int(j["expected"]), R.fmt_int(j["delivered"]), R.fmt_int(j["lost"]), j["duplicates"], errors,
                order, R.fmt_ms(j["latencyMicros"]["p50"]), R.fmt_ms(j["latencyMicros"]["p99"]),
                R.fmt_ms(j["latencyMicros"]["max"]), R.fmt_num(j["setupSeconds"], 1), status))
    return "\n".join(lines)


def postgres_settings(run_dir, R):
    """The embedded PostgreSQL's settings as compare.sh read them (SHOW), or None."""
    values = []
    for line in R.read(os.path.join(run_dir, "postgres-settings.txt")).splitlines():
        if "=" in line:
            values.append(tuple(line.split("=", 1)))
    return values or None


def section(res, run_dir, R, rows):
    """The section's Markdown lines; empty when no IM scenario ran."""
    if not present(res):
        return []
    rounds = max((len(res.of(k, "reef")) for k in KEYS), default=0)
    L = ["## IM scenarios (Reef only)", ""]
    L.append("Reef's own protocol (docs/protocol.md): users registered and logged in over HTTP, each device signed in "
             "with its user's token, every message published to `im/send` at QoS 1 with a `clientMsgId`, stored in "
             "PostgreSQL before its PUBACK, and delivered to the recipients' devices on their inboxes. Mosquitto has "
             "nothing to compare with, so these figures are absolute, medians over %d round%s on a Reef started "
             "fresh for them (a new embedded database). Registering and logging in the accounts, and creating the "
             "group, come before the measurement and are timed apart (*setup*); so is the wait for what the server "
             "hands new devices on subscription (a new group's system messages, copies of an earlier round's own "
             "messages), which ends before publishing starts. Before the first round, one unmeasured im-chat run "
             "flat out for %s s warms the fresh server up (WildFly's JIT compilers are still busy for a minute or "
             "more after a start, on these 2 cores). Where the send path's CPU goes, per message, before and after "
             "the changes of issue 11, with longer runs: [send-path-profile.md](send-path-profile.md)."
             % (rounds, "" if rounds == 1 else "s", R.param("IM_WARMUP")))
    L.append("")
    L.append("| Scenario | Figure | Reef | Target | Verdict |")
    L.append("|---|---|---:|---|---|")
    for r in rows:
        L.append("| %s | %s | %s | %s | %s |" % (r["scenario"], r["figure"], r["reef"], r["target"],
                                                 "met" if r["ok"] else "**missed**"))
    L.append("")
    figures = _figures(res, R)
    if figures:
        L.append("| Scenario | Figure (no target) | Reef |")
        L.append("|---|---|---:|")
        for f in figures:
            L.append("| %s | %s | %s |" % f)
        L.append("")
    L.append("How the IM runs count: the text body of every message carries its send time (at a fixed rate, the time "
             "it was due) and its number, so latency runs from there to the arrival of the message event at the "
             "receiving device, both in the load tool. A message counts as published when it was sent inside the "
             "measurement window and PUBACKed (stored) before the window ended without an error event; *lost* are "
             "published messages that had not reached a device they were owed to by the end of the drain; "
             "duplicates are counted by sender and `clientMsgId`; *seq order* checks that every device saw each "
             "conversation's seqs rise without gaps. In im-group every message is owed to all %s member devices, "
             "the sender's receiving device included (the sender publishes from a second device of its own), so its "
             "msg/s are deliveries." % R.param("IM_MEMBERS"))
    L.append("")
    L.append(_rounds_table(res, R))
    L.append("")
    L.append("### Server and database settings of the IM runs")
    L.append("")
    L.append("Reef was started as for the other scenarios (see [Parameters](#parameters)), with `REEF_SEND_RATE=0` "
             "and `REEF_MQTT_CONNECT_RATE=0`: all the load comes from one loopback address and a few hundred accounts, "
             "which the per-user send limit (default 20 msg/s, bursts of 50) and the per-address connection-rate "
             "limit (default 50/s, bursts of 200) exist to hold back, so with them on the runs would measure the "
             "limits (im-chat flat out asks each of the %s senders for about 100 msg/s; im-group opens %s "
             "connections at once). `REEF_PASSWORD_ITERATIONS=100000`, the server's minimum, shortens the setup "
             "(registration and login each hash a password on purpose); no measurement includes it. Everything else "
             "is Reef's default, the database included: the embedded PostgreSQL that `mvn -Prun` starts (zonky's "
             "binaries, data in a fresh directory, loopback only)." % (R.param("IM_PAIRS"),
                                                                     R.fmt_int(int(R.param("IM_MEMBERS")) + 1)))
    L.append("")
    live = postgres_settings(run_dir, R)
    if live:
        L.append("PostgreSQL as it ran (`SHOW`, read by compare.sh over PostgreSQL's wire protocol):")
        L.append("")
        L.append("| Setting | Value |")
        L.append("|---|---|")
        for name, value in live:
            L.append("| `%s` | %s |" % (name, value))
    else:
        L.append("The live PostgreSQL settings could not be read in this run; by the launcher "
                 "(`wildfly-config/src/main/java/org/reef/server/EmbeddedDatabase.java`) they are:")
        L.append("")
        L.append("| Setting | Value |")
        L.append("|---|---|")
        for name, value in PG_LAUNCHER:
            L.append("| `%s` | %s |" % (name, value))
    L.append("")
    L.append("With `synchronous_commit` and `fsync` on, a PUBACK means the message's commit is flushed to the "
             "write-ahead log on disk, not only written to PostgreSQL's buffers.")
    L.append("")
    L.append("| IM run | im-bench command (plus `--port`, `--http-port`, `--setup-timeout`) | Rounds |")
    L.append("|---|---|---:|")
    timing = "--warmup %s --duration %s --drain %s" % (R.param("WARMUP"), R.param("DURATION"), R.param("DRAIN"))
    cmds = [("im-chat", "im-chat flat out", "im-chat --user-prefix cmp-chat --pairs %s --size %s --rate 0 %s"
             % (R.param("IM_PAIRS"), R.param("SIZE"), timing)),
            ("im-chat-fixed", "im-chat at %s msg/s" % R.fmt_int(int(R.param("IM_FIXED_RATE"))),
             "im-chat --user-prefix cmp-chat --pairs %s --size %s --rate %s %s"
             % (R.param("IM_PAIRS"), R.param("SIZE"), R.param("IM_FIXED_RATE"), timing)),
            ("im-group", "im-group", "im-group --user-prefix cmp-group --members %s --senders 1 --size %s --rate %s %s"
             % (R.param("IM_MEMBERS"), R.param("SIZE"), R.param("IM_GROUP_RATE"), timing))]
    for key, name, cmd in cmds:
        if key in res.keys():
            L.append("| %s | `%s` | %d |" % (name, cmd, len(res.of(key, "reef"))))
    L.append("")
    L.append("The accounts (`cmp-chat-a0`..., `cmp-group-m0`...) and the group are created in the first round and "
             "reused by the next ones, which only log in again; each round uses new device client ids and clean "
             "sessions. im-bench's other defaults apply: 2 event-loop threads, MQTT 3.1.1, an in-flight window of 32 "
             "sends per sender (below Reef's `REEF_MQTT_MAX_INFLIGHT` of 64, beyond which Reef closes an MQTT 3.1.1 "
             "connection).")
    L.append("")
    return L
