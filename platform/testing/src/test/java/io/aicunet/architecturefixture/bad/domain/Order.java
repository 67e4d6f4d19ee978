package io.aicunet.architecturefixture.bad.domain;

import com.google.protobuf.Timestamp;
import io.aicunet.architecturefixture.bad.application.port.Orders;

/** Breaks 1 (protobuf and application in the domain) and, with PlaceOrder, 9b (domain and application in a cycle). */
public record Order(String id, Timestamp placedAt, Orders source) {
}
