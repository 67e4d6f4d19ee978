package io.aicunet.platform.limits;

import io.aicunet.platform.tenancy.TenantId;
import java.util.Objects;

/**
 * What a tenant stores with one service after a write: {@code bytes} in all, of which
 * {@code writtenBytes} came from the write's own transaction (negative when it freed
 * room), against {@code quotaBytes}, the tenant's {@code storage_bytes} quota.
 */
public record StorageUse(TenantId tenant, long bytes, long writtenBytes, long quotaBytes) {

    public StorageUse {
        Objects.requireNonNull(tenant, "tenant");
        if (bytes < 0 || quotaBytes < 0) {
            throw new IllegalArgumentException("a use and a quota are 0 or more: " + bytes + ", " + quotaBytes);
        }
    }

    /** What the tenant stored before this write. */
    public long bytesBefore() {
        return Math.max(0, bytes - writtenBytes);
    }

    /** Whether the tenant now stores more than its quota. */
    public boolean overQuota() {
        return bytes > quotaBytes;
    }
}
