package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the local stack's Kafka speaks TLS only and that its clients verify it: a client
 * with the stack's CA (as every service and test client is configured) connects; a client
 * that trusts another CA is refused in the handshake; a client that speaks SASL without TLS,
 * with the right password, gets nothing. Host names are verified by Kafka's default
 * ({@code ssl.endpoint.identification.algorithm=https}), which no setting of the stack
 * overrides (asserted on the settings every test client uses).
 */
class KafkaTlsTest {

    private static String run;

    @BeforeAll
    static void grantARun() {
        run = FleetStack.grantNewKafkaRun();
    }

    /** Proves: a service's principal with the stack's CA connects and writes its own topic. */
    @Test
    void aClientVerifyingTheBrokerWithTheStacksCaConnects() throws Exception {
        Map<String, Object> settings = FleetStack.kafkaServiceSettings("tenant");
        assertThat(settings).containsEntry("security.protocol", "SASL_SSL")
                .doesNotContainKey("ssl.endpoint.identification.algorithm");
        try (KafkaProducer<String, byte[]> producer = producer(settings, 30_000)) {
            assertThat(producer.send(record(run + "tenant.tenants.v1")).get(30, TimeUnit.SECONDS).offset())
                    .isGreaterThanOrEqualTo(0);
        }
    }

    /** Proves: a client trusting another CA than the one that signed the broker's certificate is refused. */
    @Test
    void aClientTrustingAnotherCaIsRefused(@TempDir Path dir) throws Exception {
        Path otherCa = otherCa(dir);
        Map<String, Object> settings = new HashMap<>(FleetStack.kafkaServiceSettings("tenant"));
        settings.put("ssl.truststore.location", otherCa.toString());
        try (Admin admin = Admin.create(settings)) {
            assertThatThrownBy(() -> admin.listTopics(new ListTopicsOptions().timeoutMs(15_000)).names()
                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SslAuthenticationException.class);
        }
    }

    /** Proves: SASL without TLS, with the right password, gets no metadata and writes nothing. */
    @Test
    void aPlaintextClientGetsNothing() {
        Map<String, Object> settings = new HashMap<>(FleetStack.kafkaServiceSettings("tenant"));
        settings.put("security.protocol", "SASL_PLAINTEXT");
        settings.remove("ssl.truststore.type");
        settings.remove("ssl.truststore.location");
        try (KafkaProducer<String, byte[]> producer = producer(settings, 5_000)) {
            assertThatThrownBy(() -> producer.send(record(run + "tenant.tenants.v1")).get(30, TimeUnit.SECONDS))
                    .isInstanceOfAny(TimeoutException.class, ExecutionException.class, KafkaException.class);
        }
    }

    /** Proves: the administrator's settings of ./fleet up (kafka-tool, KafkaAcls) are TLS with the CA, too. */
    @Test
    void theAdministratorsClientSettingsVerifyTheBroker() throws IOException {
        Path admin = FleetStack.fleetHome().resolve("kafka/admin.properties");
        assertThat(Files.readAllLines(admin)).contains("security.protocol=SASL_SSL", "ssl.truststore.type=PEM",
                "ssl.truststore.location=" + FleetStack.caCertificate());
        try (Admin client = Admin.create(FleetStack.kafkaAdminSettings())) {
            assertThat(client.listTopics().names()).succeedsWithin(java.time.Duration.ofSeconds(30))
                    .isInstanceOf(Set.class);
        }
    }

    private static KafkaProducer<String, byte[]> producer(Map<String, Object> settings, int maxBlockMillis) {
        Map<String, Object> config = new HashMap<>(settings);
        config.put("max.block.ms", maxBlockMillis);
        config.put("delivery.timeout.ms", 30_000);
        config.put("request.timeout.ms", 10_000);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<String, byte[]> record(String topic) {
        return new ProducerRecord<>(topic, "k", "tls".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A CA of its own (openssl, as the stack's tls.sh), with the same names: only the signer differs. */
    private static Path otherCa(Path dir) throws IOException, InterruptedException {
        Path cert = dir.resolve("other-ca.crt");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", dir.resolve("other-ca.key").toString(),
                "-out", cert.toString(), "-days", "1", "-subj", "/CN=another CA",
                "-addext", "basicConstraints=critical,CA:TRUE")
                .redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(openssl.waitFor()).as("openssl: %s", output).isZero();
        return cert;
    }
}
