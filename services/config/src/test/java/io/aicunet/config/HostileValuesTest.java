package io.aicunet.config;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.HostileValues.BROKEN;
import static io.aicunet.platform.testing.HostileValues.GENERATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.contracts.config.v1.CreateNamespaceRequest;
import io.aicunet.contracts.config.v1.DeleteEntryRequest;
import io.aicunet.contracts.config.v1.GetEntryRequest;
import io.aicunet.contracts.config.v1.RegisterSchemaRequest;
import io.aicunet.contracts.config.v1.RollbackEntryRequest;
import io.aicunet.platform.testing.ConfigFixtures;
import io.aicunet.platform.testing.HostileValues;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves: hostile but well-formed values at every write rpc of config (CreateNamespace,
 * RegisterSchema, PutEntry, DeleteEntry, RollbackEntry) are refused as INVALID_ARGUMENT,
 * never INTERNAL or UNKNOWN, and a refusal makes no revision and leaves the stored value as
 * it was: NUL and other control characters in reasons, descriptions, values and schemas, a
 * lone surrogate (as a JSON escape, which is how it reaches the service over gRPC and how
 * REST's re-serialised body carries it), {@code 1e999999}, a 5,000-deep value_json, and
 * overlong text. Values are the cases plus a bounded number (40) of generated ones
 * from a fixed seed, so a failure is reproducible.
 */
@QuarkusTest
class HostileValuesTest extends ConfigTestBase {

    private String namespace;

    @BeforeEach
    void storeOneEntry() {
        namespace = newNamespace();
        put(namespace, "model", globalScope(), "\"small\"");
    }

    @Test
    void hostileJsonValuesAreRefusedWithoutChange() {
        List<String> values = new ArrayList<>(List.of(
                "\"a\\u0000b\"", "{\"k\":\"\\u0000\"}", "\"\\ud800\"", "[\"\\udc00x\"]", "1e999999", "-1E400",
                "[".repeat(5_000) + "]".repeat(5_000), "{\"a\":" .repeat(100) + "1" + "}".repeat(100)));
        Random random = new Random(14);
        for (int i = 0; i < GENERATED; i++) {
            values.add(generatedJson(random));
        }
        for (String value : values) {
            refusedWithoutChange(() -> admin().putEntry(entry(namespace, "model", globalScope(), value).build()));
        }
        for (String schema : values) {
            refusedWithoutChange(() -> admin().registerSchema(RegisterSchemaRequest.newBuilder()
                    .setNamespace(namespace).setSchemaJson(schema).build()));
        }
        assertUnchanged();
    }

    @Test
    void hostileTextIsRefusedWithoutChange() {
        List<String> texts = HostileValues.texts(41, 500, "\n\r\t", "a\u0000b", "\u0000", "line\nbreak", "bell\u0007", "del\u007F",
                "c1\u0085", "x".repeat(10_000));
        long first = head();
        for (String text : texts) {
            refusedWithoutChange(() -> admin().putEntry(entry(namespace, "model", globalScope(), "\"large\"")
                    .setReason(text).build()));
            refusedWithoutChange(() -> admin().deleteEntry(DeleteEntryRequest.newBuilder().setNamespace(namespace)
                    .setKey("model").setScope(globalScope()).setReason(text).build()));
            refusedWithoutChange(() -> admin().rollbackEntry(RollbackEntryRequest.newBuilder()
                    .setNamespace(namespace).setKey("model").setScope(globalScope()).setToRevision(first)
                    .setReason(text).build()));
            if (!text.contains("\n") || text.contains("\u0000")) {
                // A description may span lines; NUL and the other controls it may not hold.
                CreateNamespaceRequest withDescription = ConfigFixtures.aNamespace().setDescription(text).build();
                refusedWithoutChange(() -> admin().createNamespace(withDescription));
            }
        }
        assertUnchanged();
    }

    /** A call that must be refused as a field violation, with no new revision. */
    private static void refusedWithoutChange(Supplier<?> call) {
        long before = head();
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::get);
        assertThat(failure).as("a hostile value must be refused").isNotNull();
        assertThat(failure.getStatus().getCode()).as(failure.getStatus().toString())
                .isNotIn(BROKEN).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(head()).as("a refused request makes no revision").isEqualTo(before);
    }

    /** A JSON text holding one hostile part: a NUL or lone surrogate escape, a huge number, or deep nesting. */
    private static String generatedJson(Random random) {
        String hostile = switch (random.nextInt(4)) {
            case 0 -> "\"" + "x".repeat(random.nextInt(5)) + "\\u0000\"";
            case 1 -> "\"\\u" + Integer.toHexString(0xD800 + random.nextInt(0x800)) + "\"";
            case 2 -> (random.nextBoolean() ? "-" : "") + (1 + random.nextInt(9)) + "e" + (400 + random.nextInt(1_000_000));
            default -> {
                int depth = 65 + random.nextInt(2_000);
                yield "[".repeat(depth) + "]".repeat(depth);
            }
        };
        return random.nextBoolean() ? hostile : "{\"k\":[1," + hostile + "]}";
    }

    private void assertUnchanged() {
        assertThat(admin().getEntry(GetEntryRequest.newBuilder().setNamespace(namespace).setKey("model")
                .setScope(globalScope()).build()).getEntry().getValue().getJson()).isEqualTo("\"small\"");
    }
}
