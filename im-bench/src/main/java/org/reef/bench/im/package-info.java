/**
 * The client side of Reef's IM protocol v1 (docs/protocol.md), as much as the IM scenarios need: accounts, tokens and
 * groups over HTTP, the stamp inside {@code im/send} text messages, and the inbox events (message, ack, error) read
 * into the flow bookkeeping, with the conversations' seq order checked per device.
 */
package org.reef.bench.im;
