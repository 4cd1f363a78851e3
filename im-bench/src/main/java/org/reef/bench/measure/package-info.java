/** Bookkeeping with no I/O: sequence tracking per stream, publication logs, latency histograms, pacing math. */
package org.reef.bench.measure;
