package io.aicunet.tenant.application.contract;

import io.aicunet.contracts.tenant.v1.TenantDataKeyRead;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.tenancy.TenantId;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Where the tenant service records that a tenant's data key was handed out, and the
 * records themselves: one event per read, in the read's own transaction, so the audit log
 * (the only reader of the topic) shows every principal that could decrypt a tenant's data.
 */
@ApplicationScoped
public class KeyAccessEvents {

    /** TenantDataKeyRead, keyed by tenant id. */
    public static final String TOPIC = "tenant.key-access.v1";

    private final Outbox outbox;

    public KeyAccessEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    /** {@code readBy} (a token's subject) was handed the key {@code keyId} of {@code tenant}. */
    public OutboxEvent read(TenantId tenant, String keyId, String readBy, boolean created) {
        return outbox.event(TOPIC, tenant, keyId, TenantDataKeyRead.newBuilder()
                .setKeyId(keyId)
                .setReadBy(readBy)
                .setCreated(created)
                .build());
    }
}
