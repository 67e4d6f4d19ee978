package io.aicunet.config;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.config.application.contract.ConfigEvents;
import io.aicunet.config.application.contract.SecretAccessEvents;
import io.aicunet.contracts.config.v1.ConfigChanged;
import io.aicunet.contracts.config.v1.EffectiveValue;
import io.aicunet.contracts.config.v1.GetEffectiveConfigRequest;
import io.aicunet.contracts.config.v1.GetEntryRequest;
import io.aicunet.contracts.config.v1.ListRevisionsRequest;
import io.aicunet.contracts.config.v1.PutEntryResponse;
import io.aicunet.contracts.config.v1.Revision;
import io.aicunet.contracts.config.v1.SecretRevealed;
import io.aicunet.contracts.config.v1.Value;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Secrets: stored sealed, shown in the clear only with the secret-read permission, never in events. */
@QuarkusTest
class SecretsTest extends ConfigTestBase {

    private static final String PLAINTEXT = "sk-live-0123456789abcdef";

    /**
     * Proves: a secret is stored sealed: its row has no value, and the sealed bytes
     * do not contain the plain text (in the entry nor in its revision); a platform-level
     * secret is sealed with the service key, a tenant's with the tenant's data key.
     */
    @Test
    void secretsAreStoredSealed() throws Exception {
        String namespace = newNamespace();
        String tenant = aRegisteredTenant();
        PutEntryResponse written = admin().putEntry(entry(namespace, "api_key", globalScope(),
                "\"" + PLAINTEXT + "\"").setSecret(true).build());
        assertThat(written.getEntry().getValue().getMasked()).as("a write never echoes a secret").isTrue();
        assertThat(written.getEntry().getValue().getJson()).isEmpty();
        admin().putEntry(entry(namespace, "tenant_key", tenantScope(tenant), "\"" + PLAINTEXT + "\"")
                .setSecret(true).build());

        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement("""
                        SELECT e.value IS NULL AS no_value, e.sealed_value, e.sealing_key_id, r.value IS NULL AS no_revision_value,
                               r.sealed_value AS revision_sealed
                          FROM config.entries e JOIN config.revisions r ON r.revision = e.revision
                         WHERE e.namespace = ? AND e.entry_key = ?""")) {
            for (String key : new String[] {"api_key", "tenant_key"}) {
                select.setString(1, namespace);
                select.setString(2, key);
                try (ResultSet row = select.executeQuery()) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getBoolean("no_value")).isTrue();
                    assertThat(row.getBoolean("no_revision_value")).isTrue();
                    assertThat(row.getString("sealing_key_id"))
                            .isEqualTo(key.equals("api_key") ? "local-1" : "tenant/dk-1");
                    assertThat(new String(row.getBytes("sealed_value"), StandardCharsets.ISO_8859_1))
                            .doesNotContain(PLAINTEXT);
                    assertThat(new String(row.getBytes("revision_sealed"), StandardCharsets.ISO_8859_1))
                            .doesNotContain(PLAINTEXT);
                }
            }
        }
    }

    /**
     * Proves: without the secret-read permission a secret is masked in the effective
     * configuration, in GetEntry, in the history and in the watch; with it (role
     * config-secret-reader) it is in the clear; a tenant administrator reads its own
     * tenant's secret but never a platform-level one.
     */
    @Test
    void secretsAreShownOnlyWithThePermission() {
        String namespace = newNamespace();
        String tenant = aRegisteredTenant();
        long start = head();
        try (WatchRecorder masked = watch(ConfigGrpcClient.platformService(), start, tenant, namespace).awaitLive();
                WatchRecorder revealed = watch(ConfigGrpcClient.platformSecretReader(), start, tenant, namespace)
                        .awaitLive()) {
            admin().putEntry(entry(namespace, "api_key", globalScope(), "\"" + PLAINTEXT + "\"").setSecret(true).build());
            admin().putEntry(entry(namespace, "tenant_key", tenantScope(tenant), "\"tenant-secret\"").setSecret(true)
                    .build());
            put(namespace, "model", globalScope(), "\"small\"");

            Map<String, Value> forService = effective(ConfigGrpcClient.platformService(), tenant, namespace);
            assertThat(forService.get("api_key").getMasked()).isTrue();
            assertThat(forService.get("api_key").getJson()).isEmpty();
            assertThat(forService.get("model").getJson()).isEqualTo("\"small\"");
            Map<String, Value> forReader = effective(ConfigGrpcClient.platformSecretReader(), tenant, namespace);
            assertThat(forReader.get("api_key").getJson()).isEqualTo("\"" + PLAINTEXT + "\"");
            assertThat(forReader.get("api_key").getSecret()).isTrue();
            assertThat(forReader.get("tenant_key").getJson()).isEqualTo("\"tenant-secret\"");

            Map<String, Value> forTenantAdmin = effective(TestCallers.ofTenant(tenant, "tenant-admin"), tenant, namespace);
            assertThat(forTenantAdmin.get("tenant_key").getJson()).isEqualTo("\"tenant-secret\"");
            assertThat(forTenantAdmin.get("api_key").getMasked()).as("a platform secret stays masked").isTrue();

            assertThat(client.as(ConfigGrpcClient.platformService()).getEntry(GetEntryRequest.newBuilder()
                    .setNamespace(namespace).setKey("api_key").setScope(globalScope()).build()).getEntry().getValue()
                    .getMasked()).isTrue();
            Revision history = client.as(ConfigGrpcClient.platformService()).listRevisions(ListRevisionsRequest
                    .newBuilder().setNamespace(namespace).setKey("api_key").build()).getRevisions(0);
            assertThat(history.getValue().getMasked()).isTrue();

            assertThat(masked.awaitChanges(3).get(0).getValue().getMasked()).isTrue();
            assertThat(masked.changes().get(0).getValue().getJson()).isEmpty();
            assertThat(revealed.awaitChanges(3).get(0).getValue().getJson()).isEqualTo("\"" + PLAINTEXT + "\"");
        }
    }

    /**
     * Proves: ConfigChanged for a secret says that it is one, but its payload does not
     * carry the value (neither plain text nor anything else of it).
     */
    @Test
    void eventsNeverCarrySecretValues() {
        String namespace = newNamespace();
        long revision = admin().putEntry(entry(namespace, "api_key", globalScope(), "\"" + PLAINTEXT + "\"")
                .setSecret(true).build()).getEntry().getRevision();
        try (TopicReader reader = new TopicReader(FleetTestResource.topicPrefix() + ConfigEvents.TOPIC)) {
            ConsumerRecord<String, byte[]> record = reader.readUntil(records -> records.stream()
                    .anyMatch(r -> parse(r.value()).getRevision() == revision), Duration.ofSeconds(30)).stream()
                    .filter(r -> parse(r.value()).getRevision() == revision).findFirst().orElseThrow();
            ConfigChanged changed = parse(record.value());
            assertThat(changed.getSecret()).isTrue();
            assertThat(changed.getNamespace()).isEqualTo(namespace);
            assertThat(new String(record.value(), StandardCharsets.ISO_8859_1)).doesNotContain(PLAINTEXT);
        }
    }

    /**
     * Proves: every reveal of a secret in the clear is recorded before the value is shown
     * (SecretRevealed on config.secret-access.v1, for the audit log), naming who it was
     * revealed to, whether by GetEntry or GetEffectiveConfig; a read that shows the secret
     * masked records nothing (it comes first, and the records keep their order).
     */
    @Test
    void everyRevealIsRecordedAndAMaskedReadIsNot() throws Exception {
        String namespace = newNamespace();
        String tenant = aRegisteredTenant();
        admin().putEntry(entry(namespace, "api_key", globalScope(), "\"" + PLAINTEXT + "\"").setSecret(true).build());
        GetEntryRequest get = GetEntryRequest.newBuilder().setNamespace(namespace).setKey("api_key")
                .setScope(globalScope()).build();
        assertThat(client.as(ConfigGrpcClient.platformService()).getEntry(get).getEntry().getValue().getMasked())
                .isTrue();
        assertThat(effective(ConfigGrpcClient.platformService(), tenant, namespace).get("api_key").getMasked()).isTrue();

        assertThat(client.as(ConfigGrpcClient.platformSecretReader()).getEntry(get).getEntry().getValue().getJson())
                .isEqualTo("\"" + PLAINTEXT + "\"");
        assertThat(effective(ConfigGrpcClient.platformSecretReader(), tenant, namespace).get("api_key").getJson())
                .isEqualTo("\"" + PLAINTEXT + "\"");

        String subject = namespace + "/api_key";
        try (TopicReader reader = new TopicReader(FleetTestResource.topicPrefix() + SecretAccessEvents.TOPIC)) {
            List<ReceivedEvent> reveals = reader.readUntil(records -> records.stream()
                            .filter(r -> ReceivedEvent.from(r).subject().equals(subject)).count() >= 2,
                    Duration.ofSeconds(30)).stream().map(ReceivedEvent::from)
                    .filter(event -> event.subject().equals(subject)).toList();
            assertThat(reveals).hasSize(2).allSatisfy(event -> {
                assertThat(event.key()).isEqualTo(ConfigEvents.PLATFORM_KEY.toString());
                SecretRevealed revealed = SecretRevealed.parseFrom(event.payload());
                assertThat(revealed.getNamespace()).isEqualTo(namespace);
                assertThat(revealed.getKey()).isEqualTo("api_key");
                assertThat(revealed.getRevealedTo()).isEqualTo("gateway@aicunet.io");
                assertThat(new String(event.payload(), StandardCharsets.ISO_8859_1)).doesNotContain(PLAINTEXT);
            });
        }
    }

    private WatchRecorder watch(Map<String, String> caller, long start, String tenant, String namespace) {
        return client.watch(caller, WatchRequest.newBuilder().setAfterRevision(start).setTenantId(tenant)
                .addNamespaces(namespace).build());
    }

    private Map<String, Value> effective(Map<String, String> caller, String tenant, String namespace) {
        return client.as(caller).getEffectiveConfig(GetEffectiveConfigRequest.newBuilder().setTenantId(tenant)
                        .addNamespaces(namespace).build()).getValuesList().stream()
                .collect(Collectors.toMap(EffectiveValue::getKey, EffectiveValue::getValue));
    }
}
