/**
 * The load tool for MQTT servers: {@link org.reef.bench.Bench} is the entry point. Packages, from the wire up:
 * {@code client} (an asynchronous MQTT client on Netty's codec), {@code connect} (opening many clients),
 * {@code measure} (sequence, loss and latency bookkeeping, pacing), {@code flow} (messaging runs of any topology),
 * {@code scenario} (what the command line runs), {@code report} (summary and JSON line), {@code cli}, {@code run}.
 */
package org.reef.bench;
