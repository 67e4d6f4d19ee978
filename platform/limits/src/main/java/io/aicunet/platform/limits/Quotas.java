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

    /** Requests a minute an erased tenant's callers still get (the FREE tier's), so the services answer them "erased". */
    public static final long ERASED_REQUESTS_PER_MINUTE = 60;

    /**
     * The quotas of a tenant that was erased: no tokens, no bytes, and the FREE tier's
     * request rate, so its leftover callers reach the services and learn that the tenant
     * is gone (NOT_FOUND, FAILED_PRECONDITION) instead of a misleading "quota 0 a minute".
     */
    public static Quotas erased() {
        return new Quotas(ERASED_REQUESTS_PER_MINUTE, 0, 0);
    }
}
