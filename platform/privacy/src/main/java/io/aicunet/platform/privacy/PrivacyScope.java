package io.aicunet.platform.privacy;

import io.aicunet.platform.tenancy.TenantId;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Whose data a privacy request is about: a whole tenant, or one data subject (a person,
 * by the id the fleet knows them by, e.g. the {@code x-aicunet-subject} of their calls)
 * within the tenant.
 */
public record PrivacyScope(UUID requestId, TenantId tenant, Optional<String> subject) {

    public PrivacyScope {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenant, "tenant");
        subject = Objects.requireNonNull(subject, "subject").filter(id -> !id.isBlank());
    }

    public boolean wholeTenant() {
        return subject.isEmpty();
    }
}
