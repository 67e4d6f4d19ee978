package io.aicunet.audit.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Settings of the audit service. */
@ConfigMapping(prefix = "audit")
public interface AuditServiceConfig {

    /** Direct appends (gRPC and REST). */
    Append append();

    /** Kafka ingest of the fleet's events. */
    Ingest ingest();

    /** Segments: runs of records whose tree is sealed and which retention removes whole. */
    Segments segments();

    /** Ed25519 keys of checkpoints. */
    Signing signing();

    /** The periodic checkpoint job. */
    Checkpoints checkpoints();

    /** The periodic verification job. */
    Verification verification();

    /** The periodic retention job. */
    Retention retention();

    /** Queries and exports. */
    Query query();

    /** The service's part of privacy requests (export and erasure of a tenant or data subject). */
    Privacy privacy();

    /** Redis's ACL LOG as metrics (adapter.scheduling's RedisAclLog, docs/redis.md "ACL users"). */
    RedisAclLog redisAclLog();

    interface RedisAclLog {
        /** Whether the ACL LOG is read (audit's Redis user needs {@code +acl|log}). */
        @WithDefault("true")
        boolean enabled();

        /** How often the log is read. */
        @WithDefault("15s")
        Duration interval();
    }

    interface Append {
        /** Most records in one Append call. */
        @WithDefault("1000")
        int batchRecordsMax();

        /** Most bytes of details in one record. */
        @WithDefault("16384")
        int detailsBytesMax();

        /** Most bytes of all text and details in one Append call. */
        @WithDefault("4000000")
        int batchBytesMax();
    }

    interface Ingest {
        /** Topics ingested, a regular expression matched after the per-run topic prefix. */
        @WithDefault("(tenant\\.tenants|tenant\\.key-access|tenant\\.privacy-requests|ledger\\.transfers|agent-state\\.agents|config\\.entries|config\\.secret-access"
            + "|[a-z-]+\\.privacy)\\.v[0-9]+")
        String topicPattern();

        /** Transactions one consumed batch is spread over, by tenant, running at once. */
        @WithDefault("4")
        int parallelTransactions();

        /** An event payload larger than this is kept as its SHA-256 only. */
        @WithDefault("65536")
        int detailsBytesMax();
    }

    interface Segments {
        /** Records per segment for tenants whose log starts now (a power of two); a log keeps its size forever. */
        @WithDefault("1024")
        int size();
    }

    interface Signing {
        /** The key id that signs new checkpoints; it must have a private key. */
        String activeKeyId();

        /** Every key by id: the active one with its private key, rotated-out ones with their public key only. */
        Map<String, Key> keys();

        interface Key {
            /** Base64 of the PKCS#8 encoding of the Ed25519 private key; only the active key needs one. */
            Optional<String> privateKey();

            /** Base64 of the X.509 encoding of the Ed25519 public key. */
            String publicKey();
        }
    }

    interface Checkpoints {
        /** How often every tenant whose log grew gets a new checkpoint. */
        @WithDefault("60s")
        Duration interval();

        /** Whether this replica runs the job (any number may: tenants are taken with SKIP LOCKED). */
        @WithDefault("true")
        boolean enabled();

        /** Most tenants one pass checkpoints. */
        @WithDefault("200")
        int tenantsPerPassMax();

        /** Most checkpoints ListCheckpoints returns in one page. */
        @WithDefault("100")
        int pageSizeMax();
    }

    interface Verification {
        /** How often the job verifies tenants' logs. */
        @WithDefault("10m")
        Duration interval();

        @WithDefault("true")
        boolean enabled();

        /** Most tenants one pass verifies (the least recently verified first). */
        @WithDefault("20")
        int tenantsPerPassMax();

        /** Records read per query while verifying. */
        @WithDefault("5000")
        int readBatchRecords();

        /** Most checkpoints whose signatures one verification checks (the newest). */
        @WithDefault("100")
        int checkpointsMax();
    }

    interface Retention {
        /** How often the job removes expired segments. */
        @WithDefault("1h")
        Duration interval();

        @WithDefault("true")
        boolean enabled();

        /** Most tenants one pass visits. */
        @WithDefault("100")
        int tenantsPerPassMax();
    }

    interface Query {
        /** Largest page of QueryRecords. */
        @WithDefault("500")
        int pageSizeMax();

        /** Page size when the caller asks for none. */
        @WithDefault("100")
        int pageSizeDefault();

        /** Most records in one export. */
        @WithDefault("100000")
        int exportRecordsMax();
    }

    interface Privacy {
        /**
         * Records read per query while exporting, one page of the streamed export: with
         * details of up to 64 KiB (ingest), a page stays within a few tens of MiB.
         */
        @WithDefault("100")
        int exportPageRecords();

        /** Records whose ciphertext one statement of a subject's erasure removes. */
        @WithDefault("10000")
        int redactionBatchRecords();
    }
}
