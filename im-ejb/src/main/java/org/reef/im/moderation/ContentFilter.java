package org.reef.im.moderation;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.reef.im.config.ImSettings;
import org.reef.im.delivery.Events;
import org.reef.im.domain.ContentRule;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import java.io.StringReader;
import java.text.Normalizer;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The content filter: every string in a message body (the text of a text message, every string value and every
 * object key of a custom one, the body of a typing notice) is matched, case-insensitively and after Unicode NFKC
 * normalisation with invisible format characters removed, against the patterns of the {@code content_filter} table before the message
 * is stored. A match refuses the message ({@code content_rejected}) or, with {@code REEF_CONTENT_FILTER_MODE=mask},
 * replaces each matched character by {@code *}.
 *
 * <p>Each pattern is compiled and matched on its own (so one rule cannot change how another reads), against a text
 * that gives up after {@link #BUDGET_NANOS} per message: a pattern that backtracks catastrophically makes the message
 * refused (and is logged), it never holds a delivery thread. The patterns are reloaded when an administrator changes
 * them on this server and at least every {@link #RELOAD_NANOS} otherwise (changes made on another node of a
 * cluster).
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class ContentFilter {

    static final long RELOAD_NANOS = 10_000_000_000L;
    static final long BUDGET_NANOS = 50_000_000L;

    private static final Logger LOG = Logger.getLogger(ContentFilter.class.getName());

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    @EJB
    private ImSettings settings;

    private volatile List<Pattern> patterns = List.of();
    private volatile long loadedAt;
    private volatile boolean stale = true;

    /** The body JSON to store: unchanged, or masked; refuses it with {@code content_rejected} in reject mode. */
    public String apply(String bodyJson) {
        List<Pattern> banned = current();
        if (banned.isEmpty()) {
            return bodyJson;
        }
        JsonValue body;
        try (JsonReader reader = Events.JSON.createReader(new StringReader(bodyJson))) {
            body = reader.readValue();
        }
        long deadline = System.nanoTime() + BUDGET_NANOS;
        try {
            if (!matches(body, banned, deadline)) {
                return bodyJson;
            }
            if (!settings.maskContent()) {
                throw new ImException(ImError.CONTENT_REJECTED, "the message contains banned content");
            }
            return mask(body, banned, deadline).toString();
        } catch (TimeBudget.Exceeded e) {
            LOG.warning("The content filter took more than " + BUDGET_NANOS / 1_000_000 + " ms on a message: a "
                    + "pattern backtracks too much; the message is refused. Patterns: " + banned);
            throw new ImException(ImError.CONTENT_REJECTED, "the message could not be checked");
        }
    }

    /** Called after the rules changed on this server: the next message reloads them. */
    public void invalidate() {
        stale = true;
    }

    /** Checks that a pattern compiles; returns it compiled. */
    public static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private List<Pattern> current() {
        if (stale || System.nanoTime() - loadedAt > RELOAD_NANOS) {
            synchronized (this) {
                if (stale || System.nanoTime() - loadedAt > RELOAD_NANOS) {
                    stale = false;
                    List<ContentRule> rules = em.createNamedQuery(ContentRule.ALL, ContentRule.class).getResultList();
                    patterns = rules.stream().map(rule -> compile(rule.getPattern())).toList();
                    loadedAt = System.nanoTime();
                }
            }
        }
        return patterns;
    }

    static boolean matches(JsonValue value, List<Pattern> banned, long deadline) {
        return switch (value.getValueType()) {
            case STRING -> matches(((JsonString) value).getString(), banned, deadline);
            case ARRAY -> value.asJsonArray().stream().anyMatch(item -> matches(item, banned, deadline));
            case OBJECT -> value.asJsonObject().entrySet().stream().anyMatch(entry ->
                    matches(entry.getKey(), banned, deadline) || matches(entry.getValue(), banned, deadline));
            default -> false;
        };
    }

    /** Whether the text, as a reader sees it ({@link #normalized}), matches a pattern. */
    static boolean matches(String text, List<Pattern> banned, long deadline) {
        CharSequence seen = new TimeBudget(normalized(text), deadline);
        return banned.stream().anyMatch(pattern -> pattern.matcher(seen).find());
    }

    /**
     * The text a pattern is matched against: Unicode NFKC (full-width, ligature and other compatibility forms
     * become their plain letters), then without format characters (zero-width spaces and joiners, soft hyphens,
     * bidirectional controls), which a reader does not see but which would split a banned word.
     */
    static String normalized(String text) {
        String compatible = Normalizer.normalize(text, Normalizer.Form.NFKC);
        StringBuilder visible = new StringBuilder(compatible.length());
        compatible.codePoints().filter(c -> Character.getType(c) != Character.FORMAT).forEach(visible::appendCodePoint);
        return visible.toString();
    }

    static JsonValue mask(JsonValue value, List<Pattern> banned, long deadline) {
        switch (value.getValueType()) {
            case STRING -> {
                return Events.JSON.createValue(mask(((JsonString) value).getString(), banned, deadline));
            }
            case ARRAY -> {
                JsonArrayBuilder array = Events.JSON.createArrayBuilder();
                value.asJsonArray().forEach(item -> array.add(mask(item, banned, deadline)));
                return array.build();
            }
            case OBJECT -> {
                JsonObjectBuilder object = Events.JSON.createObjectBuilder();
                for (Map.Entry<String, JsonValue> entry : value.asJsonObject().entrySet()) {
                    object.add(mask(entry.getKey(), banned, deadline), mask(entry.getValue(), banned, deadline));
                }
                return object.build();
            }
            default -> {
                return value;
            }
        }
    }

    /**
     * A text with each match masked by {@code *}. A text that matches only once normalized is stored normalized (and
     * masked); a text that does not match is left exactly as it was.
     */
    static String mask(String original, List<Pattern> banned, long deadline) {
        if (!matches(original, banned, deadline)) {
            return original;
        }
        String text = normalized(original);
        for (Pattern pattern : banned) {
            Matcher matcher = pattern.matcher(new TimeBudget(text, deadline));
            StringBuilder masked = new StringBuilder();
            while (matcher.find()) {
                matcher.appendReplacement(masked, "*".repeat(matcher.end() - matcher.start()));
            }
            matcher.appendTail(masked);
            text = masked.toString();
        }
        return text;
    }
}
