package org.reef.mqtt.inflow;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;
import org.reef.mqtt.api.MqttBatchMessageListener;
import org.reef.mqtt.api.MqttConnectionListener;
import org.reef.mqtt.api.MqttMessageListener;
import org.reef.mqtt.topic.TopicException;
import org.reef.mqtt.topic.Topics;

import java.util.Objects;

/**
 * Activation properties of an MDB implementing {@link MqttMessageListener}: which topics it receives.
 *
 * <pre>
 * &#64;MessageDriven(activationConfig = &#64;ActivationConfigProperty(propertyName = "topicFilter", propertyValue = "chat/#"))
 * </pre>
 */
@Activation(messageListeners = {MqttMessageListener.class, MqttBatchMessageListener.class,
        MqttConnectionListener.class})
public class MqttActivationSpec implements ActivationSpec {

    private ResourceAdapter resourceAdapter;

    @ConfigProperty(description = "MQTT topic filter (wildcards + and # allowed, no shared subscription). A "
            + "MqttMessageListener receives the PUBLISH packets it matches instead of the broker's own routing "
            + "(required); a MqttConnectionListener authorizes the subscriptions that overlap it (optional)")
    private String topicFilter;

    @ConfigProperty(defaultValue = "16", description = "Deliveries to this endpoint running at once; beyond it the "
            + "publishing connections wait (and stop being read once their own queue is full)")
    private Integer maxConcurrency = 16;

    @ConfigProperty(defaultValue = "32", description = "Most messages handed to a MqttBatchMessageListener in one "
            + "call (one transaction); ignored for other listeners")
    private Integer maxBatchSize = 32;

    public Integer getMaxBatchSize() {
        return maxBatchSize;
    }

    public void setMaxBatchSize(Integer maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
    }

    public Integer getMaxConcurrency() {
        return maxConcurrency;
    }

    public void setMaxConcurrency(Integer maxConcurrency) {
        this.maxConcurrency = maxConcurrency;
    }

    public String getTopicFilter() {
        return topicFilter;
    }

    public void setTopicFilter(String topicFilter) {
        this.topicFilter = topicFilter;
    }

    /** Fails the MDB deployment when the filter is missing or invalid (JCA 2.1 section 13.4.2.2). */
    @Override
    public void validate() throws InvalidPropertyException {
        validate(true);
    }

    /** Validates the filter; {@code required} for message listeners, optional for connection listeners. */
    public void validate(boolean required) throws InvalidPropertyException {
        if (maxConcurrency == null || maxConcurrency < 1 || maxConcurrency > 1024) {
            throw new InvalidPropertyException("maxConcurrency must be between 1 and 1024: " + maxConcurrency);
        }
        if (maxBatchSize == null || maxBatchSize < 1 || maxBatchSize > 1024) {
            throw new InvalidPropertyException("maxBatchSize must be between 1 and 1024: " + maxBatchSize);
        }
        if (topicFilter == null || topicFilter.isBlank()) {
            if (required) {
                throw new InvalidPropertyException("activation property topicFilter is required");
            }
            topicFilter = null;
            return;
        }
        if (Topics.isShared(topicFilter)) {
            throw new InvalidPropertyException("topicFilter must not be a shared subscription: " + topicFilter);
        }
        try {
            Topics.validateTopicFilter(topicFilter, 0, 0);
        } catch (TopicException e) {
            InvalidPropertyException invalid = new InvalidPropertyException(
                    "invalid topicFilter '" + topicFilter + "': " + e.getMessage());
            invalid.initCause(e);
            throw invalid;
        }
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter resourceAdapter) throws ResourceException {
        this.resourceAdapter = resourceAdapter;
    }

    @Override
    public String toString() {
        return "MqttActivationSpec[topicFilter=" + topicFilter + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MqttActivationSpec other && Objects.equals(topicFilter, other.topicFilter)
                && resourceAdapter == other.resourceAdapter;
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(topicFilter);
    }
}
