/** The output: human lines, then exactly one JSON line written by a tiny JSON writer; server memory from /proc. */
package org.reef.bench.report;
