/**
 * Messaging runs: publishers and subscribers wired by a {@link org.reef.bench.flow.Topology}, payloads stamped with
 * stream, sequence number and send time, counted into loss, duplicates, disorder and latency. The plain MQTT
 * scenarios use the binary stamp as the whole payload; the IM scenarios plug in their own topology, payload format
 * and {@link org.reef.bench.flow.ClientListeners} for the server's inbox events.
 */
package org.reef.bench.flow;
