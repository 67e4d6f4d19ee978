package io.aicunet.audit.application.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aicunet.audit.AuditGrpcClient;
import io.aicunet.audit.KafkaIngestTest;
import io.aicunet.audit.ShiftedClock;
import io.aicunet.contracts.audit.v1.ApplyRetentionRequest;
import io.aicunet.contracts.audit.v1.ApplyRetentionResponse;
import io.aicunet.contracts.audit.v1.Checkpoint;
import io.aicunet.contracts.audit.v1.CreateCheckpointRequest;
import io.aicunet.contracts.audit.v1.GetConsistencyProofRequest;
import io.aicunet.contracts.audit.v1.GetInclusionProofRequest;
import io.aicunet.contracts.audit.v1.GetInclusionProofResponse;
import io.aicunet.contracts.audit.v1.ListCheckpointsRequest;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.contracts.audit.v1.SetLegalHoldRequest;
import io.aicunet.contracts.audit.v1.VerifyLogRequest;
import io.aicunet.contracts.audit.v1.VerifyLogResponse;
import io.aicunet.contracts.tenant.v1.TenantCreated;
import io.aicunet.platform.auditlog.ExportVerifier;
import io.aicunet.platform.auditlog.MerkleTree;
import io.aicunet.platform.auditlog.VerificationReport;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.FleetTestResource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retention: a tenant's period comes from the tenant service's events; expired
 * records leave only as whole segments, through the database function; a legal hold
 * stops it; and what remains verifies, online and offline.
 */
@QuarkusTest
class RetentionTest {

    @TestHTTPResource(tls = true)
    URL service;

    /**
     * Proves: with an audit retention of 1 day (from a TenantCreated event), 20 records
     * recorded 10 days ago and 3 recorded now, in segments of 8, a legal hold keeps
     * everything; lifted, retention removes exactly records 1..16 (two whole segments,
     * not the partly expired third); the remaining log verifies (stored and exported),
     * its records still have inclusion proofs and its checkpoints consistency proofs,
     * and a removed record's proof is refused as removed.
     */
    @Test
    void expiredSegmentsGoAndTheRestStillVerifies() throws Exception {
        TenantId tenant = TenantId.random();
        String id = tenant.toString();
        KafkaIngestTest.publish(List.of(KafkaIngestTest.event("tenant.tenants.v1", "aicunet.tenant.v1.TenantCreated",
                "/aicunet/tenant", tenant, TenantCreated.newBuilder().setTenant(KafkaIngestTest.tenant(tenant, 1, 1))
                        .build().toByteArray())));
        await().atMost(Duration.ofSeconds(60)).until(() -> Integer.valueOf(1).equals(KafkaIngestTest.retentionDays(tenant)));

        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            // The TenantCreated event itself is record 1, recorded now, before 23 records from 10 days ago:
            // the first segment is not wholly expired, so nothing may go although most records expired.
            ShiftedClock.shifted(Duration.ofDays(-10), () ->
                    client.asService().append(AuditFixtures.anAppend(id, 23).build()));
            client.asAuditor().createCheckpoint(CreateCheckpointRequest.newBuilder().setTenantId(id).build());
            ApplyRetentionRequest apply = ApplyRetentionRequest.newBuilder().setTenantId(id).build();
            ApplyRetentionResponse notYet = client.as(AuditFixtures.platformCompliance()).applyRetention(apply);
            assertThat(notYet.getRecordsRemoved()).isZero();
            assertThat(notYet.getKeptBecause()).isEqualTo("nothing_expired");
        }

        // A second tenant whose whole first two segments are old.
        TenantId old = TenantId.random();
        String oldId = old.toString();
        try (Connection superuser = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement policy = superuser.prepareStatement(
                        "INSERT INTO audit.audit_tenant_policies (tenant_id, retention_days, tenant_version) VALUES (?, 1, 1)")) {
            policy.setObject(1, old.value());
            policy.executeUpdate();
        }
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            ShiftedClock.shifted(Duration.ofDays(-10), () ->
                    client.asService().append(AuditFixtures.anAppend(oldId, 20).build()));
            client.asAuditor().createCheckpoint(CreateCheckpointRequest.newBuilder().setTenantId(oldId).build());
            client.asService().append(AuditFixtures.anAppend(oldId, 3).build());
            client.asAuditor().createCheckpoint(CreateCheckpointRequest.newBuilder().setTenantId(oldId).build());

            client.as(AuditFixtures.platformCompliance()).setLegalHold(SetLegalHoldRequest.newBuilder()
                    .setTenantId(oldId).setHeld(true).setReason("case 2026-17").build());
            ApplyRetentionRequest apply = ApplyRetentionRequest.newBuilder().setTenantId(oldId).build();
            ApplyRetentionResponse held = client.as(AuditFixtures.platformCompliance()).applyRetention(apply);
            assertThat(held.getRecordsRemoved()).isZero();
            assertThat(held.getKeptBecause()).isEqualTo("legal_hold");
            assertThatThrownBy(() -> removeAsApp(oldId, 16)).hasMessageContaining("legal hold");

            client.as(AuditFixtures.platformCompliance()).setLegalHold(SetLegalHoldRequest.newBuilder()
                    .setTenantId(oldId).setHeld(false).build());
            ApplyRetentionResponse removed = client.as(AuditFixtures.platformCompliance()).applyRetention(apply);
            assertThat(removed.getRecordsRemoved()).isEqualTo(16);
            assertThat(removed.getFirstRetainedSequence()).isEqualTo(17);
            assertThat(client.asAuditor().queryRecords(QueryRecordsRequest.newBuilder().setTenantId(oldId).build())
                    .getRecordsList()).extracting(r -> r.getSequence())
                    .containsExactly(17L, 18L, 19L, 20L, 21L, 22L, 23L);

            VerifyLogResponse verified = client.asAuditor().verifyLog(VerifyLogRequest.newBuilder().setTenantId(oldId)
                    .build());
            assertThat(verified.getVerified()).as(verified.toString()).isTrue();
            assertThat(verified.getFirstSequence()).isEqualTo(17);
            assertThat(verified.getCheckpointsVerified()).isEqualTo(2);

            VerificationReport offline = new ExportVerifier(client.verificationKeys()).verify(client.export(oldId, 0, 0));
            assertThat(offline.ok()).as(offline.summary()).isTrue();
            assertThat(offline.recordsVerified()).isEqualTo(7);

            GetInclusionProofResponse proof = client.asAuditor().getInclusionProof(GetInclusionProofRequest.newBuilder()
                    .setTenantId(oldId).setSequence(18).build());
            assertThat(MerkleTree.verifyInclusion(17, proof.getCheckpoint().getTreeSize(),
                    MerkleTree.leafHash(proof.getRecord().getRecordHash().toByteArray()),
                    proof.getPathList().stream().map(b -> b.toByteArray()).toList(),
                    proof.getCheckpoint().getRootHash().toByteArray())).isTrue();
            List<Checkpoint> checkpoints = client.asAuditor().listCheckpoints(ListCheckpointsRequest.newBuilder()
                    .setTenantId(oldId).build()).getCheckpointsList();
            assertThat(checkpoints).extracting(Checkpoint::getTreeSize).containsExactly(23L, 20L);
            var consistency = client.asAuditor().getConsistencyProof(GetConsistencyProofRequest.newBuilder()
                    .setTenantId(oldId).setFirstTreeSize(20).build());
            assertThat(MerkleTree.verifyConsistency(20, 23, checkpoints.get(1).getRootHash().toByteArray(),
                    checkpoints.get(0).getRootHash().toByteArray(),
                    consistency.getPathList().stream().map(b -> b.toByteArray()).toList())).isTrue();

            assertThatThrownBy(() -> client.asAuditor().getInclusionProof(GetInclusionProofRequest.newBuilder()
                    .setTenantId(oldId).setSequence(3).build()))
                    .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                            .isEqualTo(Status.Code.FAILED_PRECONDITION))
                    .hasMessageContaining("removed by retention");
        }
    }

    /** Proves: the app role calling the removal function directly cannot remove records that have not expired. */
    @Test
    void removalFunctionEnforcesTheRules() {
        TenantId tenant = TenantId.random();
        String id = tenant.toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(AuditFixtures.anAppend(id, 16).build());
            client.asAuditor().createCheckpoint(CreateCheckpointRequest.newBuilder().setTenantId(id).build());
        }
        assertThatThrownBy(() -> removeAsApp(id, 8)).hasMessageContaining("no audit retention period");
        try (Connection superuser = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement policy = superuser.prepareStatement(
                        "INSERT INTO audit.audit_tenant_policies (tenant_id, retention_days, tenant_version) VALUES (?, 1, 1)")) {
            policy.setObject(1, tenant.value());
            policy.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThatThrownBy(() -> removeAsApp(id, 8)).hasMessageContaining("are not all older than 1 days");
        assertThatThrownBy(() -> removeAsApp(id, 5)).hasMessageContaining("are not whole retained segments");
    }

    private static void removeAsApp(String tenant, long upTo) throws Exception {
        try (Connection app = FleetTestResource.database().connectAsApp();
                PreparedStatement remove = app.prepareStatement(
                        "SELECT set_config('aicunet.platform', 'on', false), remove_expired_segments(?::uuid, ?)")) {
            remove.setString(1, tenant);
            remove.setLong(2, upTo);
            remove.execute();
        }
    }
}
