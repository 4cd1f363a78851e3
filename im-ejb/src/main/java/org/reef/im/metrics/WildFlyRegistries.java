package org.reef.im.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import java.lang.reflect.Field;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds the registry that WildFly's Micrometer subsystem exports from, behind the facade it injects into a
 * deployment ({@code org.wildfly.extension.micrometer.registry.ApplicationRegistry} in WildFly 39 keeps meters made
 * with a builder, such as histograms with buckets, to itself). The one place that knows this; if WildFly changes it,
 * {@link #exporting} answers null and the caller falls back to meters without buckets.
 */
final class WildFlyRegistries {

    private static final Logger LOG = Logger.getLogger(WildFlyRegistries.class.getName());
    private static final String FACADE = "org.wildfly.extension.micrometer.registry.ApplicationRegistry";

    private WildFlyRegistries() {
    }

    /**
     * The registry that builder-made meters must be registered on to be exported: the facade's parent, or the
     * registry itself when it is no WildFly facade; null if the parent cannot be reached.
     */
    static MeterRegistry exporting(MeterRegistry injected) {
        if (!FACADE.equals(injected.getClass().getName())) {
            return injected;
        }
        try {
            Field parent = injected.getClass().getDeclaredField("parentRegistry");
            parent.setAccessible(true);
            return (MeterRegistry) parent.get(injected);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "WildFly's application registry has no reachable parent: {0}", e.toString());
            return null;
        }
    }
}
