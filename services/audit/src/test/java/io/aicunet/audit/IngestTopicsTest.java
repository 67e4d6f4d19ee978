package io.aicunet.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.outbox.EventTopics;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Proves the audit log ingests every event topic of the fleet: the pattern audit subscribes
 * with ({@code audit.ingest.topic-pattern}, matched whole as Kafka matches it) takes every
 * topic of platform/outbox's EventTopics, so a topic added there and forgotten here fails
 * this test instead of silently missing from the audit log, and it takes no dead-letter
 * topic (audit does not re-ingest what a consumer refused).
 */
class IngestTopicsTest {

    @Test
    void theIngestPatternTakesEveryRegisteredTopicAndNoDeadLetters() throws IOException {
        Properties application = new Properties();
        try (InputStream in = IngestTopicsTest.class.getClassLoader().getResourceAsStream("application.properties")) {
            assertThat(in).isNotNull();
            application.load(in);
        }
        Pattern ingested = Pattern.compile(application.getProperty("audit.ingest.topic-pattern"));

        assertThat(EventTopics.all().keySet()).isNotEmpty()
                .allSatisfy(topic -> assertThat(ingested.matcher(topic).matches()).as(topic).isTrue());
        assertThat(ingested.matcher(EventTopics.TENANT_KEY_ACCESS).matches()).isTrue();
        assertThat(ingested.matcher(EventTopics.CONFIG_SECRET_ACCESS).matches()).isTrue();
        assertThat(ingested.matcher("tenant.tenants.v1.dlq.ledger.tenant-events").matches()).isFalse();
        assertThat(ingested.matcher("tenant.key-access.v1.dlq.audit-ingest").matches()).isFalse();
    }
}
