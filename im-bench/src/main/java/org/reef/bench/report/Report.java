package org.reef.bench.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result of one run: a few lines for people, then one JSON line for scripts. Human lines never start with
 * {@code {}, so a script can take the JSON as the one line that does.
 */
public final class Report {

    private final String scenario;
    private final List<String> lines = new ArrayList<>();
    private final JsonLine json = new JsonLine();

    public Report(String scenario) {
        this.scenario = scenario;
        json.put("scenario", scenario);
    }

    /** A run that could not produce figures: the JSON line says why in {@code error}. */
    public static Report failure(String scenario, String error) {
        Report report = new Report(scenario);
        report.line("%s FAILED: %s", scenario, error);
        report.json().put("error", error);
        return report;
    }

    public Report line(String format, Object... args) {
        String line = String.format(Locale.ROOT, format, args);
        lines.add(line.startsWith("{") ? " " + line : line);
        return this;
    }

    public JsonLine json() {
        return json;
    }

    public String scenario() {
        return scenario;
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public void printTo(PrintStream out) {
        lines.forEach(out::println);
        out.println(json);
        out.flush();
    }
}
