package org.reef.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the resident set size of a process (the server under test) from {@code /proc/<pid>/status}. Resident
 * memory, not heap: it is what the machine pays for a connection, including Netty's direct buffers and thread
 * stacks. Linux only; the connections scenario asks for it only when given {@code --pid}.
 */
public final class ResidentMemory {

    private static final Pattern VM_RSS = Pattern.compile("^VmRSS:\\s+(\\d+)\\s+kB\\s*$", Pattern.MULTILINE);

    private ResidentMemory() {
    }

    /** @throws IOException when there is no such process or its status cannot be read */
    public static long kilobytesOf(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        return parseKilobytes(Files.readString(status));
    }

    /** The VmRSS figure of a status file's text. */
    public static long parseKilobytes(String statusText) throws IOException {
        Matcher matcher = VM_RSS.matcher(statusText);
        if (!matcher.find()) {
            throw new IOException("no VmRSS line (a kernel thread, or a process that has just exited)");
        }
        return Long.parseLong(matcher.group(1));
    }
}
