package org.reef.im.moderation;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.reef.im.config.ImSettings;
import org.reef.im.domain.ContentRule;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The content filter: every string in a message body (the text of a text message, every string value of a custom
 * one) is matched, case-insensitively, against the patterns of the {@code content_filter} table before the message
 * is stored. A match refuses the message ({@code content_rejected}) or, with {@code REEF_CONTENT_FILTER_MODE=mask},
 * replaces each matched character by {@code *}.
 *
 * <p>The patterns are compiled into one alternation, reloaded when an administrator changes them on this server and
 * at least every {@link #RELOAD_NANOS} otherwise (changes made on another node of a cluster).
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class ContentFilter {

    static final long RELOAD_NANOS = 10_000_000_000L;

    @PersistenceContext(unitName = "reef")
    private EntityManager em;

    @EJB
    private ImSettings settings;

    private volatile Pattern pattern;
    private volatile long loadedAt;
    private volatile boolean stale = true;

    /** The body JSON to store: unchanged, or masked; refuses it with {@code content_rejected} in reject mode. */
    public String apply(String bodyJson) {
        Pattern banned = current();
        if (banned == null) {
            return bodyJson;
        }
        JsonValue body;
        try (JsonReader reader = Json.createReader(new StringReader(bodyJson))) {
            body = reader.readValue();
        }
        if (!matches(body, banned)) {
            return bodyJson;
        }
        if (!settings.maskContent()) {
            throw new ImException(ImError.CONTENT_REJECTED, "the message contains banned content");
        }
        return mask(body, banned).toString();
    }

    /** Called after the rules changed on this server: the next message reloads them. */
    public void invalidate() {
        stale = true;
    }

    /** Checks that a pattern compiles; returns it compiled. */
    public static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private Pattern current() {
        if (stale || System.nanoTime() - loadedAt > RELOAD_NANOS) {
            synchronized (this) {
                if (stale || System.nanoTime() - loadedAt > RELOAD_NANOS) {
                    stale = false;
                    List<ContentRule> rules = em.createNamedQuery(ContentRule.ALL, ContentRule.class).getResultList();
                    pattern = rules.isEmpty() ? null : compile(rules.stream()
                            .map(rule -> "(?:" + rule.getPattern() + ")").collect(Collectors.joining("|")));
                    loadedAt = System.nanoTime();
                }
            }
        }
        return pattern;
    }

    static boolean matches(JsonValue value, Pattern banned) {
        return switch (value.getValueType()) {
            case STRING -> banned.matcher(((JsonString) value).getString()).find();
            case ARRAY -> value.asJsonArray().stream().anyMatch(item -> matches(item, banned));
            case OBJECT -> value.asJsonObject().values().stream().anyMatch(item -> matches(item, banned));
            default -> false;
        };
    }

    static JsonValue mask(JsonValue value, Pattern banned) {
        switch (value.getValueType()) {
            case STRING -> {
                Matcher matcher = banned.matcher(((JsonString) value).getString());
                StringBuilder masked = new StringBuilder();
                while (matcher.find()) {
                    matcher.appendReplacement(masked, "*".repeat(matcher.group().length()));
                }
                matcher.appendTail(masked);
                return Json.createValue(masked.toString());
            }
            case ARRAY -> {
                JsonArrayBuilder array = Json.createArrayBuilder();
                value.asJsonArray().forEach(item -> array.add(mask(item, banned)));
                return array.build();
            }
            case OBJECT -> {
                JsonObjectBuilder object = Json.createObjectBuilder();
                for (Map.Entry<String, JsonValue> entry : value.asJsonObject().entrySet()) {
                    object.add(entry.getKey(), mask(entry.getValue(), banned));
                }
                return object.build();
            }
            default -> {
                return value;
            }
        }
    }
}
