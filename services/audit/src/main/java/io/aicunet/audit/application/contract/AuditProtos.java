package io.aicunet.audit.application.contract;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.aicunet.audit.domain.DetailsState;
import io.aicunet.audit.domain.RevealedRecord;
import io.aicunet.contracts.audit.v1.Checkpoint;
import io.aicunet.contracts.audit.v1.FindingKind;
import io.aicunet.contracts.audit.v1.VerifyLogResponse;
import io.aicunet.platform.auditlog.AuditRecord;
import io.aicunet.platform.auditlog.Finding;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.aicunet.platform.auditlog.VerificationReport;
import io.aicunet.platform.problem.InputChecks;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Audit values as the contract spells them (used by the gRPC edge). */
public final class AuditProtos {

    private AuditProtos() {
    }

    public static io.aicunet.contracts.audit.v1.AuditRecord toProto(AuditRecord r) {
        return io.aicunet.contracts.audit.v1.AuditRecord.newBuilder()
                .setTenantId(r.tenantId().toString())
                .setSequence(r.sequence())
                .setRecordId(r.recordId().toString())
                .setOccurredAt(timestamp(r.occurredAt()))
                .setRecordedAt(timestamp(r.recordedAt()))
                .setOrigin(r.origin())
                .setActor(r.actor())
                .setAction(r.action())
                .setResource(r.resource())
                .setOutcome(r.outcome())
                .setReason(r.reason())
                .setCorrelationId(r.correlationId())
                .setDetails(ByteString.copyFrom(r.details()))
                .setPreviousHash(ByteString.copyFrom(r.previousHash()))
                .setRecordHash(ByteString.copyFrom(r.recordHash()))
                .build();
    }

    /**
     * A queried record: its details as revealed (decrypted while the tenant's key exists).
     * Details that cannot be read (key destroyed, or removed by a subject's erasure) are
     * given as what the record hash covers, the reference that begins with
     * {@code aicunet.audit.sealed/1:}; the contract has no field for the state yet.
     */
    public static io.aicunet.contracts.audit.v1.AuditRecord toProto(RevealedRecord r) {
        io.aicunet.contracts.audit.v1.AuditRecord record = toProto(r.record());
        if (r.details().isEmpty() || r.state() == DetailsState.PLAIN) {
            return record;
        }
        return record.toBuilder().setDetails(ByteString.copyFrom(r.details().get())).build();
    }

    public static Checkpoint toProto(SignedTreeHead c) {
        return Checkpoint.newBuilder()
                .setTenantId(c.tenantId().toString())
                .setTreeSize(c.treeSize())
                .setRootHash(ByteString.copyFrom(c.rootHash()))
                .setIssuedAt(timestamp(c.issuedAt()))
                .setKeyId(c.keyId())
                .setSignature(ByteString.copyFrom(c.signature()))
                .build();
    }

    public static VerifyLogResponse toProto(VerificationReport report) {
        VerifyLogResponse.Builder response = VerifyLogResponse.newBuilder()
                .setVerified(report.ok())
                .setFirstSequence(report.firstSequence())
                .setLastSequence(report.lastSequence())
                .setRecordsVerified(report.recordsVerified())
                .setCheckpointsVerified(report.checkpointsVerified());
        for (Finding finding : report.findings()) {
            response.addFindings(io.aicunet.contracts.audit.v1.Finding.newBuilder()
                    .setKind(FindingKind.valueOf("FINDING_KIND_" + finding.kind().name()))
                    .setSequence(finding.sequence())
                    .setDetail(finding.detail()));
        }
        return response.build();
    }

    public static List<ByteString> hashes(List<byte[]> path) {
        return path.stream().map(ByteString::copyFrom).toList();
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    public static Optional<Instant> instant(boolean present, Timestamp timestamp) {
        // Never throws: a timestamp out of range is refused where it is validated (InputChecks).
        return present ? Optional.of(InputChecks.instantOf(timestamp.getSeconds(), timestamp.getNanos()))
                : Optional.empty();
    }
}
