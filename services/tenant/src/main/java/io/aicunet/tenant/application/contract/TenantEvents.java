package io.aicunet.tenant.application;

/** Where the tenant service announces its changes. */
public final class TenantEvents {

    /** Every tenant event, keyed by tenant id. */
    public static final String TOPIC = "tenant.tenants.v1";

    private TenantEvents() {
    }
}
