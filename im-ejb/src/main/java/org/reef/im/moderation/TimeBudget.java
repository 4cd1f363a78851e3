package org.reef.im.moderation;

/**
 * A text that regular expressions may read until a deadline ({@link System#nanoTime()}); after it, reading throws
 * {@link Exceeded}. Catastrophic backtracking reads the text over and over, so it runs into the deadline.
 */
final class TimeBudget implements CharSequence {

    /** The deadline passed while matching. */
    static final class Exceeded extends RuntimeException {
        Exceeded() {
            super("time budget exceeded", null, false, false);
        }
    }

    private final CharSequence text;
    private final long deadline;
    private int reads;

    TimeBudget(CharSequence text, long deadline) {
        this.text = text;
        this.deadline = deadline;
    }

    @Override
    public char charAt(int index) {
        if ((++reads & 0x3FF) == 0 && System.nanoTime() - deadline > 0) {
            throw new Exceeded();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new TimeBudget(text.subSequence(start, end), deadline);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
