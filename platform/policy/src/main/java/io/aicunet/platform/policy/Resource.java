package io.aicunet.platform.policy;

import io.aicunet.platform.tenancy.TenantId;
import java.util.Objects;
import java.util.Optional;

/**
 * What a call acts on: its type, its id (empty for collections) and the tenant that
 * owns it (empty for platform-level resources such as the list of tenants).
 */
public record Resource(String type, String id, Optional<TenantId> tenant) {

    public Resource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
    }

    /** A resource owned by a tenant. */
    public static Resource owned(String type, String id, TenantId tenant) {
        return new Resource(type, id, Optional.of(tenant));
    }

    /** A platform-level resource, owned by no tenant. */
    public static Resource platform(String type) {
        return new Resource(type, "", Optional.empty());
    }
}
