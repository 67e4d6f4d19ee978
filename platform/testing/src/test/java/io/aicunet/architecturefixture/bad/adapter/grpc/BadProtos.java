package io.aicunet.architecturefixture.bad.adapter.grpc;

/** Breaks 7b: a mapper outside application.contract. */
public final class BadProtos {

    private BadProtos() {
    }
}
