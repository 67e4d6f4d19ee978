package io.aicunet.agentstate.application.port;

/**
 * What the ports kept in Redis share: Redis holds the service's hot state (cache,
 * heartbeats, leases, task streams), and each of those ports fails with
 * {@link UnavailableException} when Redis does not answer in time or refuses.
 */
public interface HotState {

    /**
     * Redis did not answer in time or refused. Callers of heartbeats, leases and tasks
     * get UNAVAILABLE; checkpoint reads and writes go on without the cache.
     */
    class UnavailableException extends RuntimeException {

        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
