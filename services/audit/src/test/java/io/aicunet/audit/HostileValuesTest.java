package io.aicunet.audit;

import static io.aicunet.platform.testing.HostileValues.BROKEN;
import static io.aicunet.platform.testing.HostileValues.GENERATED;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.aicunet.contracts.audit.v1.AppendRequest;
import io.aicunet.contracts.audit.v1.ApplyRetentionRequest;
import io.aicunet.contracts.audit.v1.CreateCheckpointRequest;
import io.aicunet.contracts.audit.v1.RecordInput;
import io.aicunet.contracts.audit.v1.SetLegalHoldRequest;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.HostileValues;
import io.grpc.Status;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves: hostile but well-formed values at every write rpc of audit (Append,
 * SetLegalHold, CreateCheckpoint, ApplyRetention) and at the REST routes of Append and
 * SetLegalHold are refused (gRPC INVALID_ARGUMENT or another refusal, never INTERNAL,
 * UNKNOWN, DATA_LOSS or UNAVAILABLE; REST 4xx, never 5xx), and a refusal changes nothing:
 * the tenant's log keeps its size and head, its legal hold and reason, its checkpoints.
 * Values: NUL and other control characters and overlong text in actor, action, resource,
 * outcome, reason and correlation id and in a legal hold's reason; timestamps of 2^62 s,
 * Long.MIN_VALUE s, year 10000 and year 0, nanos out of range; oversized details and
 * malformed record and tenant ids; over REST lone surrogates and NULs as JSON escapes,
 * occurred_at as a number (1e999999 read as 1970 by Jackson) or beyond Instant's range,
 * details that are not base64, deep bodies. Each kind is the cases plus a bounded
 * number of generated ones from a fixed seed, so a failure is reproducible.
 */
@QuarkusTest
class HostileValuesTest {

    /** Writes every character outside ASCII as a JSON escape, so a lone surrogate travels as {@code \ud800}. */
    private static final JsonMapper ESCAPING = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    @TestHTTPResource(tls = true)
    URL service;

    private AuditGrpcClient client;
    private String tenant;
    /** The superuser's session the snapshots read through: one per test, not one per snapshot. */
    private Connection db;

    /** A tenant whose log holds one record and a legal hold: what a write could change. */
    @BeforeEach
    void oneRecordAndAHold() throws Exception {
        db = FleetTestResource.database().connectAsSuperuser();
        client = new AuditGrpcClient(service.getPort());
        tenant = UUID.randomUUID().toString();
        client.asService().append(AuditFixtures.anAppend(tenant, 1).build());
        client.as(AuditFixtures.platformCompliance()).setLegalHold(SetLegalHoldRequest.newBuilder()
                .setTenantId(tenant).setHeld(true).setReason("case 14").build());
    }

    @AfterEach
    void disconnect() throws Exception {
        client.close();
        db.close();
    }

    @Test
    void hostileTextIsRefusedWithoutChange() {
        List<Function<String, RecordInput.Builder>> fields = List.of(
                text -> AuditFixtures.aRecord().setActor(text),
                text -> AuditFixtures.aRecord().setAction(text),
                text -> AuditFixtures.aRecord().setResource(text),
                text -> AuditFixtures.aRecord().setOutcome(text),
                text -> AuditFixtures.aRecord().setReason(text),
                text -> AuditFixtures.aRecord().setCorrelationId(text),
                text -> AuditFixtures.aRecord().setRecordId(text));
        for (String text : hostileText()) {
            String what = abbreviated(text);
            for (int field = 0; field < fields.size(); field++) {
                RecordInput record = fields.get(field).apply(text).build();
                refusedWithoutChange("record field " + field + ": " + what, () -> client.asService().append(
                        AppendRequest.newBuilder().setTenantId(tenant).addRecords(AuditFixtures.aRecord())
                                .addRecords(record).build()));
            }
            refusedWithoutChange("tenant_id " + what, () -> client.asService().append(
                    AuditFixtures.anAppend(text, 1).build()));
            refusedWithoutChange("hold reason " + what, () -> compliance().setLegalHold(SetLegalHoldRequest
                    .newBuilder().setTenantId(tenant).setHeld(true).setReason(text).build()));
            refusedWithoutChange("lift reason " + what, () -> compliance().setLegalHold(SetLegalHoldRequest
                    .newBuilder().setTenantId(tenant).setHeld(false).setReason(text).build()));
            refusedWithoutChange("hold tenant_id " + what, () -> compliance().setLegalHold(SetLegalHoldRequest
                    .newBuilder().setTenantId(text).setHeld(false).build()));
            answeredWithoutChange("checkpoint tenant_id " + what, () -> client.as(AuditFixtures.platformAuditor())
                    .createCheckpoint(CreateCheckpointRequest.newBuilder().setTenantId(text).build()));
            answeredWithoutChange("retention tenant_id " + what, () -> compliance().applyRetention(
                    ApplyRetentionRequest.newBuilder().setTenantId(text).build()));
        }
    }

    @Test
    void hostileTimestampsAndSizesAreRefusedWithoutChange() {
        List<Timestamp> timestamps = new ArrayList<>(List.of(
                Timestamp.newBuilder().setSeconds(1L << 62).build(),
                Timestamp.newBuilder().setSeconds(-(1L << 62)).build(),
                Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(999_999_999).build(),
                Timestamp.newBuilder().setSeconds(Long.MIN_VALUE).build(),
                Timestamp.newBuilder().setSeconds(253_402_300_800L).build(),
                Timestamp.newBuilder().setSeconds(-62_135_596_801L).build(),
                Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() + 86_400).build(),
                Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(-1).build(),
                Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(1_000_000_000).build(),
                Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(Integer.MIN_VALUE).build()));
        Random random = new Random(62);
        for (int i = 0; i < GENERATED; i++) {
            long seconds = random.nextBoolean()
                    ? Instant.now().getEpochSecond() + 3_600 + Math.abs(random.nextLong() % (1L << 62))
                    : -1 - Math.abs(random.nextLong() % (1L << 62));
            timestamps.add(Timestamp.newBuilder().setSeconds(seconds).setNanos(random.nextInt(1_000_000_000)).build());
        }
        for (Timestamp timestamp : timestamps) {
            refusedWithoutChange("occurred_at " + timestamp.getSeconds() + " s " + timestamp.getNanos() + " ns",
                    () -> client.asService().append(AppendRequest.newBuilder().setTenantId(tenant)
                            .addRecords(AuditFixtures.aRecord().setOccurredAt(timestamp)).build()));
        }
        for (int bytes : List.of(16_385, 100_000)) {
            byte[] details = new byte[bytes];
            random.nextBytes(details);
            refusedWithoutChange("details of " + bytes + " bytes", () -> client.asService().append(AppendRequest
                    .newBuilder().setTenantId(tenant).addRecords(AuditFixtures.aRecord()
                            .setDetails(ByteString.copyFrom(details))).build()));
        }
        // Refused either as a field violation or, for a tenant without a data key, as a precondition.
        answeredWithoutChange("a sealed reference as details", () -> client.asService().append(AppendRequest
                .newBuilder().setTenantId(tenant).addRecords(AuditFixtures.aRecord().setDetails(ByteString
                        .copyFrom("aicunet.audit.sealed/1:x".getBytes(StandardCharsets.UTF_8)))).build()));
        refusedWithoutChange("1001 records", () -> client.asService().append(AuditFixtures.anAppend(tenant, 1001)
                .build()));
        refusedWithoutChange("no records", () -> client.asService().append(AppendRequest.newBuilder()
                .setTenantId(tenant).build()));
    }

    /** REST reads its bodies with Jackson: escapes decode to NULs and lone surrogates, times and numbers can overflow. */
    @Test
    void hostileRestBodiesAreRefusedWithoutChange() {
        String records = "/v1/audit/tenants/" + tenant + "/records";
        String hold = "/v1/audit/tenants/" + tenant + "/legal-hold";
        List<String> texts = new ArrayList<>(List.of("a\u0000b", "\ud800", "x\udc00y", "bell\u0007", "c1\u0085",
                "line\nbreak", "x".repeat(10_000)));
        Random random = new Random(43);
        for (int i = 0; i < GENERATED / 2; i++) {
            texts.add(random.nextBoolean() ? HostileValues.generatedText(random, 2000, "\t")
                    : "text " + (char) (0xD800 + random.nextInt(0x800)) + random.nextInt(1_000));
        }
        for (String text : texts) {
            for (String field : List.of("actor", "action", "resource", "outcome", "reason", "correlation_id",
                    "record_id")) {
                Map<String, Object> record = aRecord();
                record.put(field, text);
                refusedOverRest("POST", records, json(Map.of("records", List.of(aRecord(), record))));
            }
            refusedOverRest("PUT", hold, json(Map.of("held", true, "reason", text)));
            refusedOverRest("PUT", hold, json(Map.of("held", false, "reason", text)));
        }
        String valid = json(aRecord());
        String prefix = valid.substring(0, valid.length() - 1);
        for (String occurredAt : List.of("1e999999", "-1e999999", "1e300", "18446744075409551616.0", "1e64", "0.5",
                "\"+1000000000-01-01T00:00:00Z\"", "\"+1000000001-01-01T00:00:00Z\"", "\"10000-01-01T00:00:00Z\"",
                "\"-999999999-01-01T00:00:00Z\"", "\"0000-01-01T00:00:00Z\"", "\"2024-13-45T00:00:00Z\"",
                "\"1e999999\"", "\"1700000000\"", "true", "[]", "{}")) {
            refusedOverRest("POST", records, "{\"records\":[" + prefix + ",\"occurred_at\":" + occurredAt + "}]}");
        }
        byte[] large = new byte[16_385];
        random.nextBytes(large);
        for (String details : List.of("\"!!not base64!!\"", "\"" + Base64.getEncoder().encodeToString(large) + "\"",
                "1e999999", "[" + "1,".repeat(100) + "1]")) {
            refusedOverRest("POST", records, "{\"records\":[" + prefix + ",\"details\":" + details + "}]}");
        }
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        for (String raw : List.of("{\"records\":[null]}", "{\"records\":" + deep + "}",
                "{\"records\":[" + prefix + ",\"reason\":" + deep + "}]}",
                "{\"records\":[" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000) + "]}")) {
            refusedOverRest("POST", records, raw);
        }
        for (String raw : List.of("{\"held\":1e999999}", "{\"held\":true,\"reason\":1e999999}",
                "{\"held\":true,\"reason\":\"\\u0000\"}", "{\"held\":true,\"reason\":" + deep + "}")) {
            refusedOverRest("PUT", hold, raw);
        }
        refusedOverRest("POST", "/v1/audit/tenants/%00/records", json(Map.of("records", List.of(aRecord()))));
        refusedOverRest("PUT", "/v1/audit/tenants/%ED%A0%80/legal-hold", "{\"held\":false}");
    }

    // ---- the assertions ---------------------------------------------------------------

    /** A call that must be refused as a field violation, changing nothing. */
    private void refusedWithoutChange(String what, Supplier<?> call) {
        HostileValues.refusedWithoutChange(what, this::snapshot, call, Status.Code.INVALID_ARGUMENT);
    }

    /** A call that must be refused somehow (field violation, permission...), never broken, changing nothing. */
    private void answeredWithoutChange(String what, Supplier<?> call) {
        HostileValues.refusedWithoutChange(what, this::snapshot, call, null);
    }

    private void refusedOverRest(String method, String path, String body) {
        List<Object> before = snapshot();
        Map<String, String> caller = method.equals("PUT") ? AuditFixtures.platformCompliance()
                : AuditFixtures.platformService();
        var response = given().headers(caller).urlEncodingEnabled(false).contentType("application/json").body(body)
                .when().request(method, path).then().extract();
        String what = method + " " + path + " " + abbreviated(body);
        assertThat(response.statusCode()).as("%s: %s", what, response.body().asString()).isBetween(400, 499);
        assertThat(snapshot()).as("%s: a refused request changes nothing", what).isEqualTo(before);
    }

    /** The tenant's log as stored: records, head, legal hold and its reason, checkpoints, removals. */
    private List<Object> snapshot() {
        List<Object> state = new ArrayList<>();
        try (PreparedStatement select = db.prepareStatement("""
                        SELECT (SELECT count(*) FROM audit.audit_records WHERE tenant_id = ?::uuid),
                               (SELECT coalesce(max(sequence), 0) FROM audit.audit_records WHERE tenant_id = ?::uuid),
                               (SELECT tree_size || ' ' || encode(last_record_hash, 'hex') FROM audit.audit_heads
                                 WHERE tenant_id = ?::uuid),
                               (SELECT legal_hold || ' ' || legal_hold_reason FROM audit.audit_tenant_policies
                                 WHERE tenant_id = ?::uuid),
                               (SELECT count(*) FROM audit.audit_checkpoints WHERE tenant_id = ?::uuid),
                               (SELECT count(*) FROM audit.audit_removals WHERE tenant_id = ?::uuid)""")) {
            for (int i = 1; i <= 6; i++) {
                select.setString(i, tenant);
            }
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                for (int i = 1; i <= 6; i++) {
                    state.add(rows.getString(i));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the tenant's log", e);
        }
        return state;
    }

    // ---- the requests and values ------------------------------------------------------

    private io.aicunet.contracts.audit.v1.AuditServiceGrpc.AuditServiceBlockingStub compliance() {
        return client.as(AuditFixtures.platformCompliance());
    }

    /** A valid record as a REST body's element. */
    private static Map<String, Object> aRecord() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("record_id", UUID.randomUUID().toString());
        record.put("actor", "alice@example.com");
        record.put("action", "ledger.transfers.post");
        record.put("resource", "transfer/1");
        record.put("outcome", "success");
        return record;
    }

    /** JSON with every non-ASCII character (a lone surrogate too) escaped. */
    private static String json(Object value) {
        try {
            return ESCAPING.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Texts no text field of audit takes: NUL and other control characters (a tab alone is
     * allowed, so it is replaced) and text longer than any field's limit (2000 is the longest).
     * A lone surrogate cannot reach the service over gRPC (protobuf sends it as "?").
     */
    private static List<String> hostileText() {
        return HostileValues.texts(41, 2000, "\t", "a\u0000b", "\u0000", "line\nbreak", "bell\u0007", "del\u007F",
                "c1\u0085", "cr\r", "x".repeat(10_000));
    }

    private static String abbreviated(String text) {
        String shown = text.length() <= 60 ? text : text.substring(0, 57) + "...";
        StringBuilder escaped = new StringBuilder();
        shown.chars().forEach(c -> escaped.append(c < 0x20 || (c >= 0x7F && c <= 0x9F) || Character.isSurrogate((char) c)
                ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return escaped + " (" + text.length() + " chars)";
    }
}
