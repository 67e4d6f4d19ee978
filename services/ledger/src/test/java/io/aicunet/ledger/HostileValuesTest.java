package io.aicunet.ledger;

import static io.aicunet.platform.testing.HostileValues.BROKEN;
import static io.aicunet.platform.testing.HostileValues.GENERATED;
import static io.aicunet.platform.testing.LedgerFixtures.aPendingTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.aPost;
import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Timestamp;
import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.Balances;
import io.aicunet.contracts.ledger.v1.CloseAccountRequest;
import io.aicunet.contracts.ledger.v1.CreateAccountRequest;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.GetAccountBalanceRequest;
import io.aicunet.contracts.ledger.v1.GetAccountBalanceResponse;
import io.aicunet.contracts.ledger.v1.GetAccountRequest;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.TransferKind;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.platform.problem.InputChecks;
import io.aicunet.platform.testing.HostileValues;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves: hostile but well-formed values at every write rpc of the ledger (CreateAccount,
 * CloseAccount, CreateTransfers) and at GetAccountBalance's as_of are refused, never
 * INTERNAL, UNKNOWN, DATA_LOSS or UNAVAILABLE, and a refusal changes nothing: no account or
 * transfer is created, no account is closed, balances stay as they were. A refused
 * transfer is refused on its own (INVALID_FIELD, or the rule it breaks, such as
 * OVERFLOWS_BALANCE) and takes the good transfer linked before it down with it. The
 * values are NUL and the other control characters in ids, codes, units, subject ids and
 * metadata and personal metadata keys and values, overlong texts, amounts, timeouts and
 * kinds beyond their ranges, too many metadata entries, and timestamps of 2^62 s and
 * beyond years 1..9999. Over REST, where the edge parses for itself: as_of of year
 * +1000000000 and other instants outside the range, and JSON bodies with {@code \u0000},
 * lone surrogates, {@code 1e999999}, {@code 1e400000000} and integers beyond 64 bits, each
 * answered within seconds and never with a 5xx. Values are the cases plus a
 * bounded number (40) of generated ones from a fixed seed, so a failure is reproducible.
 * (A lone surrogate cannot travel in a protobuf string from a Java client, which sends it
 * as '?', so over gRPC the texts hold none; REST carries it.)
 */
@QuarkusTest
class HostileValuesTest extends LedgerTestBase {

    private static final Set<TransferResult> CREATED = Set.of(TransferResult.TRANSFER_RESULT_OK,
            TransferResult.TRANSFER_RESULT_EXISTS, TransferResult.TRANSFER_RESULT_UNSPECIFIED);
    /** How long a refusal may take: a hostile value must never hold a request thread. */
    private static final long ANSWER_MILLIS_MAX = 5_000;

    private Account from;
    private Account to;
    private Balances fromBefore;
    private Balances toBefore;

    @BeforeEach
    void openTwoAccountsWithATransfer() {
        from = open(anAccount("CREDIT"));
        to = open(anAccount("CREDIT"));
        assertThat(post(aTransfer(from.getId(), to.getId(), 5)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        fromBefore = balances(from);
        toBefore = balances(to);
    }

    @Test
    void hostileTextIsRefusedWithoutChange() throws Exception {
        for (String text : hostileTexts()) {
            accountRefused(anAccount("CREDIT").setCode(text));
            accountRefused(anAccount("CREDIT").setUnit(text));
            accountRefused(anAccount("CREDIT").setSubjectId(text));
            accountRefused(anAccount("CREDIT").setId(text));
            accountRefused(anAccount("CREDIT").setTenantId(text));

            transferRefused(aTransfer(from.getId(), to.getId(), 1).putMetadata(text, "v"));
            transferRefused(aTransfer(from.getId(), to.getId(), 1).putPersonalMetadata(text, "v"));
            if (InputChecks.multiLineTextProblem(text, 256) != null) {
                // A metadata value may span lines; NUL and the other controls it may not hold.
                transferRefused(aTransfer(from.getId(), to.getId(), 1).putMetadata("k", text));
                transferRefused(aTransfer(from.getId(), to.getId(), 1).putPersonalMetadata("k", text));
            }
            transferRefused(aTransfer(from.getId(), to.getId(), 1).setCode(text));
            transferRefused(aTransfer(from.getId(), to.getId(), 1).setId(text));
            transferRefused(aTransfer(text, to.getId(), 1));
            transferRefused(aTransfer(from.getId(), text, 1));
            transferRefused(aPost(text, 0));
            refused(() -> writer().createTransfers(CreateTransfersRequest.newBuilder().setTenantId(text)
                    .addTransfers(aTransfer(from.getId(), to.getId(), 1)).build()));

            refused(() -> operator().closeAccount(CloseAccountRequest.newBuilder().setTenantId(tenant)
                    .setAccountId(text).build()));
            refused(() -> operator().closeAccount(CloseAccountRequest.newBuilder().setTenantId(text)
                    .setAccountId(from.getId()).build()));
            refused(() -> writer().getAccountBalance(GetAccountBalanceRequest.newBuilder()
                    .setAccountId(text).build()));
        }
        assertUnchanged();
    }

    @Test
    void hostileNumbersAreRefusedWithoutChange() throws Exception {
        // The good transfer linked before each leaves 8 debits on from, so 2^63-8 and above overflow its balance.
        List<Long> amounts = new ArrayList<>(List.of(Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE, Long.MAX_VALUE - 7));
        List<Integer> timeouts = new ArrayList<>(List.of(Integer.MIN_VALUE, -1, Integer.MAX_VALUE, 31 * 24 * 3600 + 1));
        Random random = new Random(14);
        for (int i = 0; i < GENERATED; i++) {
            amounts.add(random.nextBoolean() ? Long.MIN_VALUE + (random.nextLong() & Long.MAX_VALUE)
                    : Long.MAX_VALUE - random.nextInt(8));
            timeouts.add(random.nextBoolean() ? Integer.MIN_VALUE + random.nextInt(Integer.MAX_VALUE)
                    : 31 * 24 * 3600 + 1 + random.nextInt(Integer.MAX_VALUE - 31 * 24 * 3600 - 1));
        }
        for (long amount : amounts) {
            transferRefused(aTransfer(from.getId(), to.getId(), amount));
            if (amount <= 0) {
                // A pending reservation of 2^63-1 fits (nothing is pending yet): only the others are hostile.
                transferRefused(aPendingTransfer(from.getId(), to.getId(), amount, 0));
            }
        }
        for (int timeout : timeouts) {
            transferRefused(aPendingTransfer(from.getId(), to.getId(), 1, timeout));
            transferRefused(aTransfer(from.getId(), to.getId(), 1).setTimeoutSeconds(timeout));
        }
        for (int kind : List.of(TransferKind.TRANSFER_KIND_EXPIRE_PENDING_VALUE, 6, 99, -1, Integer.MAX_VALUE,
                Integer.MIN_VALUE)) {
            transferRefused(aTransfer(from.getId(), to.getId(), 1).setKindValue(kind));
        }
        for (int entries : List.of(17, 10_000)) {
            NewTransfer.Builder crowded = aTransfer(from.getId(), to.getId(), 1);
            NewTransfer.Builder crowdedPersonal = aTransfer(from.getId(), to.getId(), 1);
            for (int i = 0; i < entries; i++) {
                crowded.putMetadata("k" + i, "v");
                crowdedPersonal.putPersonalMetadata("k" + i, "v");
            }
            transferRefused(crowded);
            transferRefused(crowdedPersonal);
        }
        assertUnchanged();
    }

    @Test
    void asOfOutsideTheTimestampRangeIsRefused() {
        List<Timestamp> hostile = new ArrayList<>(List.of(
                Timestamp.newBuilder().setSeconds(1L << 62).build(),
                Timestamp.newBuilder().setSeconds(-(1L << 62)).build(),
                Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(999_999_999).build(),
                Timestamp.newBuilder().setSeconds(Long.MIN_VALUE).build(),
                Timestamp.newBuilder().setSeconds(InputChecks.TIMESTAMP_MAX.getEpochSecond() + 1).build(),
                Timestamp.newBuilder().setSeconds(InputChecks.TIMESTAMP_MIN.getEpochSecond() - 1).build(),
                Timestamp.newBuilder().setSeconds(0).setNanos(-1).build(),
                Timestamp.newBuilder().setSeconds(0).setNanos(1_000_000_000).build(),
                Timestamp.newBuilder().setSeconds(0).setNanos(Integer.MIN_VALUE).build(),
                Timestamp.newBuilder().setSeconds(0).setNanos(Integer.MAX_VALUE).build()));
        Random random = new Random(62);
        long beyond = InputChecks.TIMESTAMP_MAX.getEpochSecond() + 1;
        for (int i = 0; i < GENERATED; i++) {
            long seconds = beyond + (random.nextLong() & Long.MAX_VALUE) % (Long.MAX_VALUE - beyond);
            hostile.add(Timestamp.newBuilder().setSeconds(random.nextBoolean() ? seconds : -seconds)
                    .setNanos(random.nextInt(1_000_000_000)).build());
        }
        for (Timestamp asOf : hostile) {
            refused(() -> writer().getAccountBalance(GetAccountBalanceRequest.newBuilder()
                    .setAccountId(from.getId()).setAsOf(asOf).build()));
        }
        // The ends of the range are answered: the balances now, and none yet.
        GetAccountBalanceResponse last = writer().getAccountBalance(GetAccountBalanceRequest.newBuilder()
                .setAccountId(from.getId()).setAsOf(Timestamp.newBuilder()
                        .setSeconds(InputChecks.TIMESTAMP_MAX.getEpochSecond()).setNanos(999_999_999)).build());
        assertThat(last.getBalances()).isEqualTo(fromBefore);
        GetAccountBalanceResponse first = writer().getAccountBalance(GetAccountBalanceRequest.newBuilder()
                .setAccountId(from.getId()).setAsOf(Timestamp.newBuilder()
                        .setSeconds(InputChecks.TIMESTAMP_MIN.getEpochSecond())).build());
        assertThat(first.getBalances()).isEqualTo(Balances.getDefaultInstance());
    }

    @Test
    void hostileRestValuesAreRefusedWithoutChange() throws Exception {
        for (String asOf : List.of("+1000000000-01-01T00:00:00Z", "+1000000000-12-31T23:59:59.999999999Z",
                "-1000000000-01-01T00:00:00Z", "+1000000001-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
                "0000-12-31T23:59:59Z", "-0001-01-01T00:00:00Z", "2026-01-01T00:00:00\u0000Z", "\u0000",
                "9".repeat(1_000), "2026-13-01T00:00:00Z")) {
            int status = timed("as_of " + asOf, () -> given().headers(viewer()).queryParam("as_of", asOf)
                    .when().get("/v1/accounts/{id}/balance", from.getId()).then().extract());
            assertThat(status).as("as_of %s", asOf).isEqualTo(400);
        }

        List<String> strings = List.of("\"a\\u0000b\"", "\"\\u0000\"", "\"\\ud800\"", "\"x\\udc00\"",
                "\"\\udbff\"", "\"bell\\u0007\"", "\"c1\\u0085\"", "\"" + "x".repeat(10_000) + "\"");
        for (String string : strings) {
            for (String field : List.of("id", "code", "unit", "subject_id", "tenant_id")) {
                Map<String, String> account = new java.util.LinkedHashMap<>(Map.of(
                        "id", "\"" + UUID.randomUUID() + "\"", "code", "\"test\"", "unit", "\"CREDIT\""));
                account.put(field, string);
                restRefused("POST", "/v1/accounts", object(account), writerHeaders());
            }
            for (String transfer : List.of(
                    transfer("\"metadata\":{\"k\":" + string + "}"),
                    transfer("\"metadata\":{" + string + ":\"v\"}"),
                    transfer("\"personal_metadata\":{\"k\":" + string + "}"),
                    transfer("\"personal_metadata\":{" + string + ":\"v\"}"),
                    transfer("\"code\":" + string).replace("\"code\":\"test.usage\",", ""),
                    transfer("\"pending_id\":" + string),
                    transfer("\"id\":" + string).replaceFirst("\"id\":\"[0-9a-f-]{36}\",", ""))) {
                restRefused("POST", "/v1/transfers", "{\"transfers\":[" + transfer + "]}", writerHeaders());
            }
            restRefused("POST", "/v1/transfers", "{\"tenant_id\":" + string + ",\"transfers\":["
                    + transfer("\"linked\":false") + "]}", writerHeaders());
        }
        for (String number : List.of("1e999999", "-1e999999", "1e-999999", "1e400000000", "1e-400000000",
                "99999999999999999999999", "9223372036854775808", "-9223372036854775809", "1.5", "NaN",
                "Infinity")) {
            restRefused("POST", "/v1/transfers", "{\"transfers\":[" + transfer("\"amount\":" + number)
                    .replace("\"amount\":1,", "") + "]}", writerHeaders());
            restRefused("POST", "/v1/transfers", "{\"transfers\":[" + transfer("\"timeout_seconds\":" + number)
                    .replace("\"kind\":\"posted\"", "\"kind\":\"pending\"") + "]}", writerHeaders());
        }
        for (String id : List.of("\u0000", "a\u0000b", "x".repeat(10_000), UUID.randomUUID() + "\u0000")) {
            int status = timed("closure of " + id.length(), () -> given().headers(operatorHeaders())
                    .queryParam("tenant_id", tenant).when().post("/v1/accounts/{id}/closure", id).then().extract());
            assertThat(status).isBetween(400, 499);
            status = timed("closure in tenant " + id.length(), () -> given().headers(operatorHeaders())
                    .queryParam("tenant_id", id).when().post("/v1/accounts/{id}/closure", from.getId())
                    .then().extract());
            assertThat(status).isBetween(400, 499);
        }
        for (byte[] invalid : List.of(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xFF})) {
            restRefused("POST", "/v1/accounts", concat(("{\"id\":\"" + UUID.randomUUID()
                    + "\",\"code\":\"test\",\"unit\":\"CREDIT\",\"subject_id\":\"x").getBytes(StandardCharsets.UTF_8),
                    invalid, "\"}".getBytes(StandardCharsets.UTF_8)), writerHeaders());
        }
        assertUnchanged();
    }

    // ---- refusals ----------------------------------------------------------------------

    /** A call that must be refused as a field violation. */
    private static void refused(Supplier<?> call) {
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::get);
        assertThat(failure).as("a hostile value must be refused").isNotNull();
        assertThat(failure.getStatus().getCode()).as(failure.getStatus().toString())
                .isNotIn(BROKEN).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    private void accountRefused(CreateAccountRequest.Builder account) throws Exception {
        long accounts = accountRows();
        refused(() -> writer().createAccount(account.build()));
        assertThat(accountRows()).as("a refused request opens no account").isEqualTo(accounts);
    }

    /**
     * A hostile transfer, sent after a good one linked to it: refused on its own (the call
     * answers, or is refused as a whole as a field violation), the good one not applied, no
     * row written and no balance moved.
     */
    private void transferRefused(NewTransfer.Builder hostile) throws Exception {
        long rows = transferRows();
        CreateTransfersRequest request = CreateTransfersRequest.newBuilder()
                .addTransfers(aTransfer(from.getId(), to.getId(), 3).setLinked(true)).addTransfers(hostile).build();
        List<TransferOutcome> outcomes = null;
        try {
            outcomes = writer().createTransfers(request).getResultsList();
        } catch (StatusRuntimeException failure) {
            assertThat(failure.getStatus().getCode()).as(failure.getStatus().toString())
                    .isNotIn(BROKEN).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        if (outcomes != null) {
            assertThat(outcomes.get(1).getResult()).as(outcomes.get(1).toString()).isNotIn(CREATED);
            assertThat(outcomes.get(0).getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_LINKED_EVENT_FAILED);
        }
        assertThat(transferRows()).as("a refused transfer writes no row").isEqualTo(rows);
        assertThat(balances(from)).isEqualTo(fromBefore);
    }

    /** A REST call that must be answered 4xx, or 200 with every transfer refused, within the bound. */
    private void restRefused(String method, String path, String body, Map<String, String> headers) throws Exception {
        restRefused(method, path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private void restRefused(String method, String path, byte[] body, Map<String, String> headers)
            throws Exception {
        long rows = transferRows();
        long accounts = accountRows();
        String call = method + " " + path + " " + new String(body, 0, Math.min(body.length, 300),
                StandardCharsets.UTF_8);
        AtomicReference<ExtractableResponse<Response>> answer = new AtomicReference<>();
        int status = timed(call, () -> {
            answer.set(given().headers(headers).contentType("application/json").body(body)
                    .when().request(method, path).then().extract());
            return answer.get();
        });
        if (status == 200 && path.equals("/v1/transfers")) {
            assertThat(answer.get().jsonPath().getList("results.result", String.class)).as(call)
                    .doesNotContain("ok", "exists");
        } else {
            assertThat(status).as("%s answered %s", call, answer.get().asString()).isBetween(400, 499);
        }
        assertThat(transferRows()).as(call).isEqualTo(rows);
        assertThat(accountRows()).as(call).isEqualTo(accounts);
    }

    private static int timed(String call, Supplier<ExtractableResponse<Response>> request) {
        long start = System.nanoTime();
        int status = request.get().statusCode();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("%s took %d ms", call, millis).isLessThan(ANSWER_MILLIS_MAX);
        return status;
    }

    // ---- values --------------------------------------------------------------------------

    /** The texts and generated ones: each has a control character somewhere, or is overlong. */
    private static List<String> hostileTexts() {
        return HostileValues.texts(41, 256, "", "a\u0000b", "\u0000", "\u0000test", "test\u0000",
                "line\nbreak", "tab\there", "bell\u0007", "del\u007F", "c1\u0085", "x".repeat(10_000));
    }

    /** A good transfer from from to to as JSON, with one member more (or replaced, when named first). */
    private String transfer(String member) {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"debit_account_id\":\"" + from.getId()
                + "\",\"credit_account_id\":\"" + to.getId() + "\",\"amount\":1,\"code\":\"test.usage\","
                + "\"kind\":\"posted\"," + member + "}";
    }

    private static String object(Map<String, String> members) {
        StringBuilder json = new StringBuilder("{");
        members.forEach((name, value) -> json.append(json.length() > 1 ? "," : "").append('"').append(name)
                .append("\":").append(value));
        return json.append('}').toString();
    }

    private Map<String, String> writerHeaders() {
        return TestCallers.ofTenant(tenant, "ledger-writer");
    }

    private Map<String, String> viewer() {
        return TestCallers.ofTenant(tenant, "tenant-viewer");
    }

    private static Map<String, String> operatorHeaders() {
        return TestCallers.headers("platform", "oncall@aicunet.io", Set.of("platform-operator"));
    }

    private long accountRows() throws Exception {
        return count("SELECT count(*) FROM ledger.accounts WHERE tenant_id = ?::uuid", tenant);
    }

    private void assertUnchanged() throws Exception {
        assertThat(balances(from)).isEqualTo(fromBefore);
        assertThat(balances(to)).isEqualTo(toBefore);
        assertThat(accountRows()).isEqualTo(2);
        assertThat(transferRows()).isEqualTo(1);
        for (Account account : List.of(from, to)) {
            assertThat(operator().getAccount(GetAccountRequest.newBuilder().setTenantId(tenant)
                    .setAccountId(account.getId()).build()).getAccount().getClosed()).isFalse();
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] joined = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, joined, at, part.length);
            at += part.length;
        }
        return joined;
    }
}
