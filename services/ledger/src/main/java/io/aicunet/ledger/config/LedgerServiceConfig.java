package io.aicunet.ledger.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/** Settings of the ledger service. */
@ConfigMapping(prefix = "ledger")
public interface LedgerServiceConfig {

    /** Most transfers one CreateTransfers call may carry; at most 8,190. */
    @WithDefault("8190")
    int batchTransfersMax();

    /** Largest page of an account statement (ListAccountTransfers). */
    @WithDefault("1000")
    int pageSizeMax();

    /** Page size of an account statement when the caller asks for none. */
    @WithDefault("100")
    int pageSizeDefault();

    /**
     * How often a batch is tried again when a concurrent batch created one of its
     * transfer ids first (the retry then answers EXISTS or EXISTS_WITH_DIFFERENT_BODY).
     */
    @WithDefault("3")
    int conflictRetriesMax();

    /**
     * The accounts every new tenant gets (on TenantCreated), each as
     * {@code code:UNIT[:debits_must_not_exceed_credits|credits_must_not_exceed_debits]}.
     * Their ids are derived from tenant and code (UUID v3 of "tenant-id/code"), so
     * callers can compute them. The default chart: credits are bought from
     * {@code funding} into {@code available}, which cannot go below zero, and usage
     * moves them from {@code available} to {@code usage}.
     */
    @WithDefault("funding:CREDIT,available:CREDIT:debits_must_not_exceed_credits,usage:CREDIT")
    List<String> defaultAccounts();

    /** Policy allow decisions remembered in this replica. */
    PolicyCache policyCache();

    /** Pending transfers whose timeout passed. */
    Expiry expiry();

    /** The debits-equal-credits check. */
    Invariant invariant();

    /** FinOps reports. */
    Reports reports();

    interface PolicyCache {
        /**
         * How long an allow decision is reused for exactly the same caller, action and
         * resource; 0 asks the policy every time. A changed policy applies after at most this.
         */
        @WithDefault("1000")
        long timeToLiveMillis();

        /** Most decisions remembered; when full, the cache starts over. */
        @WithDefault("10000")
        int entriesMax();
    }

    interface Expiry {
        /** How often each replica looks for expired pending transfers (a Quarkus duration, e.g. 1s). */
        @WithDefault("1s")
        String interval();

        /** Most pending transfers one expiry pass settles. */
        @WithDefault("500")
        int batchSize();
    }

    interface Invariant {
        /** How often each replica verifies that debits equal credits per tenant and unit. */
        @WithDefault("60s")
        String interval();

        /** Most violations one check reports. */
        @WithDefault("100")
        int violationsMax();
    }

    interface Reports {
        /** Widest date range one report covers, in days. */
        @WithDefault("366")
        int daysMax();

        /** Most rows one report returns; a longer report says it was truncated. */
        @WithDefault("1000")
        int rowsMax();
    }
}
