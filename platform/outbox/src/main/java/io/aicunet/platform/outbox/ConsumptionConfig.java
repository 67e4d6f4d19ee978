package io.aicunet.platform.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How every consumer of the fleet treats what it reads ({@link EventConsumption}). */
@ConfigMapping(prefix = "aicunet.consumer")
public interface ConsumptionConfig {

    /**
     * Largest record a consumer accepts (key, value and headers); a larger one is dead-lettered.
     * Above the largest legitimate event (a config schema, 256 KiB) and below the broker's limit.
     */
    @WithDefault("524288")
    int eventBytesMax();

    /** First wait before an infrastructure failure is retried; doubles up to {@link #retryBackoffMaxMillis()}. */
    @WithDefault("200")
    long retryBackoffMillis();

    /** Longest wait between retries of an infrastructure failure (retried until it succeeds). */
    @WithDefault("30000")
    long retryBackoffMaxMillis();

    /** Milliseconds a dead letter's send may take before it is retried. */
    @WithDefault("10000")
    long deadLetterSendTimeoutMillis();
}
