#!/usr/bin/env python3
"""Tests of report.py on made-up results (standard library only): python3 im-bench/compare/test_report.py

Checks the document's shape with the anchors a run can have: Mosquitto alone (the document reads as it did before
HiveMQ was added), and Mosquitto plus HiveMQ CE (HiveMQ in every plain-MQTT table, issue 11's targets against it).
The figures are invented; nothing here measures anything.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def pairs(rate, p99, published=None):
    lat = {"count": 100, "p50": p99 // 2, "p90": p99 * 3 // 4, "p99": p99, "max": p99 * 2}
    return {"messagesPerSecond": rate, "publishedPerSecond": published or rate, "arrivalsPerSecond": rate,
            "published": 1000, "sent": 1000, "lost": 0, "duplicates": 0, "outOfOrder": 0, "latencyMicros": lat,
            "pacingLagMicros": {"count": 100, "p50": 10, "p90": 20, "p99": 30, "max": 40}}


def connections(per_connection):
    return {"clients": 500, "connected": 500, "failed": 0, "dropped": 0, "bytesPerConnection": per_connection,
            "connectsPerSecond": 400, "connectLatencyMicros": {"p99": 5000}, "rssBeforeKb": 1000,
            "rssAfterKb": 1000 + per_connection * 500 // 1024}


def offline(rate):
    return {"messages": 500, "published": 500, "received": 500, "missing": 0, "inOrder": True, "duplicates": 0,
            "publishFailures": 0, "messagesPerSecond": rate, "publishSeconds": 0.1, "drainSeconds": 0.05}


# server -> (pairs-q1 msg/s, p99 µs at the fixed rate, bytes per connection, offline drain msg/s)
FIGURES = {"reef": (90000, 5000, 7000, 60000), "mosquitto": (40000, 4000, 700, 80000),
           "hivemq": (50000, 6000, 9000, 30000)}


def stalled():
    """A flat-out QoS 1 run in which the server acknowledged nothing of the measurement window."""
    j = pairs(0, 200000)
    j.update(published=0, publishedPerSecond=0, sent=5000)
    return j


def write_run(run_dir, servers, replace=None):
    with open(os.path.join(run_dir, "results.jsonl"), "w") as f:
        for key, make in (("pairs-q1", lambda v: pairs(v[0], 200000)), ("pairs-q1-fixed", lambda v: pairs(4000, v[1])),
                          ("connections", lambda v: connections(v[2])), ("offline", lambda v: offline(v[3]))):
            for s in servers:
                result = (replace or {}).get((key, s)) or make(FIGURES[s])
                f.write(json.dumps({"key": key, "server": s, "round": 1, "exit": 1 if "error" in result else 0,
                                    "seconds": 1,
                                    "result": result}) + "\n")
    with open(os.path.join(run_dir, "params.env"), "w") as f:
        f.write("COMPARE_ROUNDS_USED=1\nCOMPARE_CONN_CLIENTS_USED=500\nCOMPARE_OFFLINE_MSGS_USED=500\n"
                "COMPARE_HIVEMQ_VERSION=2025.5\nCOMPARE_HIVEMQ_COMMAND=java -Xmx512m -jar reef-hivemq.jar\n")
    with open(os.path.join(run_dir, "hivemq-config.xml"), "w") as f:
        f.write("<hivemq><mqtt><queued-messages><max-queue-size>20000</max-queue-size></queued-messages></mqtt></hivemq>")
    os.makedirs(os.path.join(run_dir, "logs"))
    if "hivemq" not in servers:
        return
    with open(os.path.join(run_dir, "logs", "hivemq-flows.log"), "w") as f:
        f.write("2026-12-05 12:00:00.000 INFO  [HiveMQ] Started\n"
                "2026-12-05 12:00:01.000 WARN  [ClientQueue] queue full for bench-offline-123\n")


def report(servers, replace=None):
    run_dir = tempfile.mkdtemp(prefix="report-test-")
    write_run(run_dir, servers, replace)
    doc, svg = os.path.join(run_dir, "doc.md"), os.path.join(run_dir, "plot.svg")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPARE_")}
    subprocess.run([sys.executable, os.path.join(HERE, "report.py"), "--root", ROOT, "--run-dir", run_dir,
                    "--doc", doc, "--svg", svg], check=True, env=env, stdout=subprocess.DEVNULL)
    with open(doc, encoding="utf-8") as f, open(svg, encoding="utf-8") as g:
        return f.read(), g.read()


def table_lines(doc, heading):
    """The lines of the first table after the heading."""
    part = doc.split(heading, 1)[1]
    lines = [l for l in part.splitlines() if l.startswith("|")]
    out = []
    for l in part.splitlines()[part.splitlines().index(lines[0]):]:
        if not l.startswith("|"):
            break
        out.append(l)
    return out


class MosquittoAlone(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc, cls.svg = report(["reef", "mosquitto"])

    def test_reads_as_before(self):
        self.assertIn("# Benchmarks: Reef versus Mosquitto\n", self.doc)
        self.assertIn("| Scenario | Figure | Better | Reef | Mosquitto | Reef / Mosquitto | Target | Verdict |\n"
                      "|---|---|---|---:|---:|---:|---|---|\n", self.doc)
        self.assertIn("Both servers ran on the same machine", self.doc)
        self.assertIn("The ratio is Reef / Mosquitto;", self.doc)
        self.assertIn("| ≥ 2.00× | met |", self.doc)
        # (the Versions table quotes the last commit's subject, which may name anything)
        self.assertNotIn("HiveMQ", self.doc.split("## Versions")[0])
        self.assertNotIn("HiveMQ", self.svg)


class WithHiveMq(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc, cls.svg = report(["reef", "mosquitto", "hivemq"])

    def test_title_and_columns(self):
        self.assertIn("# Benchmarks: Reef versus Mosquitto and HiveMQ CE\n", self.doc)
        self.assertIn("| Scenario | Figure | Better | Reef | Mosquitto | HiveMQ | Reef / Mosquitto | Reef / HiveMQ "
                      "| Target | Verdict |", self.doc)

    def test_targets_against_hivemq(self):
        results = table_lines(self.doc, "## Results")
        # pairs QoS 1 flat out: 90 000 / 50 000 = 1.80x >= 1.5x
        self.assertTrue(any("QoS 1, flat out" in l and "≥ 1.50× HiveMQ | met |" in l and "1.80×" in l for l in results))
        self.assertTrue(any("QoS 1, flat out" in l and "≥ 2.00× Mosquitto | met |" in l for l in results))
        # p99 at the fixed rate: 5.00 ms against HiveMQ's 6.00 (met) and Mosquitto's 4.00 (missed)
        self.assertTrue(any("p99 latency" in l and "≤ 1.00× HiveMQ | met |" in l for l in results))
        self.assertTrue(any("p99 latency" in l and "≤ 1.00× Mosquitto | **missed** |" in l for l in results))
        # memory per connection: 7 000 against HiveMQ's 9 000 (met); the absolute 8 KiB target stays
        self.assertTrue(any("memory per connection" in l and "≤ 1.00× HiveMQ | met |" in l for l in results))
        self.assertTrue(any("memory per connection" in l and "Reef ≤ 8 192 B | met |" in l for l in results))
        self.assertEqual(results[1], "|---|---|---|---:|---:|---:|---:|---:|---|---|")
        # every row has a HiveMQ value: 10 columns plus the outer bars
        for l in results[2:]:
            self.assertEqual(l.count("|"), 11, l)

    def test_counts(self):
        # 2 pairs-q1 + 2 p99 + held + 2 memory + offline complete + offline drain (Mosquitto) = 9 targets
        self.assertIn("**Targets: 7 of 9 met.", self.doc)

    def test_other_and_per_round_tables_and_plot(self):
        self.assertIn("| Scenario | Figure | Better | Reef | Mosquitto | HiveMQ | Reef / Mosquitto | Reef / HiveMQ |",
                      self.doc)
        self.assertIn("| pairs QoS 1, flat out | 1 | HiveMQ |", self.doc)
        self.assertIn("| | 1 | HiveMQ | 500 |", self.doc)
        self.assertIn("Reef, Mosquitto, HiveMQ, Reef, Mosquitto, HiveMQ, ...", self.doc)
        self.assertIn("HiveMQ p50", self.doc)
        self.assertIn(">HiveMQ</text>", self.svg)

    def test_method(self):
        self.assertIn("- **HiveMQ CE** 2025.5 ran embedded", self.doc)
        self.assertIn("<max-queue-size>20000</max-queue-size>", self.doc)
        self.assertIn("| HiveMQ | flows | 1 | WARN [ClientQueue] queue full for bench-offline-... |", self.doc)


class HiveMqStalled(unittest.TestCase):
    def test_no_delivery_in_the_window_is_inconclusive(self):
        doc, _ = report(["reef", "mosquitto", "hivemq"], {("pairs-q1", "hivemq"): stalled()})
        self.assertIn("| ≥ 1.50× HiveMQ | **inconclusive** |", doc)
        self.assertIn("HiveMQ's publishers could not publish a single message", doc)
        self.assertIn("| ≥ 2.00× Mosquitto | met |", doc)


class HiveMqFailed(unittest.TestCase):
    def test_a_run_that_reports_only_its_error_is_listed_as_failed(self):
        failed = {"scenario": "pairs", "error": "50 of 200 subscribers could not connect"}
        doc, _ = report(["reef", "mosquitto", "hivemq"], {("pairs-q1", "hivemq"): failed})
        self.assertIn("pairs-q1 HiveMQ round 1 (exit 1: 50 of 200 subscribers could not connect)", doc)
        self.assertIn("| ≥ 2.00× Mosquitto | met |", doc)


if __name__ == "__main__":
    unittest.main()
