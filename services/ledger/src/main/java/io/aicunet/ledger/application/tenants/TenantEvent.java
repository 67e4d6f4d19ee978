package io.aicunet.ledger.application.tenants;

import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An event of the tenant service as the ledger reads it, decoded at the edge: the
 * event's id (for the inbox), the tenant, when it happened and what changed.
 */
public record TenantEvent(UUID eventId, TenantId tenant, Instant time, Change change) {

    public TenantEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(change, "change");
    }

    /** What happened to the tenant. */
    public sealed interface Change {
    }

    /** The tenant was created: it gets its default accounts. */
    public record Created() implements Change {
    }

    /** The tenant was suspended; {@code reason} is empty when the event gave none. */
    public record Suspended(String reason) implements Change {
        public Suspended {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The tenant was reactivated. */
    public record Reactivated() implements Change {
    }

    /** Another tenant event (e.g. TenantUpdated), which does not concern the ledger. */
    public record Other(String type) implements Change {
    }
}
