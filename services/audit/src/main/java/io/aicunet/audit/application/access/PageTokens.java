package io.aicunet.audit.application.access;

import io.aicunet.platform.problem.Problem.FieldViolation;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;

/** Page tokens: the position (a sequence or tree size) the next page starts after, opaque to callers. */
public final class PageTokens {

    private static final String PREFIX = "after:";

    private PageTokens() {
    }

    public static String encode(long position) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + position).getBytes(StandardCharsets.UTF_8));
    }

    /** The position in {@code token}; empty for no token; a violation for a token this service did not issue. */
    public static OptionalLong decode(String token, List<FieldViolation> violations) {
        if (token == null || token.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith(PREFIX)) {
                long position = Long.parseLong(text.substring(PREFIX.length()));
                if (position >= 0) {
                    return OptionalLong.of(position);
                }
            }
        } catch (IllegalArgumentException notOurs) {
            // reported below
        }
        violations.add(new FieldViolation("page_token", "is not a token this service issued"));
        return OptionalLong.empty();
    }

    public static int pageSize(int requested, int defaultSize, int max, List<FieldViolation> violations) {
        int size = requested == 0 ? defaultSize : requested;
        if (size < 1 || size > max) {
            violations.add(new FieldViolation("page_size", "must be 1 to " + max));
        }
        return size;
    }
}
