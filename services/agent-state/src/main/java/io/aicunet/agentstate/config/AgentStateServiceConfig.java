package io.aicunet.agentstate.config;

import io.aicunet.platform.outbox.TenantSweep;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the agent-state service. */
@ConfigMapping(prefix = "agent-state")
public interface AgentStateServiceConfig {

    /** Largest state a checkpoint may hold, in UTF-8 bytes of its JSON text (1 MiB). */
    @WithDefault("1048576")
    int stateBytesMax();

    /** Largest page ListCheckpoints and ListDeadTasks return. */
    @WithDefault("100")
    int pageSizeMax();

    /** Page size when the caller asks for none. */
    @WithDefault("20")
    int pageSizeDefault();

    /** How long any single Redis command may take before it counts as Redis being unavailable. */
    @WithDefault("1000")
    long redisTimeoutMillis();

    /** How the writes that must survive a Redis failover are confirmed (docs/redis-durability.md). */
    RedisWrites redis();

    /** The Redis cache of each thread's latest checkpoint. */
    Cache cache();

    /** Heartbeats and the detection of lost agents. */
    Heartbeat heartbeat();

    /** Leases on agents. */
    Lease lease();

    /** Task queues on Redis streams. */
    Tasks tasks();

    /** Retention of checkpoints and the job that applies it. */
    Retention retention();

    /** Erasure of a tenant's data. */
    Erasure erasure();

    /** Privacy requests (export and erasure of a tenant or a data subject). */
    Privacy privacy();

    interface RedisWrites {

        /**
         * How many replicas must have a lease acquisition or renewal, a task enqueue or a task
         * acknowledgement (Redis WAIT, sent on the write's own connection) before it is
         * acknowledged; fewer within {@link #waitTimeoutMillis} fails the call as unavailable.
         * 0 (a single node, which has no replica): no WAIT. 1 on a cluster with a replica per master.
         */
        @WithDefault("0")
        int waitReplicas();

        /** How long WAIT waits for the replicas; below agent-state.redis-timeout-millis. */
        @WithDefault("250")
        long waitTimeoutMillis();
    }

    interface Cache {

        /** Whether reads try Redis first; writes keep the cache correct either way. */
        @WithDefault("true")
        boolean enabled();

        /** How long a cached checkpoint (personal data, possibly) stays in Redis without being written again. */
        @WithDefault("3600000")
        long ttlMillis();

        /** Most cache repairs one pass of the repair job handles. */
        @WithDefault("500")
        int repairBatchMax();

        /** How often each replica runs the cache repair job (a Quarkus duration, e.g. 1s). */
        @WithDefault("1s")
        String repairEvery();
    }

    interface Heartbeat {

        /** Silence after which an idle or running agent that heartbeats is marked lost. */
        @WithDefault("30000")
        long lostAfterMillis();

        /** How long the lost detector leaves an agent it found alive before checking it again. */
        @WithDefault("5000")
        long checkIntervalMillis();

        /** Most agents one pass of the lost detector examines. */
        @WithDefault("500")
        int detectorBatchMax();

        /** How often each replica runs the lost detector (a Quarkus duration, e.g. 1s). */
        @WithDefault("1s")
        String detectorEvery();
    }

    interface Lease {

        /** Lease time when the claim names none. */
        @WithDefault("30000")
        long ttlMillisDefault();

        /** Shortest lease a worker may claim. */
        @WithDefault("100")
        long ttlMillisMin();

        /** Longest lease a worker may claim or renew to. */
        @WithDefault("600000")
        long ttlMillisMax();
    }

    interface Tasks {

        /** Most tasks one queue holds (waiting or claimed); an enqueue beyond it is refused. */
        @WithDefault("100000")
        int queueLengthMax();

        /**
         * Most queues one tenant has at a time, counted on Redis across every replica; creating
         * one more is refused (RESOURCE_EXHAUSTED / 429), enqueueing into an existing one never.
         * A queue counts while its stream or its dead-letter stream lives.
         */
        @WithDefault("1000")
        int queuesPerTenantMax();

        /** Largest task payload, in UTF-8 bytes of its JSON text (64 KiB). */
        @WithDefault("65536")
        int payloadBytesMax();

        /** How often a task may be handed out before it goes to the dead-letter stream. */
        @WithDefault("5")
        int deliveriesMax();

        /** How long a claimed task may stay unacknowledged before another consumer may reclaim it. */
        @WithDefault("30000")
        long claimTimeoutMillis();

        /** Most tasks one ClaimTasks call returns. */
        @WithDefault("100")
        int claimCountMax();

        /** Most entries a queue's dead-letter stream keeps (oldest are trimmed). */
        @WithDefault("10000")
        int deadLetterLengthMax();

        /** How long a queue and its dead-letter stream live after their last use (payloads may be personal data). */
        @WithDefault("604800000")
        long queueTtlMillis();
    }

    interface Retention extends TenantSweep.Settings {

        /** How many newest checkpoints per thread a tenant without a policy keeps. */
        @WithDefault("100")
        int keepLastDefault();

        /** Largest keep-last a tenant may choose. */
        @WithDefault("100000")
        int keepLastMax();

        /** Idle-thread TTL of a tenant without a policy, in seconds; 0 keeps idle threads forever. */
        @WithDefault("0")
        long idleThreadTtlSecondsDefault();

        /** Most threads one retention transaction prunes or deletes. */
        @WithDefault("50")
        int threadsBatchMax();

        /** Most checkpoints one retention transaction deletes from one thread. */
        @WithDefault("1000")
        int checkpointsBatchMax();

        /** Most transactions one retention pass runs before it yields to the next tick. */
        @WithDefault("20")
        int passBatchesMax();

        /** How long idempotency keys are kept, in seconds. */
        @WithDefault("86400")
        long idempotencyKeyTtlSeconds();

        /** Whether this replica runs the retention job on its schedule. Any number of replicas may. */
        @WithDefault("true")
        boolean jobEnabled();

        /** How often the retention job runs (a Quarkus duration, e.g. 60s). */
        @WithDefault("60s")
        String jobEvery();

        /**
         * Most tenants one pass of the data-class retention (the tenant's periods per data
         * class, from the tenant service) works on; the next pass, on any replica, goes on
         * after the last.
         */
        @Override
        @WithDefault("100")
        int tenantsPerPassMax();
    }

    interface Erasure {

        /** Most rows one erasure transaction deletes from one table. */
        @WithDefault("1000")
        int batchMax();

        /** Most transactions one EraseTenantData call runs; the caller repeats until complete. */
        @WithDefault("20")
        int batchesPerCallMax();

        /** Most Redis keys one SCAN step of the erasure visits. */
        @WithDefault("500")
        int redisScanCount();
    }

    interface Privacy {

        /** Most records of one kind one export query reads (the export pages through them). */
        @WithDefault("500")
        int exportPageMax();

        /**
         * Most bytes of checkpoint state one export page holds: a page has this divided by
         * {@code agent-state.state-bytes-max} checkpoints (at least one, at most
         * export-page-max), so an export needs a few pages of memory, whatever its size.
         */
        @WithDefault("4194304")
        int exportPageBytes();
    }
}
