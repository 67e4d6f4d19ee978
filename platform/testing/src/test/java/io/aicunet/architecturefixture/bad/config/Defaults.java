package io.aicunet.architecturefixture.bad.config;

/** Breaks 5b: a plain class in config. */
public final class Defaults {

    private Defaults() {
    }
}
