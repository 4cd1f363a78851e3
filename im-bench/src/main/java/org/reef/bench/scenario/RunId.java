package org.reef.bench.scenario;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A short random id per run, in client ids and default topics, so two runs against one server (or a run and
 * the leftovers of an aborted one) never share a client id or a topic.
 */
final class RunId {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RunId() {
    }

    static String next() {
        byte[] bytes = new byte[3];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
