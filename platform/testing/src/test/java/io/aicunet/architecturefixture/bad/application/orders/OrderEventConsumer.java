package io.aicunet.architecturefixture.bad.application.orders;

import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Breaks 6d: a Kafka consumer outside adapter.kafka. */
public class OrderEventConsumer {

    @Incoming("orders")
    public void consume(String event) {
    }
}
