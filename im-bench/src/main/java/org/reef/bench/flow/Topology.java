package org.reef.bench.flow;

import org.reef.bench.client.ClientSettings;

/**
 * Who publishes where and who receives what: the shape of a messaging scenario (1:1 pairs, a group fan-out, and
 * IM conversations through the server's own topics). Publishers and subscribers are numbered from 0; a
 * publisher's number is also its stream id in the payload.
 */
public interface Topology {

    int publishers();

    int subscribers();

    String publishTopic(int publisher);

    String subscriptionFilter(int subscriber);

    /** The publishers whose every message subscriber {@code subscriber} should receive. */
    int[] sourcesOf(int subscriber);

    /**
     * A subscription the publisher's own connection makes before publishing, or null for none (plain MQTT). An IM
     * sender subscribes to its inbox, where the server acknowledges or refuses what it sent.
     */
    default String publisherFilter(int publisher) {
        return null;
    }

    /**
     * The CONNECT of a publisher, from the run's base settings. By default only the client id differs; topologies
     * with accounts give each client its own credentials here.
     */
    default ClientSettings publisherSettings(int publisher, ClientSettings base) {
        return base.withClientId(base.clientId() + "-p" + publisher);
    }

    default ClientSettings subscriberSettings(int subscriber, ClientSettings base) {
        return base.withClientId(base.clientId() + "-s" + subscriber);
    }
}
