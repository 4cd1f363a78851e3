#!/usr/bin/env python3
"""Where a JVM's CPU went: python3 cpu_split.py PROFILE [--top N]

PROFILE is async-profiler's collapsed stacks (`-o collapsed`: one line per stack, root first, then its count of CPU
samples) or a Java Flight Recorder file (*.jfr: its jdk.ExecutionSample events, read with the JDK's `jfr` tool).
Each sample is attributed to the component that was running: its innermost frame outside the JDK (java., javax.,
jdk., sun., com.sun.), so that a HashMap lookup made by Hibernate counts as Hibernate and a socket write made by the
PostgreSQL driver as the driver; samples in the JVM itself (garbage collector, JIT compiler) or the kernel with no
Java frame are counted apart. Prints the split by component, then the methods most often on top of the stack (self
time). Standard library only.
"""
import argparse
import collections
import json
import subprocess
import sys

JDK = ("java.", "javax.", "jdk.", "sun.", "com.sun.")

# (package prefix, component); the first that matches wins
COMPONENTS = [
    ("org.hibernate.", "Hibernate (JPA)"),
    ("org.postgresql.", "PostgreSQL JDBC driver"),
    ("com.arjuna.", "transactions (Narayana)"),
    ("org.jboss.tm.", "transactions (Narayana)"),
    ("org.jboss.narayana.", "transactions (Narayana)"),
    ("org.wildfly.transaction.", "transactions (Narayana)"),
    ("org.jboss.jca.adapters.jdbc.", "JCA: datasource pool and wrappers"),
    ("org.jboss.jca.", "JCA: pool, work manager, inflow"),
    ("org.jboss.as.connector.", "JCA: pool, work manager, inflow"),
    ("org.jboss.as.ejb3.", "EJB container and interceptors"),
    ("org.jboss.ejb.", "EJB container and interceptors"),
    ("org.jboss.invocation.", "EJB container and interceptors"),
    ("org.jboss.as.ee.", "EJB container and interceptors"),
    ("org.wildfly.security.", "EJB container and interceptors"),
    ("org.jboss.weld.", "CDI (Weld)"),
    ("io.netty.", "Netty (network I/O)"),
    ("org.reef.mqtt.", "Reef broker (resource adapter)"),
    ("org.reef.im.", "Reef IM (EJB module)"),
    ("org.reef.", "Reef (other)"),
    ("org.eclipse.parsson.", "JSON (Parsson)"),
    ("org.glassfish.json.", "JSON (Parsson)"),
    ("jakarta.json.", "JSON (Parsson)"),
    ("org.jboss.logmanager.", "logging"),
    ("org.jboss.logging.", "logging"),
    ("io.micrometer.", "metrics"),
    ("io.smallrye.", "MicroProfile (SmallRye)"),
    ("io.undertow.", "HTTP (Undertow, RESTEasy)"),
    ("org.jboss.resteasy.", "HTTP (Undertow, RESTEasy)"),
    ("org.jboss.threads.", "JBoss threads"),
    ("org.jboss.modules.", "JBoss Modules"),
]


def component(type_name):
    for prefix, name in COMPONENTS:
        if type_name.startswith(prefix):
            return name
    return "other: " + ".".join(type_name.split(".")[:3])


def frame_name(frame):
    method = frame.get("method") or {}
    return (method.get("type") or {}).get("name", "?").replace("/", "."), method.get("name", "?")


def collapsed(path):
    """(frames innermost first as (type, method), count) from async-profiler's collapsed output."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or " " not in line:
                continue
            stack, count = line.rsplit(" ", 1)
            frames = []
            for frame in reversed(stack.split(";")):
                frame = frame.replace("/", ".")
                if frame.endswith("_[j]") or frame.endswith("_[i]") or frame.endswith("_[0]"):
                    frame = frame[:-4]  # compiled, inlined, interpreted markers
                if "." in frame and not frame.startswith("[") and " " not in frame and "(" not in frame:
                    type_name, _, method = frame.rpartition(".")
                    frames.append((type_name, method))
                else:
                    frames.append((None, frame))  # native: JVM, libc, kernel
            yield frames, int(count)


def jfr_samples(path):
    """The same from a JFR recording's execution samples, one count each."""
    out = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", path], check=True,
                         capture_output=True, text=True).stdout
    for event in json.loads(out)["recording"]["events"]:
        trace = event["values"].get("stackTrace") or {}
        yield [frame_name(f) for f in trace.get("frames") or []], 1


def native_kind(frames):
    """What a sample without Java frames was doing, by its innermost native frame's name."""
    names = " ".join(name for _, name in frames)
    if any(w in names for w in ("GC", "G1", "Parallel", "Copy", "Mark", "Evacuat", "Refine")):
        return "JVM: garbage collector"
    if any(w in names for w in ("Compile", "C2", "C1", "JIT")):
        return "JVM: JIT compiler"
    return "JVM, libc or kernel (no Java frame)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recording")
    parser.add_argument("--top", type=int, default=25)
    a = parser.parse_args()
    by_component = collections.Counter()
    by_self = collections.Counter()
    total = 0
    source = jfr_samples(a.recording) if a.recording.endswith(".jfr") else collapsed(a.recording)
    for frames, count in source:
        if not frames:
            continue
        total += count
        java = [(t, m) for t, m in frames if t is not None]
        top = java[0] if java else None
        by_self[("%s.%s" % top) if top and top == frames[0] else (frames[0][1] if not top else
                                                                   "%s.%s (in native code)" % top)] += count
        if not java:
            by_component[native_kind(frames)] += count
            continue
        owner = next((t for t, _ in java if not t.startswith(JDK)), None)
        by_component[component(owner) if owner else "JDK only (stack outside any library)"] += count
    if not total:
        print("no execution samples in %s" % a.recording)
        return 1
    print("\n%d CPU samples\n\n| Component | share of samples |\n|---|---:|" % total)
    for name, n in by_component.most_common():
        print("| %s | %.1f %% |" % (name, 100.0 * n / total))
    print("\n| Method on top of the stack (self) | share |\n|---|---:|")
    for name, n in by_self.most_common(a.top):
        print("| `%s` | %.1f %% |" % (name, 100.0 * n / total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
