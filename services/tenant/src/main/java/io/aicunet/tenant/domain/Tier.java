package io.aicunet.tenant.domain;

/** What a tenant pays for; decides the quotas it gets unless they are set explicitly. */
public enum Tier {
    FREE(new Quotas(60, 100_000, 1L << 30)),
    STANDARD(new Quotas(600, 5_000_000, 50L << 30)),
    ENTERPRISE(new Quotas(6_000, 100_000_000, 1L << 40));

    private final Quotas defaultQuotas;

    Tier(Quotas defaultQuotas) {
        this.defaultQuotas = defaultQuotas;
    }

    public Quotas defaultQuotas() {
        return defaultQuotas;
    }
}
