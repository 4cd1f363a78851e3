package org.reef.im.chat;

import org.junit.jupiter.api.Test;
import org.reef.im.error.ImError;
import org.reef.im.error.ImException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConversationsTest {

    private static final String GROUP = "0f8fad5b-d9cb-469f-a165-70867728950e";

    @Test
    void aUserAddressIsTheDirectConversationOfBoth() {
        Conversations.Target target = Conversations.target("bob", "user:alice", false);
        assertEquals(Conversations.Kind.DIRECT, target.kind());
        assertEquals("alice", target.name());
        assertEquals("dm:alice:bob", target.conversation());
        assertEquals("user:alice", target.address());
    }

    @Test
    void aDirectConversationIdNamesTheOtherMemberOnlyForAMember() {
        assertEquals("bob", Conversations.target("alice", "dm:alice:bob", true).name());
        assertEquals("alice", Conversations.target("bob", "dm:alice:bob", true).name());
        ImException outsider = assertThrows(ImException.class,
                () -> Conversations.target("carol", "dm:alice:bob", true));
        assertEquals(ImError.NOT_FOUND, outsider.error());
    }

    @Test
    void groupsAndRoomsAreAddressedByTheirConversation() {
        Conversations.Target group = Conversations.target("bob", "group:" + GROUP, false);
        assertEquals(Conversations.Kind.GROUP, group.kind());
        assertEquals(GROUP, group.name());
        assertEquals("group:" + GROUP, group.address());
        assertEquals(group, Conversations.target("bob", "group:" + GROUP, true));
        Conversations.Target room = Conversations.target("bob", "room:lobby-1", false);
        assertEquals(Conversations.Kind.ROOM, room.kind());
        assertEquals("lobby-1", room.name());
    }

    @Test
    void malformedAddressesAreRefused() {
        assertEquals(ImError.UNKNOWN_RECIPIENT,
                assertThrows(ImException.class, () -> Conversations.target("bob", "group:12", false)).error());
        assertEquals(ImError.NOT_FOUND,
                assertThrows(ImException.class, () -> Conversations.target("bob", "group:12", true)).error());
        assertEquals(ImError.UNKNOWN_RECIPIENT,
                assertThrows(ImException.class, () -> Conversations.target("bob", "room:Lobby", false)).error());
        assertEquals(ImError.INVALID,
                assertThrows(ImException.class, () -> Conversations.target("bob", "bob", false)).error());
        assertEquals(ImError.INVALID,
                assertThrows(ImException.class, () -> Conversations.target("bob", null, false)).error());
    }
}
