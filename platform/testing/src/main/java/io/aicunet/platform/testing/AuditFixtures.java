package io.aicunet.platform.testing;

import io.aicunet.contracts.audit.v1.AppendRequest;
import io.aicunet.contracts.audit.v1.RecordInput;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Named builders of audit-service requests and the callers that make them. */
public final class AuditFixtures {

    private AuditFixtures() {
    }

    /** A valid direct record with a fresh record id: alice posted a transfer, successfully. */
    public static RecordInput.Builder aRecord() {
        String unique = UUID.randomUUID().toString();
        return RecordInput.newBuilder()
                .setRecordId(unique)
                .setActor("alice@example.com")
                .setAction("ledger.transfers.post")
                .setResource("transfer/" + unique.substring(0, 8))
                .setOutcome("success")
                .setReason("monthly invoice")
                .setCorrelationId("corr-" + unique.substring(0, 8));
    }

    /** An Append of {@code count} fresh records for {@code tenantId}. */
    public static AppendRequest.Builder anAppend(String tenantId, int count) {
        AppendRequest.Builder request = AppendRequest.newBuilder().setTenantId(tenantId);
        for (int i = 0; i < count; i++) {
            request.addRecords(aRecord());
        }
        return request;
    }

    /** A fleet service appending direct records for any tenant (platform scope). */
    public static Map<String, String> platformService() {
        return TestCallers.service("ledger", "platform");
    }

    /** An auditor reading any tenant's log (platform scope). */
    public static Map<String, String> platformAuditor() {
        return TestCallers.headers("platform", "auditor@aicunet.io", Set.of("platform-auditor"));
    }

    /** A compliance officer placing legal holds and running retention (platform scope). */
    public static Map<String, String> platformCompliance() {
        return TestCallers.headers("platform", "legal@aicunet.io", Set.of("platform-compliance"));
    }
}
