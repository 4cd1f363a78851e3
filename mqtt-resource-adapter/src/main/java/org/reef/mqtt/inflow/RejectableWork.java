package org.reef.mqtt.inflow;

import jakarta.resource.spi.work.Work;

/** A Work that must learn when it will never run, so that what waits for it is not left waiting. */
interface RejectableWork extends Work {

    /** The container refused the Work for good. */
    void rejected(Exception cause);
}
