package org.reef.it;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Headless Chromium for the web client's end-to-end tests: Debian's {@code chromium} and {@code chromium-driver}
 * packages, driven by Selenium with the driver's path given, so nothing is downloaded at test time.
 * <p>
 * Without them a test is skipped with a message saying how to install them, except when the environment variable
 * {@code CI} is set: then it fails, so a green CI always means the page was exercised.
 */
final class Browsers {

    static final String INSTALL = "install Chromium and its driver to run the web client's browser tests: "
            + "apt-get install -y chromium chromium-driver (Debian/Ubuntu), or point the system properties "
            + "reef.test.chrome and reef.test.chromedriver at a Chromium and a matching chromedriver";

    /** Phone and desktop widths the tests (and their screenshots) use. */
    static final Dimension PHONE = new Dimension(390, 844);
    static final Dimension DESKTOP = new Dimension(1280, 800);

    private static boolean warned;

    private Browsers() {
    }

    /** Skips the calling test (or fails it under CI) when there is no browser. */
    static void require() {
        String missing = missing();
        if (missing == null) {
            return;
        }
        if (System.getenv("CI") != null) {
            throw new AssertionError(missing + " (CI is set, so the browser tests may not be skipped): " + INSTALL);
        }
        if (!warned) {
            warned = true; // once per run, on the console: a skipped test's reason is otherwise only in the report
            System.err.println("WARNING: browser tests skipped, " + missing + ": " + INSTALL);
        }
        Assumptions.abort(missing + ": " + INSTALL);
    }

    private static String missing() {
        if (chrome() == null) {
            return "no Chromium found (looked for " + String.join(", ", chromeCandidates()) + ")";
        }
        if (driver() == null) {
            return "no chromedriver found (looked for " + String.join(", ", driverCandidates()) + ")";
        }
        return null;
    }

    /** A fresh headless browser with its own profile, at the given window size. */
    static ChromeDriver start(Dimension size) throws IOException {
        Path profile = Files.createTempDirectory("reef-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chrome());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--mute-audio", "--user-data-dir=" + profile,
                "--window-size=" + size.getWidth() + "," + size.getHeight());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driver()))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        driver.manage().window().setSize(size);
        return driver;
    }

    private static String chrome() {
        return firstExecutable(chromeCandidates());
    }

    private static String driver() {
        return firstExecutable(driverCandidates());
    }

    private static List<String> chromeCandidates() {
        String given = System.getProperty("reef.test.chrome");
        // The binary itself rather than Debian's wrapper script, which only adds noise.
        return given != null ? List.of(given) : List.of("/usr/lib/chromium/chromium", "/usr/bin/chromium",
                "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    }

    private static List<String> driverCandidates() {
        String given = System.getProperty("reef.test.chromedriver", System.getProperty("webdriver.chrome.driver"));
        return given != null ? List.of(given) : List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
    }

    private static String firstExecutable(List<String> candidates) {
        return candidates.stream().filter(path -> new File(path).canExecute()).findFirst().orElse(null);
    }
}
