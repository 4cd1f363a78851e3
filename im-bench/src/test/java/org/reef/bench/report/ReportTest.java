package org.reef.bench.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    private static String[] print(Report... reports) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReportPrinter printer = new ReportPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        for (Report report : reports) {
            printer.print(report);
        }
        return bytes.toString(StandardCharsets.UTF_8).split("\n");
    }

    @Test
    void humanLinesThenExactlyOneJsonLineLast() {
        Report report = new Report("pairs");
        report.line("published %d", 10);
        report.line("{looks like json}");
        report.json().put("published", 10);
        String[] lines = print(report);
        assertEquals(3, lines.length);
        assertEquals(1, Arrays.stream(lines).filter(line -> line.startsWith("{")).count());
        assertEquals("{\"scenario\":\"pairs\",\"published\":10}", lines[2]);
    }

    @Test
    void aFailureSaysWhyInTheJson() {
        String[] lines = print(Report.failure("offline", "connecting bench-offline failed: timeout"));
        assertTrue(lines[0].contains("FAILED"));
        assertEquals("{\"scenario\":\"offline\",\"error\":\"connecting bench-offline failed: timeout\"}", lines[1]);
    }

    @Test
    void onlyTheFirstReportIsPrinted() {
        String[] lines = print(new Report("pairs"), Report.failure("pairs", "watchdog"));
        assertEquals(1, lines.length);
        assertFalse(lines[0].contains("error"));
    }
}
