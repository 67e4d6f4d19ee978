package io.aicunet.tenant.application;

/** Where the tenant service announces privacy requests, and where services answer. */
public final class PrivacyEvents {

    /** PrivacyRequestCreated, PrivacyRequestCompleted, PrivacyRequestFailed, TenantDataKeyDestroyed. */
    public static final String TOPIC = "tenant.privacy-requests.v1";

    /** The topic on which {@code service} answers with PrivacyRequestFulfilled. */
    public static String answersTopic(String service) {
        return service + ".privacy.v1";
    }

    private PrivacyEvents() {
    }
}
