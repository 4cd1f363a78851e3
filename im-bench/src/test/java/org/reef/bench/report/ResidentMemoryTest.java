package org.reef.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResidentMemoryTest {

    private static final String STATUS = """
            Name:\tjava
            VmPeak:\t 5000000 kB
            VmHWM:\t  400000 kB
            VmRSS:\t  312456 kB
            RssAnon:\t  300000 kB
            Threads:\t42
            """;

    @Test
    void readsVmRssNotThePeakOrTheAnonymousPart() throws IOException {
        assertEquals(312_456, ResidentMemory.parseKilobytes(STATUS));
    }

    @Test
    void aStatusWithoutVmRssIsAnError() {
        assertThrows(IOException.class, () -> ResidentMemory.parseKilobytes("Name:\tkthreadd\nState:\tS\n"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void readsThisProcess() throws IOException {
        assertTrue(ResidentMemory.kilobytesOf(ProcessHandle.current().pid()) > 1_000);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aMissingProcessIsAnError() {
        assertThrows(IOException.class, () -> ResidentMemory.kilobytesOf(Integer.MAX_VALUE));
    }
}
