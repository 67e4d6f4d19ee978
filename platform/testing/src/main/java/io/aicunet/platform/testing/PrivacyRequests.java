package io.aicunet.platform.testing;

import io.aicunet.contracts.privacy.v1.CreatePrivacyRequestRequest;
import io.aicunet.contracts.privacy.v1.GetPrivacyRequestRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import io.aicunet.contracts.privacy.v1.PrivacyRequestStatus;
import io.aicunet.contracts.privacy.v1.PrivacyServiceGrpc;
import io.aicunet.contracts.privacy.v1.PrivacyServiceGrpc.PrivacyServiceBlockingStub;
import io.aicunet.contracts.privacy.v1.ServicePart;
import io.grpc.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Privacy requests as a privacy officer makes them at a real tenant service, waited for until they finish. */
public final class PrivacyRequests {

    /** A platform privacy officer (permission tenant.privacy-requests.*). */
    public static final Map<String, String> PRIVACY_OFFICER =
            TestCallers.headers("platform", "dpo@aicunet.io", Set.of("platform-privacy-officer"));

    private static final Duration WAIT = Duration.ofSeconds(90);

    private PrivacyRequests() {
    }

    /** On the tenant service beside the service under test ({@link TenantServiceProcess}). */
    public static PrivacyRequest completed(PrivacyRequestKind kind, String tenant, String subject) {
        return completed(TenantServiceProcess.channel(), kind, tenant, subject);
    }

    /**
     * Creates the request (empty subject: the whole tenant) and waits until it is no longer
     * pending; fails with the tenant service's reason unless it completed.
     */
    public static PrivacyRequest completed(Channel tenantService, PrivacyRequestKind kind, String tenant,
                                           String subject) {
        return completed(tenantService, kind, tenant, subject, WAIT);
    }

    /** As {@link #completed(Channel, PrivacyRequestKind, String, String)}, waiting at most {@code wait}. */
    public static PrivacyRequest completed(Channel tenantService, PrivacyRequestKind kind, String tenant,
                                           String subject, Duration wait) {
        PrivacyServiceBlockingStub privacy = officer(tenantService);
        PrivacyRequest created = privacy.createPrivacyRequest(CreatePrivacyRequestRequest.newBuilder()
                .setIdempotencyKey("test-" + UUID.randomUUID()).setKind(kind).setTenantId(tenant)
                .setSubjectId(subject).build()).getRequest();
        GetPrivacyRequestRequest get = GetPrivacyRequestRequest.newBuilder().setRequestId(created.getRequestId())
                .build();
        Instant giveUp = Instant.now().plus(wait);
        PrivacyRequest current = created;
        while (current.getStatus() == PrivacyRequestStatus.PRIVACY_REQUEST_STATUS_PENDING
                && Instant.now().isBefore(giveUp)) {
            sleep();
            current = officer(tenantService).getPrivacyRequest(get).getRequest();
        }
        if (current.getStatus() != PrivacyRequestStatus.PRIVACY_REQUEST_STATUS_COMPLETED) {
            throw new AssertionError("privacy request " + created.getRequestId() + " did not complete within "
                    + wait + ": " + current.getStatus() + " " + current.getFailureReason() + "\n" + current);
        }
        return current;
    }

    /** The answer of one service. */
    public static ServicePart partOf(PrivacyRequest request, String service) {
        return request.getPartsList().stream().filter(part -> part.getService().equals(service)).findFirst()
                .orElseThrow(() -> new AssertionError("no part of " + service + " in " + request));
    }

    private static PrivacyServiceBlockingStub officer(Channel tenantService) {
        return PrivacyServiceGrpc.newBlockingStub(TestCallers.as(tenantService, PRIVACY_OFFICER))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a privacy request", e);
        }
    }
}
