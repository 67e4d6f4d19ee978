package io.aicunet.ledger.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.problem.RequestDigest;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What makes a single transfer well-formed, field by field. */
class TransferRulesTest {

    private static final String DEBIT = UUID.randomUUID().toString();
    private static final String CREDIT = UUID.randomUUID().toString();

    /** Proves: amount 0, negative and 2^63 are each refused on the amount field; 2^63-1 is accepted. */
    @Test
    void amountMustBePositiveAndFitSixtyFourBits() {
        assertMalformed(transfer(BigInteger.ZERO), "amount");
        assertMalformed(transfer(BigInteger.valueOf(-1)), "amount");
        assertMalformed(transfer(BigInteger.TWO.pow(63)), "amount");
        assertThat(TransferRules.check(transfer(BigInteger.valueOf(Long.MAX_VALUE))))
                .isInstanceOf(CheckedTransfer.WellFormed.class);
    }

    /** Proves: debit = credit is ACCOUNTS_MUST_BE_DIFFERENT; a non-UUID account id is an invalid field. */
    @Test
    void accountsMustBeTwoUuids() {
        CheckedTransfer same = TransferRules.check(new TransferDraft(UUID.randomUUID().toString(), DEBIT, DEBIT,
                BigInteger.ONE, "", "posted", false, 0, "x", Map.of()));
        assertThat(((CheckedTransfer.Malformed) same).result()).isEqualTo(TransferResult.ACCOUNTS_MUST_BE_DIFFERENT);
        assertMalformed(new TransferDraft(UUID.randomUUID().toString(), "not-a-uuid", CREDIT, BigInteger.ONE, "",
                "posted", false, 0, "x", Map.of()), "debit_account_id");
        assertMalformed(new TransferDraft("00000000-0000-0000-0000-000000000000", DEBIT, CREDIT, BigInteger.ONE, "",
                "posted", false, 0, "x", Map.of()), "id");
    }

    /** Proves: kinds, pending ids, timeouts, codes and metadata are checked with the field named. */
    @Test
    void otherFieldsAreChecked() {
        String id = UUID.randomUUID().toString();
        assertMalformed(new TransferDraft(id, DEBIT, CREDIT, BigInteger.ONE, "", "expire_pending", false, 0, "x",
                Map.of()), "kind");
        assertMalformed(new TransferDraft(id, "", "", BigInteger.ZERO, "", "post_pending", false, 0, "", Map.of()),
                "pending_id");
        assertMalformed(new TransferDraft(id, DEBIT, CREDIT, BigInteger.ONE, "", "posted", false, 5, "x", Map.of()),
                "timeout_seconds");
        assertMalformed(new TransferDraft(id, DEBIT, CREDIT, BigInteger.ONE, "", "pending", false, -1, "x",
                Map.of()), "timeout_seconds");
        assertMalformed(new TransferDraft(id, DEBIT, CREDIT, BigInteger.ONE, "", "posted", false, 0, "Bad Code",
                Map.of()), "code");
        Map<String, String> tooMany = new HashMap<>();
        for (int i = 0; i < 17; i++) {
            tooMany.put("k" + i, "v");
        }
        assertMalformed(new TransferDraft(id, DEBIT, CREDIT, BigInteger.ONE, "", "posted", false, 0, "x", tooMany),
                "metadata");
    }

    /** Proves: the digest ignores spelling (metadata order, null vs empty) but not meaning. */
    @Test
    void digestFollowsMeaningOnly() {
        String id = UUID.randomUUID().toString();
        Map<String, String> ab = new java.util.LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new java.util.LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        RequestDigest first = digest(new TransferDraft(id, DEBIT, CREDIT, BigInteger.TEN, null, null, false, 0, "x", ab));
        RequestDigest same = digest(new TransferDraft(id, DEBIT, CREDIT, BigInteger.TEN, "", "posted", false, 0, "x", ba));
        RequestDigest other = digest(new TransferDraft(id, DEBIT, CREDIT, BigInteger.TEN, "", "posted", true, 0, "x", ab));
        assertThat(same).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    /**
     * Proves: a transfer's digest is the one the ledger has always stored (computed with
     * the ledger's own digest before platform/problem's RequestDigest replaced it), so a
     * retry of a transfer recorded before the change is still a replay, not a conflict.
     */
    @Test
    void digestOfAStoredTransferIsUnchanged() {
        TransferDraft draft = new TransferDraft("00000000-0000-4000-8000-000000000001",
                "00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000003", BigInteger.TEN,
                "", "posted", false, 0, "x", Map.of("b", "2", "a", "1"));
        assertThat(digest(draft)).hasToString("f67ece91666b1f17a94f4a15ecf2c894043d1bdbcdc22116a3dceb24972f3a11");
    }

    /**
     * Proves: personal metadata has the limits of metadata, reaches the request in
     * plaintext (sealed only on its way to the database), and is no part of the digest,
     * which outlives its erasure.
     */
    @Test
    void personalMetadataIsCheckedAndLeftOutOfTheDigest() {
        String id = UUID.randomUUID().toString();
        Map<String, String> tooLong = Map.of("buyer", "x".repeat(TransferRules.METADATA_VALUE_LENGTH_MAX + 1));
        assertMalformed(new TransferDraft(id, DEBIT, CREDIT, BigInteger.ONE, "", "posted", false, 0, "x", Map.of(),
                tooLong), "personal_metadata");
        TransferDraft alice = new TransferDraft(id, DEBIT, CREDIT, BigInteger.ONE, "", "posted", false, 0, "x",
                Map.of(), Map.of("buyer", "Alice"));
        TransferDraft bob = new TransferDraft(id, DEBIT, CREDIT, BigInteger.ONE, "", "posted", false, 0, "x",
                Map.of(), Map.of("buyer", "Bob"));
        TransferRequest request = ((CheckedTransfer.WellFormed) TransferRules.check(alice)).request();
        assertThat(request.personalMetadata().entries()).containsEntry("buyer", "Alice");
        assertThat(request.personalMetadata().needsSealing()).isTrue();
        assertThat(digest(bob)).isEqualTo(digest(alice));
        assertThat(request.personalMetadata().toString()).doesNotContain("Alice");
    }

    private static RequestDigest digest(TransferDraft draft) {
        return ((CheckedTransfer.WellFormed) TransferRules.check(draft)).request().digest();
    }

    private static TransferDraft transfer(BigInteger amount) {
        return new TransferDraft(UUID.randomUUID().toString(), DEBIT, CREDIT, amount, "", "posted", false, 0, "x",
                Map.of());
    }

    private static void assertMalformed(TransferDraft draft, String field) {
        CheckedTransfer checked = TransferRules.check(draft);
        assertThat(checked).isInstanceOf(CheckedTransfer.Malformed.class);
        assertThat(((CheckedTransfer.Malformed) checked).field()).isEqualTo(field);
    }
}
