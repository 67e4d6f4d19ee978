package io.aicunet.audit.application.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.audit.AuditGrpcClient;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.contracts.audit.v1.VerifyLogRequest;
import io.aicunet.contracts.audit.v1.VerifyLogResponse;
import io.aicunet.platform.auditlog.ExportVerifier;
import io.aicunet.platform.auditlog.Finding;
import io.aicunet.platform.auditlog.MerkleTree;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.aicunet.platform.auditlog.TreeHeadSignatures;
import io.aicunet.platform.auditlog.TreeNodes;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Key rotation: checkpoints signed by a rotated-out key still verify, by its key id. */
@QuarkusTest
class KeyRotationTest {

    /**
     * The private half of local-1, the local stack's rotated-out key (application.properties
     * keeps only its public key); a test plays the service as it was before the rotation.
     */
    private static final String LOCAL_1_PRIVATE_KEY = "MC4CAQAwBQYDK2VwBCIEID0rHky99sW0phD+oKZqyEAA5u3Bu5GLqQjjZ/IVxr3W";

    @TestHTTPResource(tls = true)
    URL service;

    /**
     * Proves: a checkpoint signed by local-1 before the rotation verifies in the service's
     * VerifyLog and in the offline verifier holding both keys, and is refused as
     * UNKNOWN_KEY by a verifier that holds only the new key.
     */
    @Test
    void rotatedOutKeyStillVerifies() throws Exception {
        String tenant = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(AuditFixtures.anAppend(tenant, 11).build());
            List<byte[]> leaves = client.asAuditor().queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenant)
                            .build()).getRecordsList().stream()
                    .map(r -> MerkleTree.leafHash(r.getRecordHash().toByteArray())).toList();
            SignedTreeHead old = TreeHeadSignatures.sign(TreeHeadSignatures.privateKey(LOCAL_1_PRIVATE_KEY), "local-1",
                    UUID.fromString(tenant), 11, MerkleTree.root(new TreeNodes().withLeaves(0, leaves), 11),
                    Instant.now());
            try (Connection superuser = FleetTestResource.database().connectAsSuperuser();
                    PreparedStatement insert = superuser.prepareStatement("INSERT INTO audit.audit_checkpoints"
                            + " (tenant_id, tree_size, root_hash, issued_at, key_id, signature) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setObject(1, old.tenantId());
                insert.setLong(2, old.treeSize());
                insert.setBytes(3, old.rootHash());
                insert.setTimestamp(4, Timestamp.from(old.issuedAt()));
                insert.setString(5, old.keyId());
                insert.setBytes(6, old.signature());
                insert.executeUpdate();
            }

            VerifyLogResponse verified = client.asAuditor().verifyLog(VerifyLogRequest.newBuilder().setTenantId(tenant)
                    .build());
            assertThat(verified.getVerified()).as(verified.toString()).isTrue();
            assertThat(verified.getCheckpointsVerified()).isEqualTo(1);

            List<String> export = client.export(tenant, 0, 0);
            assertThat(export).anyMatch(line -> line.contains("\"key_id\":\"local-1\""));
            assertThat(new ExportVerifier(client.verificationKeys()).verify(export).ok()).isTrue();
            var onlyNewKey = Map.of("local-2", client.verificationKeys().get("local-2"));
            assertThat(new ExportVerifier(onlyNewKey).verify(export).findings()).extracting(Finding::kind)
                    .contains(Finding.Kind.UNKNOWN_KEY);
        }
    }
}
