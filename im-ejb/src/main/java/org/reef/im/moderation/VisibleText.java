package org.reef.im.moderation;

/**
 * Names people read (display names, group names) may not hide or reorder text: no control characters (C0, C1), no
 * format characters (bidirectional overrides and isolates, zero-width spaces and joiners, soft hyphens), no line or
 * paragraph separators. The one exception is the zero-width joiner between two emoji, which builds emoji such as
 * family or profession sequences and hides nothing.
 */
public final class VisibleText {

    private static final int ZERO_WIDTH_JOINER = 0x200D;

    private VisibleText() {
    }

    /** Whether the text has none of the characters above (and no unpaired surrogate). */
    public static boolean isClean(String text) {
        int previous = -1;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c) < text.length() ? text.codePointAt(i + Character.charCount(c)) : -1;
            switch (Character.getType(c)) {
                case Character.CONTROL, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                     Character.SURROGATE -> {
                    return false;
                }
                case Character.FORMAT -> {
                    if (c != ZERO_WIDTH_JOINER || !isEmojiPart(previous) || !isEmoji(next)) {
                        return false;
                    }
                }
                default -> {
                }
            }
            previous = c;
            i += Character.charCount(c);
        }
        return true;
    }

    private static boolean isEmoji(int c) {
        return c >= 0 && Character.getType(c) == Character.OTHER_SYMBOL;
    }

    /** An emoji, or what may end one before a joiner: a skin tone modifier or a variation selector. */
    private static boolean isEmojiPart(int c) {
        return isEmoji(c) || (c >= 0 && (Character.getType(c) == Character.MODIFIER_SYMBOL || c == 0xFE0F));
    }
}
