package io.aicunet.tenant.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Set;

/** Settings of the tenant service; its master keys are {@link TenantKeySettings}. */
@ConfigMapping(prefix = "tenant")
public interface TenantServiceConfig {

    /** The default of {@link #regions()}, also what the OpenAPI document built with the service lists. */
    String REGIONS_DEFAULT = "eu-central-1,eu-west-1,us-east-1";
    /** The default of {@link #pageSizeMax()}. */
    String PAGE_SIZE_MAX_DEFAULT = "100";

    /** Regions a tenant's data may live in (data residency); a tenant picks one at registration. */
    @WithDefault(REGIONS_DEFAULT)
    Set<String> regions();

    /** Largest page ListTenants returns. */
    @WithDefault(PAGE_SIZE_MAX_DEFAULT)
    int pageSizeMax();

    /** Page size when the caller asks for none. */
    @WithDefault("20")
    int pageSizeDefault();

    /** Days an idempotency key of CreateTenant is remembered; a retry within them returns the first result. */
    @WithDefault("7")
    int idempotencyKeyRetentionDays();

    /** Services that must answer every privacy request (the tenant service does its own part). */
    @WithDefault("ledger,agent-state,audit,config")
    Set<String> privacyServices();

    /** Seconds a privacy request may stay pending before it fails, naming who did not answer. */
    @WithDefault("3600")
    long privacyDeadlineSeconds();

    /** Most expired idempotency keys one run of the expiry job deletes. */
    @WithDefault("1000")
    int idempotencyKeyExpiryBatchMax();
}
