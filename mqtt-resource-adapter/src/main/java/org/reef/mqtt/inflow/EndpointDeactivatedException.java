package org.reef.mqtt.inflow;

import jakarta.resource.ResourceException;

/**
 * A delivery refused because its endpoint was deactivated before the delivery reached it (the application is being
 * undeployed or the server stops): expected during a shutdown, so logged quietly; its message is not acknowledged.
 */
public final class EndpointDeactivatedException extends ResourceException {

    private static final long serialVersionUID = 1L;

    EndpointDeactivatedException(String activationName) {
        super("the endpoint " + activationName + " is deactivated (the application is stopping)");
    }
}
