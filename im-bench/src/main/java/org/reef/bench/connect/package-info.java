/** Opening many connections at a set rate with bounded pending handshakes, and tallying why some failed. */
package org.reef.bench.connect;
