/** The command line: options declared per scenario, parsed without a library, errors that name the option. */
package org.reef.bench.cli;
