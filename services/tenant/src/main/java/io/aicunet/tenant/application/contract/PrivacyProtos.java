package io.aicunet.tenant.application.contract;

import com.google.protobuf.Timestamp;
import io.aicunet.contracts.privacy.v1.PrivacyRequestFulfilled;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import io.aicunet.contracts.privacy.v1.PrivacyRequestStatus;
import io.aicunet.contracts.privacy.v1.ServicePart;
import io.aicunet.tenant.domain.PrivacyRequest;
import java.time.Instant;
import java.util.Locale;

/** Privacy requests as the contracts spell them. */
public final class PrivacyProtos {

    private PrivacyProtos() {
    }

    public static io.aicunet.contracts.privacy.v1.PrivacyRequest toProto(PrivacyRequest request) {
        io.aicunet.contracts.privacy.v1.PrivacyRequest.Builder proto =
                io.aicunet.contracts.privacy.v1.PrivacyRequest.newBuilder()
                        .setRequestId(request.id().toString())
                        .setKind(kind(request.kind()))
                        .setTenantId(request.tenant().toString())
                        .setSubjectId(request.subjectId())
                        .setStatus(PrivacyRequestStatus.valueOf("PRIVACY_REQUEST_STATUS_" + request.status().name()))
                        .setCreatedAt(timestamp(request.createdAt()))
                        .setDeadline(timestamp(request.deadline()))
                        .setFailureReason(request.failureReason().orElse(""))
                        .setManifestObject(request.manifestObject().orElse(""));
        request.completedAt().ifPresent(at -> proto.setCompletedAt(timestamp(at)));
        request.keyDestroyedAt().ifPresent(at -> proto.setKeyDestroyedAt(timestamp(at)));
        for (String service : request.expectedServices()) {
            ServicePart.Builder part = ServicePart.newBuilder().setService(service);
            PrivacyRequest.Part answer = request.parts().get(service);
            if (answer != null) {
                part.setFulfilled(true).setFulfilledAt(timestamp(answer.fulfilledAt()))
                        .setObject(answer.object()).setSha256(answer.sha256()).putAllCounts(answer.counts());
            }
            proto.addParts(part);
        }
        return proto.build();
    }

    public static PrivacyRequestKind kind(PrivacyRequest.Kind kind) {
        return PrivacyRequestKind.valueOf("PRIVACY_REQUEST_KIND_" + kind.name());
    }

    /** The wire name of a proto kind ({@code export}), or null when unspecified. */
    public static String wireName(PrivacyRequestKind kind) {
        return kind == PrivacyRequestKind.PRIVACY_REQUEST_KIND_UNSPECIFIED || kind == PrivacyRequestKind.UNRECOGNIZED
                ? null
                : kind.name().substring("PRIVACY_REQUEST_KIND_".length()).toLowerCase(Locale.ROOT);
    }

    /** A service's answer as the part of the request it fulfils. */
    public static PrivacyRequest.Part part(PrivacyRequestFulfilled answer) {
        return new PrivacyRequest.Part(answer.getService(), instant(answer.getFulfilledAt()), answer.getObject(),
                answer.getSha256(), answer.getCountsMap());
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
