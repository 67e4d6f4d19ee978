package io.aicunet.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Pins the fleet's one request digest encoding: stored digests are compared with retries after
 * any deploy, so a change of encoding is a breaking change this test must make visible.
 */
class RequestDigestTest {

    private static final UUID ID = UUID.fromString("6f1c2a3e-0000-4000-8000-00000000000a");

    /**
     * Proves: the digest is SHA-256 over uuid = 1 + 16 bytes (0 when absent), number = 8 bytes
     * big-endian, text = UTF-8 length as a number + UTF-8 bytes, map = size + sorted entries.
     * The hex was computed independently (Python hashlib over the bytes spelled out above).
     */
    @Test
    void encodingIsPinned() {
        Map<String, String> unsorted = new LinkedHashMap<>();
        unsorted.put("b", "2");
        unsorted.put("a", "1");
        RequestDigest digest = RequestDigest.builder().uuid(ID).text("transfer").flag(true)
                .uuid(Optional.empty()).number(-5).text("zürich").textMap(unsorted).build();
        assertThat(digest).hasToString("4e5314e6bfc2d36df006b7ed7f39387ca705e96c5b0e1986282b992e72ec8dc8");
        assertThat(RequestDigest.builder().build())
                .hasToString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    /** Proves: the same request in any map order matches; moving a boundary between fields does not. */
    @Test
    void sameMeaningMatchesAndShiftedFieldsDoNot() {
        assertThat(RequestDigest.builder().textMap(Map.of("a", "1", "b", "2")).build())
                .isEqualTo(RequestDigest.builder().textMap(new java.util.TreeMap<>(Map.of("b", "2", "a", "1"))).build());
        assertThat(RequestDigest.builder().text("ab").text("c").build())
                .isNotEqualTo(RequestDigest.builder().text("a").text("bc").build());
        assertThat(RequestDigest.builder().uuid(Optional.empty()).text("").build())
                .isNotEqualTo(RequestDigest.builder().uuid(ID).text("").build());
    }

    /** Proves: a digest is 32 bytes and its bytes cannot be changed from outside. */
    @Test
    void digestIsThirtyTwoImmutableBytes() {
        assertThatThrownBy(() -> new RequestDigest(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        RequestDigest digest = RequestDigest.builder().text("x").build();
        digest.bytes()[0] ^= 1;
        assertThat(digest).isEqualTo(RequestDigest.builder().text("x").build());
        assertThat(new RequestDigest(digest.bytes())).isEqualTo(digest).hasSameHashCodeAs(digest);
    }
}
