package io.aicunet.config.application.namespaces;

import io.aicunet.config.application.access.ConfigAccess;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantScope;
import java.util.Optional;

/** Namespaces and schemas are platform-level definitions that every tenant's callers may read. */
final class NamespaceAccess {

    static final String READ = "config.schemas.read";
    static final String WRITE = "config.schemas.write";

    private NamespaceAccess() {
    }

    /**
     * Reading is asked about as the caller's own tenant (a tenant role may read the
     * definitions its entries must follow); writing is always platform-level.
     */
    static Resource forReading(Caller caller, String namespace) {
        return ConfigAccess.resourceOf(ConfigAccess.SCHEMA, namespace,
                caller.scope() instanceof TenantScope.SingleTenant single ? Optional.of(single.tenant())
                        : Optional.empty());
    }

    static Resource forWriting(String namespace) {
        return ConfigAccess.resourceOf(ConfigAccess.SCHEMA, namespace, Optional.empty());
    }
}
