package io.aicunet.architecturefixture.bad.application;

/** Breaks 2b: a class directly in application. */
public class OrderService {
}
