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
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The content filter: every string in a message body (the text of a text message, every string value of a custom
 * one) is matched, case-insensitively, against the patterns of the {@code content_filter} table before the message
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
            case STRING -> {
                CharSequence text = new TimeBudget(((JsonString) value).getString(), deadline);
                yield banned.stream().anyMatch(pattern -> pattern.matcher(text).find());
            }
            case ARRAY -> value.asJsonArray().stream().anyMatch(item -> matches(item, banned, deadline));
            case OBJECT -> value.asJsonObject().values().stream().anyMatch(item -> matches(item, banned, deadline));
            default -> false;
        };
    }

    static JsonValue mask(JsonValue value, List<Pattern> banned, long deadline) {
        switch (value.getValueType()) {
            case STRING -> {
                String text = ((JsonString) value).getString();
                for (Pattern pattern : banned) {
                    Matcher matcher = pattern.matcher(new TimeBudget(text, deadline));
                    StringBuilder masked = new StringBuilder();
                    while (matcher.find()) {
                        matcher.appendReplacement(masked, "*".repeat(matcher.end() - matcher.start()));
                    }
                    matcher.appendTail(masked);
                    text = masked.toString();
                }
                return Events.JSON.createValue(text);
            }
            case ARRAY -> {
                JsonArrayBuilder array = Events.JSON.createArrayBuilder();
                value.asJsonArray().forEach(item -> array.add(mask(item, banned, deadline)));
                return array.build();
            }
            case OBJECT -> {
                JsonObjectBuilder object = Events.JSON.createObjectBuilder();
                for (Map.Entry<String, JsonValue> entry : value.asJsonObject().entrySet()) {
                    object.add(entry.getKey(), mask(entry.getValue(), banned, deadline));
                }
                return object.build();
            }
            default -> {
                return value;
            }
        }
    }
}
