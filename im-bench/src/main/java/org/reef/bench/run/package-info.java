/** What keeps every run bounded: deadlines for every wait, a watchdog for the whole, failures named in words. */
package org.reef.bench.run;
