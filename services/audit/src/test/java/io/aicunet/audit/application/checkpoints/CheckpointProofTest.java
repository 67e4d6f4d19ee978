package io.aicunet.audit.application.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.aicunet.audit.AuditGrpcClient;
import io.aicunet.contracts.audit.v1.Checkpoint;
import io.aicunet.contracts.audit.v1.CreateCheckpointRequest;
import io.aicunet.contracts.audit.v1.GetConsistencyProofRequest;
import io.aicunet.contracts.audit.v1.GetConsistencyProofResponse;
import io.aicunet.contracts.audit.v1.GetInclusionProofRequest;
import io.aicunet.contracts.audit.v1.GetInclusionProofResponse;
import io.aicunet.contracts.audit.v1.ListCheckpointsRequest;
import io.aicunet.platform.auditlog.MerkleTree;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.aicunet.platform.auditlog.TreeHeadSignatures;
import io.aicunet.platform.testing.AuditFixtures;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Signed tree heads, inclusion proofs and consistency proofs, checked with the offline verifier's code. */
@QuarkusTest
class CheckpointProofTest {

    @TestHTTPResource(tls = true)
    URL service;

    @Inject
    SignCheckpoints signCheckpoints;

    static SignedTreeHead fromProto(Checkpoint c) {
        return new SignedTreeHead(UUID.fromString(c.getTenantId()), c.getTreeSize(), c.getRootHash().toByteArray(),
                Instant.ofEpochSecond(c.getIssuedAt().getSeconds(), c.getIssuedAt().getNanos()), c.getKeyId(),
                c.getSignature().toByteArray());
    }

    private static List<byte[]> path(List<ByteString> path) {
        return path.stream().map(ByteString::toByteArray).toList();
    }

    /**
     * Proves: an on-demand checkpoint over 21 records (two sealed segments and a tail)
     * carries a valid Ed25519 signature under the published key, every record's
     * inclusion proof verifies against it, and a later checkpoint is proven consistent.
     */
    @Test
    void checkpointsAndProofsVerify() {
        String tenant = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            Map<String, PublicKey> keys = client.verificationKeys();
            client.asService().append(AuditFixtures.anAppend(tenant, 21).build());
            SignedTreeHead first = fromProto(client.asAuditor().createCheckpoint(
                    CreateCheckpointRequest.newBuilder().setTenantId(tenant).build()).getCheckpoint());
            assertThat(first.treeSize()).isEqualTo(21);
            assertThat(TreeHeadSignatures.verify(keys.get(first.keyId()), first)).isTrue();

            for (long sequence = 1; sequence <= 21; sequence++) {
                GetInclusionProofResponse proof = client.asAuditor().getInclusionProof(GetInclusionProofRequest
                        .newBuilder().setTenantId(tenant).setSequence(sequence).setTreeSize(21).build());
                byte[] leaf = MerkleTree.leafHash(proof.getRecord().getRecordHash().toByteArray());
                assertThat(MerkleTree.verifyInclusion(sequence - 1, 21, leaf, path(proof.getPathList()),
                        first.rootHash())).as("record %d", sequence).isTrue();
            }

            client.asService().append(AuditFixtures.anAppend(tenant, 14).build());
            SignedTreeHead second = fromProto(client.asAuditor().createCheckpoint(
                    CreateCheckpointRequest.newBuilder().setTenantId(tenant).build()).getCheckpoint());
            assertThat(second.treeSize()).isEqualTo(35);
            GetConsistencyProofResponse consistency = client.asAuditor().getConsistencyProof(
                    GetConsistencyProofRequest.newBuilder().setTenantId(tenant).setFirstTreeSize(21).build());
            assertThat(consistency.getSecond().getTreeSize()).isEqualTo(35);
            assertThat(MerkleTree.verifyConsistency(21, 35, first.rootHash(), second.rootHash(),
                    path(consistency.getPathList()))).isTrue();
            assertThat(MerkleTree.verifyConsistency(21, 35, second.rootHash(), first.rootHash(),
                    path(consistency.getPathList()))).isFalse();

            // Asking again at the same size returns the same checkpoint, not a second one.
            assertThat(client.asAuditor().createCheckpoint(CreateCheckpointRequest.newBuilder().setTenantId(tenant)
                    .build()).getCheckpoint().getSignature()).isEqualTo(ByteString.copyFrom(second.signature()));
            assertThat(client.asAuditor().listCheckpoints(ListCheckpointsRequest.newBuilder().setTenantId(tenant)
                    .build()).getCheckpointsList()).extracting(Checkpoint::getTreeSize).containsExactly(35L, 21L);
        }
    }

    /** Proves: the periodic job signs a checkpoint for a tenant whose log grew, and none when it did not. */
    @Test
    void periodicJobCheckpointsGrownLogs() {
        String tenant = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(AuditFixtures.anAppend(tenant, 5).build());
            assertThat(signCheckpoints.runOnce().await().indefinitely()).isGreaterThanOrEqualTo(1);
            List<Checkpoint> checkpoints = client.asAuditor().listCheckpoints(ListCheckpointsRequest.newBuilder()
                    .setTenantId(tenant).build()).getCheckpointsList();
            assertThat(checkpoints).extracting(Checkpoint::getTreeSize).containsExactly(5L);
            signCheckpoints.runOnce().await().indefinitely();
            assertThat(client.asAuditor().listCheckpoints(ListCheckpointsRequest.newBuilder().setTenantId(tenant)
                    .build()).getCheckpointsCount()).isEqualTo(1);
        }
    }

    /** Proves: proofs name what is wrong: a record beyond the checkpoint, a missing checkpoint. */
    @Test
    void proofRequestsOutOfRangeAreRefused() {
        String tenant = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(AuditFixtures.anAppend(tenant, 4).build());
            client.asAuditor().createCheckpoint(CreateCheckpointRequest.newBuilder().setTenantId(tenant).build());
            assertThatThrownBy(() -> client.asAuditor().getInclusionProof(GetInclusionProofRequest.newBuilder()
                    .setTenantId(tenant).setSequence(5).build()))
                    .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                            .isEqualTo(Status.Code.INVALID_ARGUMENT));
            assertThatThrownBy(() -> client.asAuditor().getConsistencyProof(GetConsistencyProofRequest.newBuilder()
                    .setTenantId(tenant).setFirstTreeSize(3).build()))
                    .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                            .isEqualTo(Status.Code.NOT_FOUND));
        }
    }
}
