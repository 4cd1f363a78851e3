package org.reef.mqtt.inflow;

import jakarta.resource.spi.work.Work;

/** A Work that says which of the {@link WorkDispatcher}'s queues it goes through; other Work is inflow. */
public interface LanedWork extends Work {

    WorkLane lane();
}
