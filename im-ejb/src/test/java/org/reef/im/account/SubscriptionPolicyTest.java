package org.reef.im.account;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubscriptionPolicyTest {

    @Test
    void aUserSubscribesToTheirOwnInboxAndToOneUsersPresenceByName() {
        assertTrue(SubscriptionPolicy.decide("alice", "im/inbox/alice").accepted());
        assertTrue(SubscriptionPolicy.decide("alice", "im/presence/bob").accepted());
        assertFalse(SubscriptionPolicy.decide("alice", "im/inbox/bob").accepted());
        assertFalse(SubscriptionPolicy.decide(null, "im/presence/bob").accepted(), "anonymous clients: nothing");
    }

    @Test
    void presenceWildcardsWouldListTheUsersAndAreRefused() {
        assertFalse(SubscriptionPolicy.decide("alice", "im/presence/+").accepted());
        assertFalse(SubscriptionPolicy.decide("alice", "im/presence/#").accepted());
        assertFalse(SubscriptionPolicy.decide("alice", "im/presence/bob/#").accepted());
        assertFalse(SubscriptionPolicy.decide("alice", "im/presence/").accepted());
    }
}
