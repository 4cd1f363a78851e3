package org.reef.im.account;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class RemoteAddressesTest {

    @Test
    void ipv4AsTheServletOrTheMqttAdapterWritesIt() {
        assertEquals("192.0.2.7", RemoteAddresses.key("192.0.2.7"));
        assertEquals("192.0.2.7", RemoteAddresses.key("/192.0.2.7:51234"));
        assertEquals("192.0.2.7", RemoteAddresses.key("client.example/192.0.2.7:51234"));
    }

    @Test
    void ipv6CountsByItsSlash64() {
        String one = RemoteAddresses.key("2001:db8:1:2:aaaa::1");
        assertEquals(one, RemoteAddresses.key("2001:db8:1:2:bbbb:cccc:dddd:eeee"), "same /64");
        assertEquals(one, RemoteAddresses.key("/[2001:db8:1:2::9]:51234"), "the adapter's form");
        assertNotEquals(one, RemoteAddresses.key("2001:db8:1:3::1"), "another /64");
        assertEquals("2001:db8:1:2::/64", one);
    }

    @Test
    void anythingElseIsItsOwnKey() {
        assertEquals("unknown", RemoteAddresses.key(null));
        assertEquals("local-socket", RemoteAddresses.key("local-socket"));
    }
}
