package io.aicunet.platform.tenancy;

import io.aicunet.platform.problem.InputChecks;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** The id of a tenant, the same in every service of the fleet. */
public record TenantId(UUID value) {

    public TenantId {
        Objects.requireNonNull(value, "value");
    }

    public static TenantId random() {
        return new TenantId(UUID.randomUUID());
    }

    /** The id written as text, or empty when the text is not a canonical UUID ({@link InputChecks#uuid}). */
    public static Optional<TenantId> parse(String text) {
        return InputChecks.uuid(text).map(TenantId::new);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
