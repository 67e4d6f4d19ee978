package io.aicunet.config.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of scope an entry can have, from least to most specific: when several
 * apply to a (tenant, service), the most specific wins. A tenant's override beats a
 * service's default because it is the tenant's own choice.
 */
public enum ScopeKind {
    GLOBAL,
    SERVICE,
    TENANT,
    TENANT_SERVICE;

    /** Higher wins. */
    public int precedence() {
        return ordinal();
    }

    public boolean hasTenant() {
        return this == TENANT || this == TENANT_SERVICE;
    }

    public boolean hasService() {
        return this == SERVICE || this == TENANT_SERVICE;
    }

    /** The name in the database, REST and cache: global, service, tenant, tenant_service. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ScopeKind> fromWireName(String wireName) {
        for (ScopeKind kind : values()) {
            if (kind.wireName().equals(wireName)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
