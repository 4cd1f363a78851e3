package org.reef.it;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The web client at {@code /} as a user sees it, driven through the accessible names issue 13 fixes (inputs
 * Username, Password, Display name, Recipient, Message; buttons Sign in, Create account, Sign out, New chat, Start,
 * Send; the list Conversations; the log Messages). One per browser; every wait is on a condition, with a bound.
 */
final class ChatPage {

    static final Duration WAIT = Duration.ofSeconds(20);

    /**
     * Runs before the page's own scripts: keeps the page's WebSockets reachable, so a test can cut them, and can
     * make new ones fail (an unreachable port) as long as {@code __reefBlockWebSockets} is true.
     */
    private static final String WEBSOCKET_PROBE = """
            (() => {
              const Native = window.WebSocket;
              window.__reefSockets = [];
              window.__reefBlockWebSockets = false;
              window.WebSocket = class extends Native {
                constructor(url, protocols) {
                  super(window.__reefBlockWebSockets ? 'ws://127.0.0.1:9/blocked' : url, protocols);
                  window.__reefSockets.push(this);
                }
              };
            })();
            """;

    final ChromeDriver driver;
    final String name;

    ChatPage(ChromeDriver driver, String name) {
        this.driver = driver;
        this.name = name;
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", WEBSOCKET_PROBE));
    }

    // ---- finding things by their accessible names

    /** The input labelled so (a label element pointing at it). */
    WebElement input(String label) {
        return driver.findElement(By.xpath("//*[@id=(//label[normalize-space()='" + label + "']/@for)]"));
    }

    /** The visible button with this text. */
    WebElement button(String text) {
        return waitFor(d -> d.findElements(By.xpath("//button[normalize-space()='" + text + "']")).stream()
                .filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    WebElement conversationList() {
        return driver.findElement(By.cssSelector("ul[aria-label='Conversations']"));
    }

    WebElement messageLog() {
        return driver.findElement(By.cssSelector("[role='log'][aria-label='Messages']"));
    }

    // ---- actions

    ChatPage home() {
        driver.get(Reef.root("/").toString());
        return this;
    }

    /** Clears this tab's session and shows the sign-in form. */
    ChatPage signedOut() {
        home();
        driver.executeScript("sessionStorage.clear()");
        home();
        waitFor(d -> button("Sign in"));
        return this;
    }

    void createAccount(String username, String password, String displayName) {
        signedOut();
        type(input("Username"), username);
        type(input("Password"), password);
        type(input("Display name"), displayName);
        button("Create account").click();
        awaitSignedIn();
    }

    void signIn(String username, String password) {
        signedOut();
        type(input("Username"), username);
        type(input("Password"), password);
        button("Sign in").click();
        awaitSignedIn();
    }

    void signOut() {
        button("Sign out").click();
        waitFor(d -> button("Sign in"));
    }

    private void awaitSignedIn() {
        waitFor(d -> button("Sign out"));
        awaitOnline();
    }

    void awaitOnline() {
        waitFor(d -> "online".equals(connectionState()));
    }

    String connectionState() {
        return driver.findElement(By.id("connection")).getDomAttribute("data-state");
    }

    void startChat(String recipient) {
        showList();
        button("New chat").click();
        type(input("Recipient"), recipient);
        button("Start").click();
        waitFor(d -> messageLog().isDisplayed());
    }

    /** Opens the conversation whose item in the list shows this name. */
    void open(String conversationName) {
        showList();
        waitFor(d -> item(conversationName).orElse(null)).findElement(By.tagName("button")).click();
        waitFor(d -> messageLog().isDisplayed());
    }

    /** At phone width the list and the chat take turns: back to the list. */
    void showList() {
        if (!conversationList().isDisplayed()) {
            button("‹").click();
            waitFor(d -> conversationList().isDisplayed());
        }
    }

    void send(String text) {
        type(input("Message"), text);
        button("Send").click();
    }

    void typeWithoutSending(String text) {
        input("Message").sendKeys(text);
    }

    // ---- what is on screen

    Optional<WebElement> item(String conversationName) {
        return conversationList().findElements(By.tagName("li")).stream()
                .filter(li -> li.getText().contains(conversationName)).findFirst();
    }

    /** The unread count the list shows for a conversation (0 without a badge). */
    int unread(String conversationName) {
        return item(conversationName).map(li -> li.findElements(By.className("badge")))
                .filter(badges -> !badges.isEmpty())
                .map(badges -> Integer.parseInt(badges.get(0).getText().replaceAll("\\D", "")))
                .orElse(0);
    }

    /** The texts of the open conversation's messages, in order (system messages included). */
    List<String> texts() {
        return retrying(() -> messageLog().findElements(By.xpath("./*")).stream().map(element -> {
            List<WebElement> text = element.findElements(By.className("text"));
            return text.isEmpty() ? element.getText() : text.get(0).getText();
        }).toList());
    }

    /** The message element whose text is exactly this. */
    WebElement message(String text) {
        return waitFor(d -> messageLog().findElements(By.xpath("./*")).stream()
                .filter(element -> element.findElements(By.className("text")).stream()
                        .anyMatch(t -> t.getText().equals(text)))
                .findFirst().orElse(null));
    }

    void awaitTexts(String... texts) {
        waitFor(d -> texts().containsAll(List.of(texts)));
    }

    /** The state of one of our own messages: sending, stored, delivered, read or failed. */
    String state(String text) {
        return retrying(() -> message(text).getDomAttribute("data-state"));
    }

    void awaitState(String text, String state) {
        waitFor(d -> state.equals(state(text)));
    }

    String typingLine() {
        return driver.findElement(By.id("typing")).getText();
    }

    // ---- the network

    /** Closes the page's WebSockets and keeps new ones from connecting, as a network loss would. */
    void cutWebSockets() {
        driver.executeScript("window.__reefBlockWebSockets = true; window.__reefSockets.forEach(s => s.close());");
        waitFor(d -> !"online".equals(connectionState()));
    }

    void restoreWebSockets() {
        driver.executeScript("window.__reefBlockWebSockets = false;");
        // The client waits 1, 2, 4 ... s between attempts; its "Reconnect now" button skips the wait.
        waitFor(d -> {
            if ("online".equals(connectionState())) {
                return true;
            }
            d.findElements(By.id("reconnect")).stream().filter(WebElement::isDisplayed).forEach(WebElement::click);
            return false;
        });
    }

    // ---- helpers

    void resize(Dimension size) {
        driver.manage().window().setSize(size);
    }

    /** Saves a screenshot as target/screenshots/{name}.png. */
    Path screenshot(String fileName) throws IOException {
        Path directory = Path.of(System.getProperty("reef.test.screenshots", "target/screenshots"));
        Files.createDirectories(directory);
        Path target = directory.resolve(fileName + ".png");
        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    <T> T waitFor(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(50))
                .withMessage(() -> name + ": page shows " + safeText())
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    private String safeText() {
        try {
            return driver.findElement(By.tagName("body")).getText().replace('\n', '|');
        } catch (RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static void type(WebElement input, String text) {
        input.clear();
        input.sendKeys(text);
    }

    private static <T> T retrying(java.util.function.Supplier<T> read) {
        for (int attempt = 0; ; attempt++) {
            try {
                return read.get();
            } catch (StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }
}
