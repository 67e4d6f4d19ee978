package io.aicunet.tenant.application.contract;

import io.aicunet.contracts.privacy.v1.PrivacyRequestCompleted;
import io.aicunet.contracts.privacy.v1.PrivacyRequestCreated;
import io.aicunet.contracts.privacy.v1.PrivacyRequestFailed;
import io.aicunet.contracts.privacy.v1.TenantDataKeyDestroyed;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.tenant.domain.PrivacyRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Where the tenant service announces privacy requests and where services answer, and the
 * announcements themselves, built from domain values.
 */
@ApplicationScoped
public class PrivacyEvents {

    /** PrivacyRequestCreated, PrivacyRequestCompleted, PrivacyRequestFailed, TenantDataKeyDestroyed. */
    public static final String TOPIC = "tenant.privacy-requests.v1";

    /** The topic on which {@code service} answers with PrivacyRequestFulfilled. */
    public static String answersTopic(String service) {
        return service + ".privacy.v1";
    }

    private final Outbox outbox;

    public PrivacyEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    public OutboxEvent created(PrivacyRequest request) {
        return outbox.event(TOPIC, request.tenant(), request.id().toString(), PrivacyRequestCreated.newBuilder()
                .setRequestId(request.id().toString())
                .setKind(PrivacyProtos.kind(request.kind()))
                .setTenantId(request.tenant().toString())
                .setSubjectId(request.subjectId())
                .setDeadline(PrivacyProtos.timestamp(request.deadline()))
                .setExportPrefix(request.exportPrefix())
                .build());
    }

    public OutboxEvent completed(PrivacyRequest request) {
        return outbox.event(TOPIC, request.tenant(), request.id().toString(),
                PrivacyRequestCompleted.newBuilder().setRequest(PrivacyProtos.toProto(request)).build());
    }

    public OutboxEvent failed(PrivacyRequest request) {
        return outbox.event(TOPIC, request.tenant(), request.id().toString(),
                PrivacyRequestFailed.newBuilder().setRequest(PrivacyProtos.toProto(request)).build());
    }

    /** The tenant's data keys {@code keyIds} were destroyed at {@code at}, ending erasure {@code requestId}. */
    public OutboxEvent keysDestroyed(TenantId tenant, List<String> keyIds, Instant at, UUID requestId) {
        return outbox.event(TOPIC, tenant, tenant.toString(), TenantDataKeyDestroyed.newBuilder()
                .setTenantId(tenant.toString())
                .addAllKeyIds(keyIds)
                .setDestroyedAt(PrivacyProtos.timestamp(at))
                .setRequestId(requestId.toString())
                .build());
    }
}
