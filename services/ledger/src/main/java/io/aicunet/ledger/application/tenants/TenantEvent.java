package io.aicunet.ledger.application.tenants;

import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
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

    /**
     * A tenant's daily token quota as an event carried it, with the tenant's version
     * (which grows with every change), so an older quota never replaces a newer one.
     */
    public record TokenQuota(long tokensPerDay, long version) {
        public TokenQuota {
            if (tokensPerDay < 0 || version < 0) {
                throw new IllegalArgumentException("tokens per day and version are never negative: " + tokensPerDay
                        + ", " + version);
            }
        }
    }

    /** The tenant was created: it gets its default accounts and, when the event carries quotas, its token quota. */
    public record Created(Optional<TokenQuota> quota) implements Change {
        public Created {
            Objects.requireNonNull(quota, "quota");
        }
    }

    /** The tenant was changed: its token quota, when the event carries quotas. */
    public record Updated(Optional<TokenQuota> quota) implements Change {
        public Updated {
            Objects.requireNonNull(quota, "quota");
        }
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

    /** Another tenant event (e.g. TenantOffboarded), which does not concern the ledger. */
    public record Other(String type) implements Change {
    }
}
