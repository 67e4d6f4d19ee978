package io.aicunet.audit.adapter.grpc;

import com.google.protobuf.ByteString;
import io.aicunet.audit.application.checkpoints.CreateCheckpoint;
import io.aicunet.audit.application.checkpoints.ListCheckpoints;
import io.aicunet.audit.application.checkpoints.Proofs;
import io.aicunet.audit.application.checkpoints.SigningKeys;
import io.aicunet.audit.application.contract.AuditProtos;
import io.aicunet.audit.application.records.AppendRecords;
import io.aicunet.audit.application.records.AppendRecords.AppendCommand;
import io.aicunet.audit.application.records.AppendRecords.RecordInput;
import io.aicunet.audit.application.records.ExportRecords;
import io.aicunet.audit.application.records.QueryRecords;
import io.aicunet.audit.application.retention.ApplyRetention;
import io.aicunet.audit.application.retention.SetLegalHold;
import io.aicunet.audit.application.verification.VerifyLog;
import io.aicunet.contracts.audit.v1.AppendRequest;
import io.aicunet.contracts.audit.v1.AppendResponse;
import io.aicunet.contracts.audit.v1.AppendedRecord;
import io.aicunet.contracts.audit.v1.ApplyRetentionRequest;
import io.aicunet.contracts.audit.v1.ApplyRetentionResponse;
import io.aicunet.contracts.audit.v1.AuditService;
import io.aicunet.contracts.audit.v1.CreateCheckpointRequest;
import io.aicunet.contracts.audit.v1.CreateCheckpointResponse;
import io.aicunet.contracts.audit.v1.ExportRecordsRequest;
import io.aicunet.contracts.audit.v1.ExportRecordsResponse;
import io.aicunet.contracts.audit.v1.GetConsistencyProofRequest;
import io.aicunet.contracts.audit.v1.GetConsistencyProofResponse;
import io.aicunet.contracts.audit.v1.GetInclusionProofRequest;
import io.aicunet.contracts.audit.v1.GetInclusionProofResponse;
import io.aicunet.contracts.audit.v1.ListCheckpointsRequest;
import io.aicunet.contracts.audit.v1.ListCheckpointsResponse;
import io.aicunet.contracts.audit.v1.ListVerificationKeysRequest;
import io.aicunet.contracts.audit.v1.ListVerificationKeysResponse;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.contracts.audit.v1.QueryRecordsResponse;
import io.aicunet.contracts.audit.v1.SetLegalHoldRequest;
import io.aicunet.contracts.audit.v1.SetLegalHoldResponse;
import io.aicunet.contracts.audit.v1.VerificationKey;
import io.aicunet.contracts.audit.v1.VerifyLogRequest;
import io.aicunet.contracts.audit.v1.VerifyLogResponse;
import io.aicunet.platform.auditlog.ExportLine;
import io.aicunet.platform.auditlog.TreeHeadSignatures;
import io.aicunet.platform.tenancy.GrpcCallers;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** AuditService over gRPC: translates messages to use-case calls and results to responses. */
@GrpcService
public class AuditGrpcService implements AuditService {

    /** Bytes of JSON Lines per export message, well under the gRPC message limit. */
    private static final int EXPORT_CHUNK_BYTES = 512 * 1024;

    private final AppendRecords appendRecords;
    private final QueryRecords queryRecords;
    private final CreateCheckpoint createCheckpoint;
    private final ListCheckpoints listCheckpoints;
    private final Proofs proofs;
    private final VerifyLog verifyLog;
    private final ExportRecords exportRecords;
    private final SetLegalHold setLegalHold;
    private final ApplyRetention applyRetention;
    private final SigningKeys keys;

    public AuditGrpcService(AppendRecords appendRecords, QueryRecords queryRecords, CreateCheckpoint createCheckpoint,
                            ListCheckpoints listCheckpoints, Proofs proofs, VerifyLog verifyLog,
                            ExportRecords exportRecords, SetLegalHold setLegalHold, ApplyRetention applyRetention,
                            SigningKeys keys) {
        this.appendRecords = appendRecords;
        this.queryRecords = queryRecords;
        this.createCheckpoint = createCheckpoint;
        this.listCheckpoints = listCheckpoints;
        this.proofs = proofs;
        this.verifyLog = verifyLog;
        this.exportRecords = exportRecords;
        this.setLegalHold = setLegalHold;
        this.applyRetention = applyRetention;
        this.keys = keys;
    }

    @Override
    public Uni<AppendResponse> append(AppendRequest request) {
        List<RecordInput> inputs = new ArrayList<>(request.getRecordsCount());
        request.getRecordsList().forEach(r -> inputs.add(new RecordInput(r.getRecordId(), r.getActor(), r.getAction(),
                r.getResource(), r.getOutcome(), r.getReason(), r.getCorrelationId(),
                AuditProtos.instant(r.hasOccurredAt(), r.getOccurredAt()), r.getDetails().toByteArray())));
        AppendCommand command = new AppendCommand(request.getTenantId(), inputs, "grpc");
        return GrpcCallers.serve(caller -> appendRecords.execute(caller, command), placed -> {
            AppendResponse.Builder response = AppendResponse.newBuilder();
            placed.forEach(p -> response.addRecords(AppendedRecord.newBuilder().setRecordId(p.recordId().toString())
                    .setSequence(p.sequence()).setReplayed(p.replayed())));
            return response.build();
        });
    }

    @Override
    public Uni<QueryRecordsResponse> queryRecords(QueryRecordsRequest request) {
        QueryRecords.Query query = new QueryRecords.Query(request.getTenantId(),
                request.hasActor() ? Optional.of(request.getActor()) : Optional.empty(),
                request.hasAction() ? Optional.of(request.getAction()) : Optional.empty(),
                request.hasResource() ? Optional.of(request.getResource()) : Optional.empty(),
                request.hasOutcome() ? Optional.of(request.getOutcome()) : Optional.empty(),
                AuditProtos.instant(request.hasRecordedFrom(), request.getRecordedFrom()),
                AuditProtos.instant(request.hasRecordedTo(), request.getRecordedTo()),
                request.getPageSize(), request.getPageToken());
        return GrpcCallers.serve(caller -> queryRecords.execute(caller, query), page -> {
            QueryRecordsResponse.Builder response = QueryRecordsResponse.newBuilder()
                    .setNextPageToken(page.nextPageToken());
            page.records().forEach(r -> response.addRecords(AuditProtos.toProto(r)));
            return response.build();
        });
    }

    @Override
    public Uni<CreateCheckpointResponse> createCheckpoint(CreateCheckpointRequest request) {
        return GrpcCallers.serve(caller -> createCheckpoint.execute(caller, request.getTenantId()),
                checkpoint -> CreateCheckpointResponse.newBuilder()
                        .setCheckpoint(AuditProtos.toProto(checkpoint)).build());
    }

    @Override
    public Uni<ListCheckpointsResponse> listCheckpoints(ListCheckpointsRequest request) {
        return GrpcCallers.serve(caller -> listCheckpoints.execute(caller, request.getTenantId(),
                request.getPageSize(), request.getPageToken()), page -> {
                    ListCheckpointsResponse.Builder response = ListCheckpointsResponse.newBuilder()
                            .setNextPageToken(page.nextPageToken());
                    page.checkpoints().forEach(c -> response.addCheckpoints(AuditProtos.toProto(c)));
                    return response.build();
                });
    }

    @Override
    public Uni<GetInclusionProofResponse> getInclusionProof(GetInclusionProofRequest request) {
        return GrpcCallers.serve(caller -> proofs.inclusion(caller, request.getTenantId(), request.getSequence(),
                request.getTreeSize()), proof -> GetInclusionProofResponse.newBuilder()
                        .setCheckpoint(AuditProtos.toProto(proof.checkpoint()))
                        .setRecord(AuditProtos.toProto(proof.record()))
                        .addAllPath(AuditProtos.hashes(proof.path()))
                        .build());
    }

    @Override
    public Uni<GetConsistencyProofResponse> getConsistencyProof(GetConsistencyProofRequest request) {
        return GrpcCallers.serve(caller -> proofs.consistency(caller, request.getTenantId(),
                request.getFirstTreeSize(), request.getSecondTreeSize()), proof -> GetConsistencyProofResponse
                        .newBuilder()
                        .setFirst(AuditProtos.toProto(proof.first()))
                        .setSecond(AuditProtos.toProto(proof.second()))
                        .addAllPath(AuditProtos.hashes(proof.path()))
                        .build());
    }

    @Override
    public Uni<VerifyLogResponse> verifyLog(VerifyLogRequest request) {
        return GrpcCallers.serve(caller -> verifyLog.execute(caller, request.getTenantId()), AuditProtos::toProto);
    }

    @Override
    public Multi<ExportRecordsResponse> exportRecords(ExportRecordsRequest request) {
        return GrpcCallers.serve(caller -> exportRecords.execute(caller, request.getTenantId(),
                        request.getFirstSequence(), request.getLastSequence()), AuditGrpcService::chunks)
                .onItem().transformToMulti(chunks -> Multi.createFrom().iterable(chunks));
    }

    /** The export's lines cut into messages of whole lines. */
    private static List<ExportRecordsResponse> chunks(List<ExportLine> lines) {
        List<ExportRecordsResponse> chunks = new ArrayList<>();
        ByteArrayOutputStream chunk = new ByteArrayOutputStream(EXPORT_CHUNK_BYTES + 4096);
        for (ExportLine line : lines) {
            chunk.writeBytes((line.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
            if (chunk.size() >= EXPORT_CHUNK_BYTES) {
                chunks.add(ExportRecordsResponse.newBuilder().setChunk(ByteString.copyFrom(chunk.toByteArray())).build());
                chunk.reset();
            }
        }
        if (chunk.size() > 0) {
            chunks.add(ExportRecordsResponse.newBuilder().setChunk(ByteString.copyFrom(chunk.toByteArray())).build());
        }
        return chunks;
    }

    @Override
    public Uni<SetLegalHoldResponse> setLegalHold(SetLegalHoldRequest request) {
        return GrpcCallers.serve(caller -> setLegalHold.execute(caller, request.getTenantId(), request.getHeld(),
                request.getReason()), held -> SetLegalHoldResponse.newBuilder().setHeld(held).build());
    }

    @Override
    public Uni<ApplyRetentionResponse> applyRetention(ApplyRetentionRequest request) {
        return GrpcCallers.serve(caller -> applyRetention.execute(caller, request.getTenantId()),
                outcome -> ApplyRetentionResponse.newBuilder()
                        .setRecordsRemoved(outcome.recordsRemoved())
                        .setFirstRetainedSequence(outcome.firstRetainedSequence())
                        .setKeptBecause(outcome.keptBecause())
                        .build());
    }

    @Override
    public Uni<ListVerificationKeysResponse> listVerificationKeys(ListVerificationKeysRequest request) {
        // Public keys are public: anyone who holds an export may fetch them (and should check them elsewhere too).
        ListVerificationKeysResponse.Builder response = ListVerificationKeysResponse.newBuilder();
        keys.verificationKeys().forEach((id, key) -> response.addKeys(VerificationKey.newBuilder()
                .setKeyId(id).setPublicKey(TreeHeadSignatures.encode(key)).setActive(id.equals(keys.activeKeyId()))));
        return Uni.createFrom().item(response.build());
    }
}
