package io.aicunet.platform.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.tenancy.TenantId;
import org.junit.jupiter.api.Test;

/**
 * Proves: a write that brings a tenant exactly to its quota passes and one byte more is
 * refused, naming the quota field, the subject, the bound and the use before the write;
 * a write that frees room or changes nothing passes even over a lowered quota; a quota
 * of 0 refuses every byte.
 */
class StorageDecisionTest {

    private final TenantId tenant = TenantId.random();

    @Test
    void exactlyTheQuotaPassesAndOneByteMoreIsRefusedWithTheUseBefore() {
        assertThat(StorageDecision.refusal("config", new StorageUse(tenant, 1000, 400, 1000))).isEmpty();

        Problem.ResourceExhausted refused = StorageDecision.refusal("config",
                new StorageUse(tenant, 1001, 401, 1000)).orElseThrow();
        assertThat(refused.limit()).isEqualTo("tenant.quotas.storage_bytes");
        assertThat(refused.subject()).isEqualTo("tenants/" + tenant + "/storage/config");
        assertThat(refused.bound()).isEqualTo(1000);
        assertThat(refused.current()).isEqualTo(600);
        assertThat(refused.detail()).contains("stores 600 bytes", "quota of 1000", "write of 401 bytes",
                "would make 1001", "nothing was written");
    }

    @Test
    void aWriteThatFreesRoomOrKeepsTheSizePassesOverALoweredQuota() {
        assertThat(StorageDecision.refusal("audit", new StorageUse(tenant, 5000, -100, 1000))).isEmpty();
        assertThat(StorageDecision.refusal("audit", new StorageUse(tenant, 5000, 0, 1000))).isEmpty();
        assertThat(StorageDecision.refusal("audit", new StorageUse(tenant, 5000, 1, 1000))).isPresent();
    }

    @Test
    void aQuotaOfZeroRefusesEveryByte() {
        assertThat(StorageDecision.refusal("agent-state", new StorageUse(tenant, 1, 1, 0))).get()
                .extracting(Problem.ResourceExhausted::current).isEqualTo(0L);
        assertThat(StorageDecision.refusal("agent-state", new StorageUse(tenant, 0, 0, 0))).isEmpty();
    }

    @Test
    void aNegativeUseOrQuotaIsABug() {
        assertThatThrownBy(() -> new StorageUse(tenant, -1, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StorageUse(tenant, 1, 0, -10)).isInstanceOf(IllegalArgumentException.class);
    }
}
