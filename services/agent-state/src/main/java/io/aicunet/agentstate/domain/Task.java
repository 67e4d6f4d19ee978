package io.aicunet.agentstate.domain;

import java.util.Objects;

/**
 * A task handed to a consumer.
 *
 * @param id         its stream entry id, e.g. {@code 1718000000000-0}
 * @param deliveries how often it has been handed out, this time included
 */
public record Task(String id, String payloadJson, long deliveries) {

    public Task {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payloadJson, "payloadJson");
    }
}
