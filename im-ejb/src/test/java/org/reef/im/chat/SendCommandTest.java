package org.reef.im.chat;

import org.junit.jupiter.api.Test;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Send requests are refused with a clear code before anything reaches the database. */
class SendCommandTest {

    @Test
    void aClientMsgIdWithControlCharactersIsInvalid() {
        ImException refused = assertThrows(ImException.class, () -> parse(
                "{\"to\":\"user:bob\",\"kind\":\"text\",\"body\":\"hi\",\"clientMsgId\":\"a\\u0000b\"}"));
        assertEquals(ImError.INVALID, refused.error());
    }

    @Test
    void aBodyWithANulCharacterIsKeptEscapedAsJsonText() {
        SendCommand command = parse("{\"to\":\"user:bob\",\"kind\":\"text\",\"body\":\"a\\u0000b\",\"clientMsgId\":\"m1\"}");
        assertEquals("\"a\\u0000b\"", command.body(), "the stored JSON text has no NUL byte");
    }

    private static SendCommand parse(String json) {
        return SendCommand.parse(json.getBytes(StandardCharsets.UTF_8), true, 65536);
    }
}
