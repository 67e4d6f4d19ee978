package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the local stack's Kafka believes no one it has not authenticated, and lets each
 * service's principal do only what {@code acls.conf} grants it: the four forgeries of
 * issue 13 (a PrivacyRequestCreated, a TenantSuspended, a TenantUpdated and a
 * TransferCreated written by a principal that does not own the topic) are refused by the
 * broker, on the stack's own topic names and on a test run's; reading a topic a service
 * does not consume is refused; no credentials, a wrong password, or plaintext get nothing.
 * The owners' own flows are allowed, so the refusals are the ACLs', not a broken client.
 */
class KafkaAclsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static String run;

    @BeforeAll
    static void grantARun() {
        run = FleetStack.grantNewKafkaRun();
    }

    @Test
    void aForgedPrivacyRequestFromLedgerIsRefused() {
        assertRefusedWrite("ledger", run + "tenant.privacy-requests.v1", "aicunet.privacy.v1.PrivacyRequestCreated");
        assertRefusedWrite("ledger", "tenant.privacy-requests.v1", "aicunet.privacy.v1.PrivacyRequestCreated");
    }

    @Test
    void aForgedTenantSuspensionFromAgentStateIsRefused() {
        assertRefusedWrite("agent-state", run + "tenant.tenants.v1", "aicunet.tenant.v1.TenantSuspended");
        assertRefusedWrite("agent-state", "tenant.tenants.v1", "aicunet.tenant.v1.TenantSuspended");
    }

    @Test
    void aForgedTenantUpdateFromConfigIsRefused() {
        assertRefusedWrite("config", run + "tenant.tenants.v1", "aicunet.tenant.v1.TenantUpdated");
        assertRefusedWrite("config", "tenant.tenants.v1", "aicunet.tenant.v1.TenantUpdated");
    }

    @Test
    void aForgedTransferFromTenantIsRefused() {
        assertRefusedWrite("tenant", run + "ledger.transfers.v1", "aicunet.ledger.v1.TransferCreated");
        assertRefusedWrite("tenant", "ledger.transfers.v1", "aicunet.ledger.v1.TransferCreated");
    }

    @Test
    void aServiceCannotWriteAnotherConsumersDeadLetters() {
        assertRefusedWrite("agent-state", run + "tenant.privacy-requests.v1.dlq." + run + "ledger-privacy-requests",
                "aicunet.privacy.v1.PrivacyRequestCreated");
    }

    @Test
    void theOwnerWritesAndItsConsumersReadWithTheirOwnGroups() throws Exception {
        String topic = run + "tenant.privacy-requests.v1";
        String key = UUID.randomUUID().toString();
        try (KafkaProducer<String, byte[]> producer = producer("tenant")) {
            producer.send(record(topic, key, "aicunet.privacy.v1.PrivacyRequestCreated")).get();
        }
        assertThat(readOne("ledger", run + "ledger-privacy-requests", topic).key()).isEqualTo(key);
        assertThat(readOne("audit", run + "audit-ingest", topic).key()).isEqualTo(key);
    }

    @Test
    void aServiceCannotReadATopicItDoesNotConsume() throws Exception {
        String topic = run + "ledger.transfers.v1";
        try (KafkaProducer<String, byte[]> producer = producer("ledger")) {
            producer.send(record(topic, "k", "aicunet.ledger.v1.TransferCreated")).get();
        }
        assertThatThrownBy(() -> readOne("config", run + "config-privacy-requests", topic))
                .isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void aServiceCannotUseAnotherServicesConsumerGroup() {
        assertThatThrownBy(() -> readOne("agent-state", run + "ledger-privacy-requests",
                run + "tenant.privacy-requests.v1"))
                .isInstanceOf(GroupAuthorizationException.class);
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, Object> settings = new HashMap<>(FleetStack.kafkaSettings("tenant", "not-the-password"));
        settings.put("max.block.ms", 10_000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(),
                new ByteArraySerializer())) {
            assertThatThrownBy(() -> producer.send(record(run + "tenant.tenants.v1", "k",
                    "aicunet.tenant.v1.TenantCreated")).get())
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void aClientWithoutCredentialsGetsNothing() {
        Map<String, Object> settings = new HashMap<>(Map.of(
                "bootstrap.servers", FleetStack.kafkaBootstrapServers(),
                "max.block.ms", 5_000));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(),
                new ByteArraySerializer())) {
            // The broker speaks SASL first and drops a plaintext client: no metadata, no write.
            assertThatThrownBy(() -> producer.send(record(run + "tenant.tenants.v1", "k",
                    "aicunet.tenant.v1.TenantCreated")).get())
                    .isInstanceOfAny(TimeoutException.class, ExecutionException.class, KafkaException.class);
        }
    }

    /**
     * Proves: a binding the file no longer grants (here one made by hand, as a removed line
     * leaves it) is removed by the stack's sync, while the file's own and a running test
     * run's stay.
     */
    @Test
    void aBindingTheFileNoLongerGrantsIsRemovedBySync() throws Exception {
        AclBinding stale = new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, "stale-" + UUID.randomUUID(), PatternType.LITERAL),
                new AccessControlEntry("User:ledger", "*", AclOperation.READ, AclPermissionType.ALLOW));
        try (Admin admin = Admin.create(FleetStack.kafkaAdminSettings())) {
            admin.createAcls(List.of(stale)).all().get(30, TimeUnit.SECONDS);

            KafkaAcls.Sync sync = KafkaAcls.syncStack(KafkaAcls.read(FleetStack.kafkaAclsFile()), admin);

            assertThat(sync.revoked()).contains(stale);
            Collection<AclBinding> left = admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS);
            assertThat(left).doesNotContain(stale)
                    .containsAll(KafkaAcls.aclBindings(KafkaAcls.read(FleetStack.kafkaAclsFile()), ""))
                    .containsAll(KafkaAcls.aclBindings(KafkaAcls.read(FleetStack.kafkaAclsFile()), run));
        }
    }

    /** Proves: a run prefix the sync would not recognise as a run's is refused before anything is granted. */
    @Test
    void aRunPrefixOfAnotherShapeIsRefused() {
        assertThatThrownBy(() -> KafkaAcls.grantRun(FleetStack.kafkaAclsFile(), "tenant.", FleetStack.kafkaAdminSettings()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant.");
    }

    @Test
    void aRunsBindingsAreOnlyTheLinesNamingItsPrefix() {
        List<KafkaAcls.Binding> bindings = KafkaAcls.read(FleetStack.kafkaAclsFile());
        List<AclBinding> forRun = KafkaAcls.aclBindings(bindings, "test-x.");
        List<AclBinding> stack = KafkaAcls.aclBindings(bindings, "");

        assertThat(KafkaAcls.principals(bindings)).containsExactlyInAnyOrder("tenant", "ledger", "agent-state",
                "audit", "config");
        assertThat(forRun).isNotEmpty().allSatisfy(binding ->
                assertThat(binding.pattern().name()).contains("test-x."));
        assertThat(stack).noneSatisfy(binding -> assertThat(binding.pattern().name()).contains("{p}"));
        assertThat(stack).anySatisfy(binding -> {
            assertThat(binding.entry().principal()).isEqualTo("User:ledger");
            assertThat(binding.pattern().name()).isEqualTo("ledger.");
            assertThat(binding.pattern().patternType()).isEqualTo(PatternType.PREFIXED);
        });
    }

    @Test
    void aMalformedLineIsRefusedWithItsNumber() {
        assertThatThrownBy(() -> KafkaAcls.parse(new StringReader("""
                # comment
                ledger topic prefixed ledger. WRITE
                ledger topic prefixed ledger. ALL
                """), "acls.conf"))
                .hasMessageContaining("acls.conf:3").hasMessageContaining("too wide");
        assertThatThrownBy(() -> KafkaAcls.parse(new StringReader("ledger cluster literal x WRITE\n"), "f"))
                .hasMessageContaining("f:1").hasMessageContaining("topic or group");
        assertThatThrownBy(() -> KafkaAcls.parse(new StringReader("ledger topic literal x\n"), "f"))
                .hasMessageContaining("f:1");
    }

    private static void assertRefusedWrite(String principal, String topic, String type) {
        try (KafkaProducer<String, byte[]> producer = producer(principal)) {
            assertThatThrownBy(() -> producer.send(record(topic, "forged", type)).get())
                    .as("%s writing %s", principal, topic)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    private static KafkaProducer<String, byte[]> producer(String principal) {
        Map<String, Object> settings = new HashMap<>(FleetStack.kafkaServiceSettings(principal));
        settings.put("acks", "all");
        settings.put("max.block.ms", 10_000);
        return new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, String type) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, new byte[] {1});
        record.headers().add(new RecordHeader("ce_type", type.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    /** The first record {@code principal} reads from {@code topic} as a member of {@code group}. */
    private static ConsumerRecord<String, byte[]> readOne(String principal, String group, String topic) {
        Map<String, Object> settings = new HashMap<>(FleetStack.kafkaServiceSettings(principal));
        settings.put("group.id", group);
        settings.put("auto.offset.reset", "earliest");
        settings.put("enable.auto.commit", false);
        // As the services' consumers (platform/outbox): a consumer never creates a topic.
        settings.put("allow.auto.create.topics", false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plus(WAIT);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    return record;
                }
            }
            throw new AssertionError(principal + " read nothing from " + topic + " in " + WAIT);
        }
    }
}
