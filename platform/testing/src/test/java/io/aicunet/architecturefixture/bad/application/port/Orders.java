package io.aicunet.architecturefixture.bad.application.port;

/** Breaks 4: a class in the port package. */
public class Orders {
}
