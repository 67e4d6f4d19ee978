package io.aicunet.architecturefixture.good.domain;

/** A pure domain value: JDK types only. */
public record Order(String id, long quantity) {
}
