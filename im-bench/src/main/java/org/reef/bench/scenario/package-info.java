/**
 * The scenarios of the command line and the options they share: connections, pairs, fanout and offline over plain
 * MQTT, im-chat and im-group through Reef's IM protocol (accounts over HTTP, {@code im/send}, inboxes).
 */
package org.reef.bench.scenario;
