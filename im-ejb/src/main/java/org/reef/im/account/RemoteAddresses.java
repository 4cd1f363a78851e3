package org.reef.im.account;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The key under which a client's remote address is throttled: an IPv4 address as is, an IPv6 address by its /64
 * prefix (one subscriber usually owns a whole /64, so counting single IPv6 addresses would count nothing).
 */
public final class RemoteAddresses {

    private RemoteAddresses() {
    }

    /**
     * The key of an address as the servlet container ({@code 192.0.2.7}, {@code 2001:db8::1}) or the MQTT adapter
     * ({@code /192.0.2.7:51234}, {@code host/[2001:db8::1]:51234}) writes it; the text itself if it is neither.
     */
    public static String key(String remote) {
        if (remote == null || remote.isBlank()) {
            return "unknown";
        }
        String text = remote.strip();
        int slash = text.lastIndexOf('/');
        if (slash >= 0) {
            text = text.substring(slash + 1);
        }
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            text = close > 0 ? text.substring(1, close) : text.substring(1);
        } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') > 0) {
            text = text.substring(0, text.indexOf(':')); // IPv4 with a port
        }
        if (!isLiteral(text)) {
            return text;
        }
        try {
            InetAddress address = InetAddress.getByName(text); // a literal: no name lookup
            if (address instanceof Inet6Address) {
                byte[] bytes = address.getAddress();
                StringBuilder prefix = new StringBuilder();
                for (int i = 0; i < 8; i += 2) {
                    prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
                }
                return prefix.append(":/64").toString();
            }
            return address.getHostAddress();
        } catch (UnknownHostException e) {
            return text;
        }
    }

    private static boolean isLiteral(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '%')) {
                return false;
            }
        }
        return text.indexOf(':') >= 0 || text.chars().filter(c -> c == '.').count() == 3;
    }
}
