package io.aicunet.architecturefixture.good.adapter.kafka;

import org.eclipse.microprofile.reactive.messaging.Incoming;

/** The Kafka edge. */
public class OrderEventConsumer {

    @Incoming("orders")
    public void consume(String event) {
    }
}
