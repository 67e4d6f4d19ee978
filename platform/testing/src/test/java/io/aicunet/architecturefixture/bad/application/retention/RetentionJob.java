package io.aicunet.architecturefixture.bad.application.retention;

import io.quarkus.scheduler.Scheduled;
import io.aicunet.architecturefixture.bad.application.orders.PlaceOrder;

/** Breaks 6a (a job trigger outside adapter.scheduling) and 9a (cycle with orders). */
public class RetentionJob {

    private PlaceOrder placeOrder;

    @Scheduled(every = "1h")
    void run() {
        placeOrder.toString();
    }
}
