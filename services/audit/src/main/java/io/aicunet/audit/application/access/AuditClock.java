package io.aicunet.audit.application.access;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** Where the log's recording times come from: the system clock, replaceable in tests. */
@ApplicationScoped
public class AuditClock {

    public Instant now() {
        return Instant.now();
    }
}
