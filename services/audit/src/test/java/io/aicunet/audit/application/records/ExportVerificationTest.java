package io.aicunet.audit.application.records;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.audit.AuditGrpcClient;
import io.aicunet.audit.verifier.VerifierCommand;
import io.aicunet.contracts.audit.v1.CreateCheckpointRequest;
import io.aicunet.platform.auditlog.ExportVerifier;
import io.aicunet.platform.auditlog.Finding;
import io.aicunet.platform.auditlog.TreeHeadSignatures;
import io.aicunet.platform.auditlog.VerificationReport;
import io.aicunet.platform.testing.AuditFixtures;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports from the running service, checked by the offline verifier (the CLI an
 * auditor runs) with keys fetched from the service: sound exports verify; altered,
 * removed and reordered records and forged signatures are named.
 */
@QuarkusTest
class ExportVerificationTest {

    @TestHTTPResource(tls = true)
    URL service;

    @TempDir
    Path directory;

    private static int lineOf(List<String> lines, long sequence) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("{\"type\":\"record\"") && lines.get(i).contains("\"sequence\":" + sequence + ",")) {
                return i;
            }
        }
        throw new AssertionError("no record " + sequence);
    }

    /** Proves: a whole-log export with older checkpoints verifies with the CLI (exit 0), over gRPC and REST alike. */
    @Test
    void exportVerifiesOffline() throws Exception {
        String tenant = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(AuditFixtures.anAppend(tenant, 13).build());
            client.asAuditor().createCheckpoint(CreateCheckpointRequest.newBuilder().setTenantId(tenant).build());
            client.asService().append(AuditFixtures.anAppend(tenant, 20).build());
            List<String> export = client.export(tenant, 0, 0);
            Path file = directory.resolve("export.jsonl");
            Files.write(file, export, StandardCharsets.UTF_8);
            Path keys = directory.resolve("keys.txt");
            Files.writeString(keys, given().get(service + "v1/audit/keys?format=text").then().statusCode(200)
                    .extract().asString());

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = VerifierCommand.run(new String[] {"verify", file.toString(), "--keys", keys.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OK: ").contains("records 1..33 (33)");
            assertThat(status).isZero();

            String rest = given().headers(AuditFixtures.platformAuditor())
                    .get(service + "v1/audit/tenants/" + tenant + "/export?first_sequence=5&last_sequence=17")
                    .then().statusCode(200).contentType("application/x-ndjson").extract().asString();
            VerificationReport range = new ExportVerifier(client.verificationKeys()).verify(List.of(rest.split("\n")));
            assertThat(range.ok()).as(range.summary()).isTrue();
            assertThat(range.recordsVerified()).isEqualTo(13);
        }
    }

    /** Proves: each tampering of a real export is named: altered, removed, reordered record; forged signature. */
    @Test
    void tamperedExportsAreNamed() {
        String tenant = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(AuditFixtures.anAppend(tenant, 25).build());
            List<String> export = client.export(tenant, 0, 0);
            ExportVerifier verifier = new ExportVerifier(client.verificationKeys());
            assertThat(verifier.verify(export).ok()).isTrue();

            List<String> altered = new ArrayList<>(export);
            altered.set(lineOf(altered, 9), altered.get(lineOf(altered, 9)).replace("\"outcome\":\"success\"",
                    "\"outcome\":\"failure\""));
            assertThat(verifier.verify(altered).firstBadRecord()).get().extracting(Finding::kind, Finding::sequence)
                    .containsExactly(Finding.Kind.RECORD_ALTERED, 9L);

            List<String> removed = new ArrayList<>(export);
            removed.remove(lineOf(removed, 14));
            assertThat(verifier.verify(removed).firstBadRecord()).get().extracting(Finding::kind, Finding::sequence)
                    .containsExactly(Finding.Kind.RECORD_REMOVED, 14L);

            List<String> reordered = new ArrayList<>(export);
            int a = lineOf(reordered, 3);
            int b = lineOf(reordered, 4);
            String held = reordered.get(a);
            reordered.set(a, reordered.get(b));
            reordered.set(b, held);
            assertThat(verifier.verify(reordered).firstBadRecord()).get().extracting(Finding::kind, Finding::sequence)
                    .containsExactly(Finding.Kind.RECORDS_REORDERED, 3L);

            List<String> forged = new ArrayList<>(export);
            for (int i = 0; i < forged.size(); i++) {
                if (forged.get(i).startsWith("{\"type\":\"checkpoint\"")) {
                    String signature = forged.get(i).replaceAll(".*\"signature\":\"([^\"]+)\".*", "$1");
                    byte[] bytes = Base64.getDecoder().decode(signature);
                    bytes[0] ^= 0x40;
                    forged.set(i, forged.get(i).replace(signature, Base64.getEncoder().encodeToString(bytes)));
                }
            }
            assertThat(verifier.verify(forged).findings()).extracting(Finding::kind)
                    .contains(Finding.Kind.SIGNATURE_INVALID);

            var attacker = TreeHeadSignatures.generate();
            assertThat(new ExportVerifier(java.util.Map.of("local-2", attacker.getPublic())).verify(export).findings())
                    .extracting(Finding::kind).contains(Finding.Kind.SIGNATURE_INVALID);
        }
    }
}
