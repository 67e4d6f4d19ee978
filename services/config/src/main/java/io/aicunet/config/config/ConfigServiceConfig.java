package io.aicunet.config.config;

import io.aicunet.platform.outbox.TenantSweep;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Settings of the config service (every key under {@code config.}). The package is
 * {@code config} like every service's settings package, so it reads
 * {@code io.aicunet.config.config}: the first {@code config} is the service, the second
 * the template's settings package.
 */
@ConfigMapping(prefix = "config")
public interface ConfigServiceConfig {

    /** Largest page ListRevisions returns. */
    @WithDefault("100")
    int pageSizeMax();

    /** Page size when the caller asks for none. */
    @WithDefault("20")
    int pageSizeDefault();

    /** Largest value of one entry, as UTF-8 JSON text. */
    @WithDefault("65536")
    int valueBytesMax();

    /** Largest JSON Schema a namespace may register. */
    @WithDefault("262144")
    int schemaBytesMax();

    /** Most namespaces one request may name. */
    @WithDefault("50")
    int namespacesPerRequestMax();

    /** Most entries one effective configuration may merge; more is refused (narrow by namespace). */
    @WithDefault("5000")
    int effectiveEntriesMax();

    /** Most entries one diff may return; a wider diff is refused (narrow the range or the namespace). */
    @WithDefault("1000")
    int diffEntriesMax();

    /** Most existing entries a new schema version is checked against; a namespace with more cannot change schema. */
    @WithDefault("10000")
    int schemaCheckEntriesMax();

    Cache cache();

    Watch watch();

    Revisions revisions();

    Privacy privacy();

    /** Privacy requests and the retention of tenants' history (docs/config.md, Privacy). */
    interface Privacy extends TenantSweep.Settings {

        /** Rows one statement of an erasure deletes; it loops until none is left. */
        @WithDefault("1000")
        int batchMax();

        /**
         * Entries or revisions per page of an export, which streams page by page: with
         * values of up to value-bytes-max (64 KiB), a page stays within a few MiB.
         */
        @WithDefault("100")
        int exportPageRecords();

        /** Whether this replica runs the retention of tenants' history (safe on many replicas). */
        @WithDefault("true")
        boolean retentionEnabled();

        /** How often the retention of tenants' history runs. */
        @WithDefault("1h")
        String retentionInterval();

        /** Revisions one retention transaction deletes. */
        @WithDefault("1000")
        int retentionBatchMax();

        /** Batches one run spends on one tenant; the rest waits for the next run. */
        @WithDefault("100")
        int retentionBatchesPerTenantMax();

        /** Tenants one run of the retention looks at; the next run goes on after the last of them (TenantSweep). */
        @Override
        @WithDefault("10000")
        int tenantsPerPassMax();
    }


    /** The Redis cache of effective configurations. */
    interface Cache {

        /** Whether effective configurations are cached in Redis at all. */
        @WithDefault("true")
        boolean enabled();

        /** How long a cached effective configuration lives even if nothing invalidates it. */
        @WithDefault("PT5M")
        Duration ttl();

        /** How long one Redis call may take; a slower one is skipped and the database answers. */
        @WithDefault("200")
        long timeoutMillis();
    }

    /** The watch and its fan-out between replicas. */
    interface Watch {

        /** Most watch streams one replica serves; more are refused with UNAVAILABLE (try another replica). */
        @WithDefault("1000")
        int sessionsMax();

        /**
         * Most watch streams one tenant has open at a time, across every replica (leases in
         * Redis); one more is refused with RESOURCE_EXHAUSTED. Counts streams of callers acting
         * for a tenant; platform-scope callers are bounded by sessions-max alone.
         */
        @WithDefault("100")
        int streamsPerTenantMax();

        /**
         * How long an open stream's lease in Redis lasts unless its replica renews it: how long
         * the streams of a replica that died still count.
         */
        @WithDefault("30000")
        long streamLeaseMillis();

        /**
         * Longest a stream that counts against a tenant stays open: then it ends normally and
         * the client resumes after its last revision (the Java client does). The service is not
         * told when a client cancels or vanishes (quarkusio/quarkus#46986), so this bounds how
         * long such a client holds its slot.
         */
        @WithDefault("PT10M")
        Duration streamAgeMax();

        /** How often each replica renews the leases of its open streams; well under stream-lease-millis. */
        @WithDefault("10s")
        String streamLeaseRenewInterval();

        /** How long taking, renewing or giving back a lease in Redis may take; slower counts as unreachable. */
        @WithDefault("500")
        long streamLeaseTimeoutMillis();

        /** Most revisions one database read of the watch returns. */
        @WithDefault("500")
        int batchSize();

        /** Most live batches a slow watcher may have waiting; beyond it the watcher re-reads from the database. */
        @WithDefault("64")
        int inboxBatchesMax();

        /** Redis pub/sub channel on which every replica announces the revisions it committed. */
        @WithDefault("t:{platform}:config:revisions")
        String channel();

        /**
         * How often each replica looks for revisions it was not told about (a lost
         * pub/sub message, a replica that died after commit); the safety net's delay.
         */
        @WithDefault("1s")
        String pollInterval();

        /** How long announcing a revision on Redis may take. */
        @WithDefault("500")
        long publishTimeoutMillis();
    }

    /** How long revisions are kept. */
    interface Revisions {

        /** Revisions older than this are compacted away by the scheduled job (watches from before must reload). */
        @WithDefault("P30D")
        Duration retention();

        /** Whether this replica runs the scheduled compaction (safe on many replicas). */
        @WithDefault("true")
        boolean compactionEnabled();

        /** How often the compaction job runs. */
        @WithDefault("1h")
        String compactionInterval();
    }
}
