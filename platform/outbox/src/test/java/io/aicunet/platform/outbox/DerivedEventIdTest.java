package io.aicunet.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.tenancy.TenantId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link Outbox#derivedEventId}: the id of an aggregate's one event of a type, the same wherever it is derived. */
class DerivedEventIdTest {

    private static final TenantId TENANT = new TenantId(UUID.fromString("0b8a4a8e-7d1c-4f0e-9a63-5e2f7c1d9b40"));
    private static final String TRANSFER = "4f6c2d1e-8b3a-4c5d-9e7f-0a1b2c3d4e5f";

    private static UUID derived(String source, String topic, String type, TenantId tenant, String aggregate) {
        return Outbox.derivedEventId(source, topic, type, tenant, aggregate);
    }

    @Test
    void theSameEventGetsTheSameIdEveryTimeAsAVersion5Uuid() {
        UUID first = derived("/aicunet/ledger", "ledger.transfers.v1", "aicunet.ledger.v1.TransferCreated", TENANT,
                TRANSFER);
        UUID again = derived("/aicunet/ledger", "ledger.transfers.v1", "aicunet.ledger.v1.TransferCreated",
                new TenantId(UUID.fromString(TENANT.toString())), new String(TRANSFER.toCharArray()));

        assertThat(again).isEqualTo(first);
        assertThat(first.version()).isEqualTo(5);
        assertThat(first.variant()).isEqualTo(2);
    }

    @Test
    void everyPartOfTheNameChangesTheId() {
        TenantId other = new TenantId(UUID.fromString("0b8a4a8e-7d1c-4f0e-9a63-5e2f7c1d9b41"));
        List<UUID> ids = List.of(
                derived("/aicunet/ledger", "ledger.transfers.v1", "aicunet.ledger.v1.TransferCreated", TENANT, TRANSFER),
                derived("/aicunet/audit", "ledger.transfers.v1", "aicunet.ledger.v1.TransferCreated", TENANT, TRANSFER),
                derived("/aicunet/ledger", "test-1.ledger.transfers.v1", "aicunet.ledger.v1.TransferCreated", TENANT,
                        TRANSFER),
                derived("/aicunet/ledger", "ledger.transfers.v1", "aicunet.ledger.v1.PendingPosted", TENANT, TRANSFER),
                derived("/aicunet/ledger", "ledger.transfers.v1", "aicunet.ledger.v1.TransferCreated", other, TRANSFER),
                derived("/aicunet/ledger", "ledger.transfers.v1", "aicunet.ledger.v1.TransferCreated", TENANT,
                        TRANSFER.replace('f', 'e')));

        assertThat(new HashSet<>(ids)).hasSize(ids.size());
    }

    @Test
    void partsAreNotConcatenatedAmbiguously() {
        // "ab" + "c" and "a" + "bc" would be one name if the parts were only joined.
        UUID one = derived("/s", "ab", "c", TENANT, "x");
        UUID two = derived("/s", "a", "bc", TENANT, "x");

        assertThat(one).isNotEqualTo(two);
    }

    @Test
    void distinctAggregatesNeverShareAnIdInPractice() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(derived("/aicunet/ledger", "ledger.transfers.v1", "aicunet.ledger.v1.TransferCreated", TENANT,
                    "transfer-" + i));
        }

        assertThat(ids).hasSize(100_000);
    }
}
