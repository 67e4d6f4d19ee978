package io.aicunet.agentstate.application;

/**
 * Redis, which holds the service's hot state (cache, heartbeats, leases, task
 * streams), did not answer in time or refused. Callers of heartbeats, leases and
 * tasks get UNAVAILABLE; checkpoint reads and writes go on without the cache.
 */
public class HotStateUnavailableException extends RuntimeException {

    public HotStateUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
