package io.aicunet.audit;

import io.aicunet.contracts.audit.v1.AuditServiceGrpc;
import io.aicunet.contracts.audit.v1.AuditServiceGrpc.AuditServiceBlockingStub;
import io.aicunet.contracts.audit.v1.ExportRecordsRequest;
import io.aicunet.contracts.audit.v1.ListVerificationKeysRequest;
import io.aicunet.platform.auditlog.TreeHeadSignatures;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.GrpcTestChannel;
import io.aicunet.platform.testing.TestCallers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A gRPC client of the audit service under test, calling as a given caller. */
public final class AuditGrpcClient implements AutoCloseable {

    private final GrpcTestChannel channel;

    public AuditGrpcClient(int port) {
        channel = GrpcTestChannel.open(port, Duration.ofSeconds(60));
    }

    public AuditServiceBlockingStub as(Map<String, String> callerHeaders) {
        return channel.as(AuditServiceGrpc::newBlockingStub, callerHeaders);
    }

    public AuditServiceBlockingStub asService() {
        return as(AuditFixtures.platformService());
    }

    public AuditServiceBlockingStub asAuditor() {
        return as(AuditFixtures.platformAuditor());
    }

    /** The export of a tenant's records as JSON Lines, the chunks joined. */
    public List<String> export(String tenantId, long first, long last) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        asAuditor().exportRecords(ExportRecordsRequest.newBuilder().setTenantId(tenantId).setFirstSequence(first)
                .setLastSequence(last).build()).forEachRemaining(chunk -> bytes.writeBytes(chunk.getChunk().toByteArray()));
        return Arrays.asList(bytes.toString(StandardCharsets.UTF_8).split("\n"));
    }

    /** The service's verification keys, as an auditor would fetch them. */
    public Map<String, PublicKey> verificationKeys() {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        as(TestCallers.headers("platform", "anyone", java.util.Set.of()))
                .listVerificationKeys(ListVerificationKeysRequest.getDefaultInstance())
                .getKeysList().forEach(k -> keys.put(k.getKeyId(), TreeHeadSignatures.publicKey(k.getPublicKey())));
        return keys;
    }

    @Override
    public void close() {
        channel.close();
    }
}
