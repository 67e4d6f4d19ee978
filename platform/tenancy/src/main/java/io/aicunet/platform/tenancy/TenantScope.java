package io.aicunet.platform.tenancy;

/**
 * Which tenants' rows a call may touch: one tenant's, or (for platform operators and
 * service accounts acting for the platform) every tenant's. The policy decides who
 * may act at which scope; row-level security enforces it in the database.
 */
public sealed interface TenantScope {

    /** The header value that asks for platform scope. */
    String PLATFORM_HEADER_VALUE = "platform";

    /** The value of the {@code aicunet.tenant_id} setting and of the policy input's tenant. */
    String asText();

    record SingleTenant(TenantId tenant) implements TenantScope {
        @Override
        public String asText() {
            return tenant.toString();
        }
    }

    record Platform() implements TenantScope {
        @Override
        public String asText() {
            return PLATFORM_HEADER_VALUE;
        }
    }

    static TenantScope of(TenantId tenant) {
        return new SingleTenant(tenant);
    }

    static TenantScope platform() {
        return new Platform();
    }
}
