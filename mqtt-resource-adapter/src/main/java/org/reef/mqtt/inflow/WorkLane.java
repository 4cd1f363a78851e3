package org.reef.mqtt.inflow;

/**
 * The kinds of container work the adapter queues separately (security review F6), so that a flood of one kind cannot
 * starve the others: a SUBSCRIBE with thousands of guarded filters must not hold up logins, message inflow or the
 * delivery reports the application's inbox flow control depends on.
 */
public enum WorkLane {
    /** CONNECT authentication. */
    LOGIN,
    /** Subscription checks by a guarding endpoint. */
    SUBSCRIPTION_CHECK,
    /** Messages to MDBs (the default for Work that names no lane). */
    INFLOW,
    /** Connect, disconnect and delivery-report events. */
    EVENTS
}
