package io.aicunet.config.application.contract;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantServiceScope;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.config.ConfigTestBase;
import io.aicunet.contracts.config.v1.ChangeOperation;
import io.aicunet.contracts.config.v1.ConfigChanged;
import io.aicunet.contracts.config.v1.DeleteEntryRequest;
import io.aicunet.contracts.config.v1.ScopeKind;
import io.aicunet.platform.outbox.CloudEventHeaders;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** ConfigChanged on config.entries.v1: one per revision, keyed by tenant, as a CloudEvent. */
@QuarkusTest
class ConfigEventsTest extends ConfigTestBase {

    /**
     * Proves: every change publishes ConfigChanged (namespace, key, scope, revision,
     * operation, author, reason) on config.entries.v1 as a CloudEvent: a tenant-scoped
     * change keyed by its tenant, a global one by the nil UUID; deletions too.
     */
    @Test
    void everyChangePublishesConfigChanged() {
        String namespace = newNamespace();
        String tenant = aTenant();
        long tenantRevision = put(namespace, "model", tenantServiceScope(tenant, "ledger"), "\"large\"").getEntry()
                .getRevision();
        long globalRevision = put(namespace, "model", globalScope(), "\"small\"").getEntry().getRevision();
        long deleteRevision = admin().deleteEntry(DeleteEntryRequest.newBuilder().setNamespace(namespace)
                .setKey("model").setScope(globalScope()).setReason("no default").build()).getRevision();

        try (TopicReader reader = new TopicReader(FleetTestResource.topicPrefix() + ConfigEvents.TOPIC)) {
            List<ConsumerRecord<String, byte[]>> records = reader.readUntil(read -> read.stream()
                    .filter(r -> parse(r.value()).getNamespace().equals(namespace)).count() >= 3,
                    Duration.ofSeconds(30)).stream()
                    .filter(r -> parse(r.value()).getNamespace().equals(namespace))
                    // Different keys may sit in different partitions: order by revision, not by arrival.
                    .sorted(java.util.Comparator.comparingLong(r -> parse(r.value()).getRevision()))
                    .toList();
            assertThat(records).hasSize(3);

            ConsumerRecord<String, byte[]> tenantRecord = records.get(0);
            ConfigChanged tenantChange = parse(tenantRecord.value());
            assertThat(tenantRecord.key()).isEqualTo(tenant);
            assertThat(header(tenantRecord, CloudEventHeaders.TYPE)).isEqualTo("aicunet.config.v1.ConfigChanged");
            assertThat(header(tenantRecord, CloudEventHeaders.TENANT)).isEqualTo(tenant);
            assertThat(tenantChange.getRevision()).isEqualTo(tenantRevision);
            assertThat(tenantChange.getKey()).isEqualTo("model");
            assertThat(tenantChange.getScope().getKind()).isEqualTo(ScopeKind.SCOPE_KIND_TENANT_SERVICE);
            assertThat(tenantChange.getScope().getTenantId()).isEqualTo(tenant);
            assertThat(tenantChange.getScope().getService()).isEqualTo("ledger");
            assertThat(tenantChange.getOperation()).isEqualTo(ChangeOperation.CHANGE_OPERATION_PUT);
            assertThat(tenantChange.getAuthor()).isEqualTo("ops@aicunet.io");

            assertThat(records.get(1).key()).isEqualTo(ConfigEvents.PLATFORM_KEY.toString());
            assertThat(parse(records.get(1).value()).getRevision()).isEqualTo(globalRevision);
            ConfigChanged deletion = parse(records.get(2).value());
            assertThat(deletion.getRevision()).isEqualTo(deleteRevision);
            assertThat(deletion.getOperation()).isEqualTo(ChangeOperation.CHANGE_OPERATION_DELETE);
            assertThat(deletion.getReason()).isEqualTo("no default");
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
