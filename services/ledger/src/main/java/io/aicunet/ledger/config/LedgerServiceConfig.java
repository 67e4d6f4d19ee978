package io.aicunet.ledger.config;

import io.aicunet.platform.outbox.TenantSweep;
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
     * moves them from {@code available} to {@code usage}. Agent runs reserve and post
     * tokens from {@code tokens} (the token budget's account, see {@link #tokenBudget()})
     * to {@code tokens-used}.
     */
    @WithDefault("funding:CREDIT,available:CREDIT:debits_must_not_exceed_credits,usage:CREDIT,tokens:TOKEN,"
            + "tokens-used:TOKEN")
    List<String> defaultAccounts();

    /** The tenants' daily token budgets (tokens_per_day of the tenant service's quotas). */
    TokenBudget tokenBudget();

    /** Pending transfers whose timeout passed. */
    Expiry expiry();

    /** The debits-equal-credits check. */
    Invariant invariant();

    /** FinOps reports. */
    Reports reports();

    /** Privacy requests (export and erasure of a tenant's or a data subject's personal data). */
    Privacy privacy();

    /** Retention of personal data per the tenant's periods (docs/ledger.md, Privacy). */
    Retention retention();


    interface TokenBudget {
        /**
         * The code of the default account whose debits count against the tenant's daily
         * token budget; one of {@link #defaultAccounts()}, so its id is the tenant's
         * default account id for this code (UUID v3 of "tenant-id/code").
         */
        @WithDefault("tokens")
        String accountCode();

        /**
         * Tokens per day of a tenant whose quota the tenant service has not sent yet (no
         * TenantCreated or TenantUpdated with quotas applied): none, so nothing is spent
         * against a budget nobody set.
         */
        @WithDefault("0")
        long unknownTenantTokensPerDay();
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

    interface Privacy {
        /**
         * Most accounts one export or subject erasure covers; a request over more fails
         * (and the tenant service reports it) rather than being answered incompletely.
         */
        @WithDefault("100000")
        int accountsMax();

        /** Rows one statement of an export or erasure reads or changes. */
        @WithDefault("1000")
        int batchSize();
    }

    interface Retention extends TenantSweep.Settings {
        /** How often a pass removes personal data past the tenants' periods (a Quarkus duration). */
        @WithDefault("1h")
        String interval();

        /** Tenants one pass looks at; the next pass, on any replica, goes on after the last of them. */
        @Override
        @WithDefault("100")
        int tenantsPerPassMax();

        /** Rows one retention statement changes (one short transaction each). */
        @WithDefault("1000")
        int batchSize();

        /** Most batches per tenant and pass, so one tenant's backlog cannot hold up the others for long. */
        @WithDefault("100")
        int batchesPerTenantMax();
    }
}
