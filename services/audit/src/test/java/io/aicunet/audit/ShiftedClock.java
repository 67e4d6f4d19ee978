package io.aicunet.audit;

import io.aicunet.audit.application.access.AuditClock;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.time.Duration;
import java.time.Instant;

/** The service's clock in tests: the system clock, shifted when a test needs records from the past. */
@Alternative
@Priority(1)
@ApplicationScoped
public class ShiftedClock extends AuditClock {

    private static volatile Duration shift = Duration.ZERO;

    /** Runs {@code work} while the service's clock is {@code by} off (negative: in the past). */
    public static void shifted(Duration by, Runnable work) {
        shift = by;
        try {
            work.run();
        } finally {
            shift = Duration.ZERO;
        }
    }

    @Override
    public Instant now() {
        return super.now().plus(shift);
    }
}
