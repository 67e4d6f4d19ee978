package io.aicunet.config.client;

/** Told of every change the client applies, once, in revision order, on the client's thread: keep it short. */
@FunctionalInterface
public interface ConfigListener {

    void changed(ConfigChange change);
}
