package org.reef.bench;

/** Entry point of the load tool; the scenarios come with the benchmark issue. */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) {
        System.err.println("usage: java -jar im-bench.jar SCENARIO [options]");
        System.exit(2);
    }
}
