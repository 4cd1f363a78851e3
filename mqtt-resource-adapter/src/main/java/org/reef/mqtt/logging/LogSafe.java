package org.reef.mqtt.logging;

/**
 * Makes client-chosen text (client ids, user names, topics, filters) safe to log (security review L5): a CR or LF in
 * a client id would otherwise start a forged log line. Control characters become {@code \r}, {@code \n},
 * {@code \t} or {@code \}{@code uXXXX}, and a backslash is doubled, so the logged form is unambiguous.
 */
public final class LogSafe {

    private LogSafe() {
    }

    /** The text with control characters escaped; {@code "null"} for null. */
    public static String text(String text) {
        if (text == null) {
            return "null";
        }
        int i = 0;
        while (i < text.length() && !needsEscape(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 8).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> escaped.append("\\r");
                case '\n' -> escaped.append("\\n");
                case '\t' -> escaped.append("\\t");
                case '\\' -> escaped.append("\\\\");
                default -> {
                    if (needsEscape(c)) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
    }
}
