package org.reef.bench.run;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The open-file limit of this process (every client connection is a socket, hence a file descriptor). Checked
 * before a run, so that asking for more connections than the limit allows is a clear error up front rather than a
 * heap of "Too many open files" failures halfway through.
 */
public final class OpenFiles {

    /** Descriptors kept free for the JVM itself: jars, epoll/selector, pipes, /proc reads. */
    public static final int RESERVE = 64;

    private OpenFiles() {
    }

    /** How many more sockets this process may open, or -1 when the JVM cannot tell. */
    public static long available() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - RESERVE;
        }
        return -1;
    }

    public static long limit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }
}
