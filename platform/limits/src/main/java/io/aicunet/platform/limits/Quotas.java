package io.aicunet.platform.limits;

/**
 * What a tenant may use, as the tenant service stores it: requests per minute (the
 * request rate limit), tokens per day (the ledger's token budget) and bytes stored (each
 * service's storage quota). Every figure is at least zero; zero allows nothing.
 */
public record Quotas(long requestsPerMinute, long tokensPerDay, long storageBytes) {

    public Quotas {
        if (requestsPerMinute < 0 || tokensPerDay < 0 || storageBytes < 0) {
            throw new IllegalArgumentException("quotas are never negative: requests per minute " + requestsPerMinute
                    + ", tokens per day " + tokensPerDay + ", storage bytes " + storageBytes);
        }
    }

    /** Nothing at all: the quotas of a tenant that was erased. */
    public static Quotas none() {
        return new Quotas(0, 0, 0);
    }
}
