package io.aicunet.config.domain;

import io.aicunet.platform.tenancy.TenantId;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an entry applies: everywhere, in one service, for one tenant, or for one
 * tenant in one service. A tenant-bearing scope is that tenant's data (row-level
 * security, tenant policy); the others are platform-level.
 */
public record ConfigScope(ScopeKind kind, Optional<TenantId> tenant, Optional<String> service) {

    public ConfigScope {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(service, "service");
        if (kind.hasTenant() != tenant.isPresent() || kind.hasService() != service.isPresent()) {
            throw new IllegalArgumentException("scope " + kind + " with tenant " + tenant + " and service " + service);
        }
    }

    public static ConfigScope global() {
        return new ConfigScope(ScopeKind.GLOBAL, Optional.empty(), Optional.empty());
    }

    public static ConfigScope service(String service) {
        return new ConfigScope(ScopeKind.SERVICE, Optional.empty(), Optional.of(service));
    }

    public static ConfigScope tenant(TenantId tenant) {
        return new ConfigScope(ScopeKind.TENANT, Optional.of(tenant), Optional.empty());
    }

    public static ConfigScope tenantService(TenantId tenant, String service) {
        return new ConfigScope(ScopeKind.TENANT_SERVICE, Optional.of(tenant), Optional.of(service));
    }

    /**
     * The scope as one text, unique per scope and part of an entry's identity:
     * {@code global}, {@code service:<s>}, {@code tenant:<uuid>}, {@code tenant_service:<uuid>:<s>}.
     */
    public String id() {
        StringBuilder id = new StringBuilder(kind.wireName());
        tenant.ifPresent(t -> id.append(':').append(t));
        service.ifPresent(s -> id.append(':').append(s));
        return id.toString();
    }

    /**
     * Whether a change at this scope can reach a reader that follows {@code readerTenant}
     * (empty: every tenant, or none when {@code allTenants} is false) and
     * {@code readerService} (empty: every service).
     */
    public boolean reaches(Optional<TenantId> readerTenant, boolean allTenants, Optional<String> readerService) {
        boolean tenantMatches = tenant.isEmpty()
                || (readerTenant.isPresent() ? readerTenant.equals(tenant) : allTenants);
        boolean serviceMatches = service.isEmpty() || readerService.isEmpty() || readerService.equals(service);
        return tenantMatches && serviceMatches;
    }

    @Override
    public String toString() {
        return id();
    }
}
