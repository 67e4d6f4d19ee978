package io.aicunet.tenant.domain;

/** What a tenant may use. Every figure is at least zero; zero allows nothing. */
public record Quotas(long requestsPerMinute, long tokensPerDay, long storageBytes) {

    public Quotas {
        if (requestsPerMinute < 0 || tokensPerDay < 0 || storageBytes < 0) {
            throw new IllegalArgumentException("quotas are never negative: " + requestsPerMinute + ", "
                    + tokensPerDay + ", " + storageBytes);
        }
    }
}
