package org.reef.im.moderation;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VisibleTextTest {

    @Test
    void ordinaryNamesInAnyScriptAreClean() {
        assertTrue(VisibleText.isClean("Alice A."));
        assertTrue(VisibleText.isClean("Zoë Ørsted-Łukasz"));
        assertTrue(VisibleText.isClean("山田 太郎"));
        assertTrue(VisibleText.isClean("مريم"), "right-to-left letters themselves are fine");
        assertTrue(VisibleText.isClean("party \uD83C\uDF89"));
    }

    @Test
    void controlBidiInvisibleAndSeparatorCharactersAreNot() {
        assertFalse(VisibleText.isClean("Bob\u202Eevil"), "right-to-left override");
        assertFalse(VisibleText.isClean("Bob\u2066x\u2069"), "isolates");
        assertFalse(VisibleText.isClean("B\u200Bob"), "zero-width space");
        assertFalse(VisibleText.isClean("Bo\u00ADb"), "soft hyphen");
        assertFalse(VisibleText.isClean("Bob\uFEFF"), "byte order mark");
        assertFalse(VisibleText.isClean("Bob\u0007"), "bell");
        assertFalse(VisibleText.isClean("Bob\u0085"), "C1 next line");
        assertFalse(VisibleText.isClean("Bob\u2028admin"), "line separator");
        assertFalse(VisibleText.isClean("Bob\uD800"), "unpaired surrogate");
    }

    @Test
    void aZeroWidthJoinerIsAllowedOnlyInsideAnEmojiSequence() {
        assertTrue(VisibleText.isClean("\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"), "family");
        assertTrue(VisibleText.isClean("\uD83D\uDC69\uD83C\uDFFD\u200D\uD83D\uDCBB"), "skin tone, then joiner");
        assertFalse(VisibleText.isClean("Bo\u200Db"), "between letters it only hides");
        assertFalse(VisibleText.isClean("\uD83D\uDC68\u200D"), "dangling");
    }
}
