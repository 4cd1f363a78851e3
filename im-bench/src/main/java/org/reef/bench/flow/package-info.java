/**
 * Messaging runs: publishers and subscribers wired by a {@link org.reef.bench.flow.Topology}, payloads stamped with
 * stream, sequence number and send time, counted into loss, duplicates, disorder and latency. The plain MQTT
 * scenarios use it now; the IM scenarios plug in their own topology and payload format.
 */
package org.reef.bench.flow;
