/** The scenarios of the command line (connections, pairs, fanout, offline) and the options they share. */
package org.reef.bench.scenario;
