package io.aicunet.platform.problem;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An expected failure of a request: the caller sent something wrong, asked for what
 * does not exist, or may not do it. Use cases return these as values; the edges map
 * them once, to a gRPC status with details ({@link GrpcProblems}) or to RFC 9457
 * {@code application/problem+json} ({@link HttpProblems}). Exceptions stay for bugs
 * and broken infrastructure.
 */
public sealed interface Problem {

    /** A sentence for the caller saying what went wrong. */
    String detail();

    /** Which kind of failure this is; decides the gRPC code and the HTTP status. */
    Kind kind();

    /** The kinds of expected failure, with their HTTP status and problem type slug. */
    enum Kind {
        INVALID_ARGUMENT(400, "invalid-argument"),
        UNAUTHENTICATED(401, "unauthenticated"),
        PERMISSION_DENIED(403, "permission-denied"),
        NOT_FOUND(404, "not-found"),
        CONFLICT(409, "conflict"),
        FAILED_PRECONDITION(409, "failed-precondition"),
        RESOURCE_EXHAUSTED(429, "resource-exhausted"),
        UNAVAILABLE(503, "unavailable");

        private final int httpStatus;
        private final String slug;

        Kind(int httpStatus, String slug) {
            this.httpStatus = httpStatus;
            this.slug = slug;
        }

        public int httpStatus() {
            return httpStatus;
        }

        public String slug() {
            return slug;
        }
    }

    /**
     * Malformed input: each violation names the field and why it is wrong. An answer lists
     * at most {@link #LISTED_MAX} of them ({@link #listed()}) and says how many more there
     * are ({@link #unlisted()}), so a request with thousands of bad entries cannot make an
     * answer larger than a client accepts.
     */
    record InvalidArgument(List<FieldViolation> violations) implements Problem {

        /** The most violations an answer lists; the rest are counted. */
        public static final int LISTED_MAX = 20;

        public InvalidArgument {
            violations = List.copyOf(violations);
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("an invalid argument names at least one field");
            }
        }

        public static InvalidArgument of(String field, String description) {
            return new InvalidArgument(List.of(new FieldViolation(field, description)));
        }

        @Override
        public String detail() {
            if (violations.size() == 1) {
                return violations.get(0).field() + ": " + violations.get(0).description();
            }
            return violations.size() + " fields are invalid"
                    + (unlisted() > 0 ? "; the first " + LISTED_MAX + " are listed, and " + unlisted() + " more" : "");
        }

        /** The violations an answer lists: the first {@link #LISTED_MAX}, each bounded in length. */
        public List<FieldViolation> listed() {
            return violations.subList(0, Math.min(violations.size(), LISTED_MAX)).stream()
                    .map(FieldViolation::bounded)
                    .toList();
        }

        /** How many violations an answer leaves out. */
        public int unlisted() {
            return Math.max(0, violations.size() - LISTED_MAX);
        }

        @Override
        public Kind kind() {
            return Kind.INVALID_ARGUMENT;
        }
    }

    /**
     * The caller did not prove who it is: no bearer token, or one that does not verify.
     * {@code reason} is a short word for metrics and logs ({@code missing}, {@code expired},
     * {@code signature}, ...); {@code detail} says what to fix, never why a signature failed.
     */
    record Unauthenticated(String reason, String detail) implements Problem {

        /** The reason when no token was presented at all (RFC 6750: no error code then). */
        public static final String MISSING = "missing";

        public Unauthenticated {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Kind kind() {
            return Kind.UNAUTHENTICATED;
        }

        /** The RFC 6750 challenge a REST response carries in {@code WWW-Authenticate}. */
        public String challenge() {
            if (MISSING.equals(reason)) {
                return "Bearer realm=\"aicunet\"";
            }
            return "Bearer realm=\"aicunet\", error=\"invalid_token\", error_description=\""
                    + detail.replace('"', '\'') + "\"";
        }
    }

    /** The policy does not allow this caller to do this. */
    record PermissionDenied(String detail) implements Problem {
        @Override
        public Kind kind() {
            return Kind.PERMISSION_DENIED;
        }
    }

    /** The named resource does not exist, or is not visible to the caller's tenant. */
    record NotFound(String resourceType, String resourceId) implements Problem {
        @Override
        public String detail() {
            return resourceType + " " + resourceId + " does not exist";
        }

        @Override
        public Kind kind() {
            return Kind.NOT_FOUND;
        }
    }

    /**
     * The request conflicts with what exists: a unique value already taken, an
     * idempotency key reused with a different request, a stale expected version.
     */
    record Conflict(String reason, String detail) implements Problem {
        @Override
        public Kind kind() {
            return Kind.CONFLICT;
        }
    }

    /**
     * The resource is not in a state that allows this, e.g. an illegal status
     * transition. {@code type} is a short machine-readable reason.
     */
    record FailedPrecondition(String type, String subject, String detail) implements Problem {
        @Override
        public Kind kind() {
            return Kind.FAILED_PRECONDITION;
        }
    }

    /**
     * A bound on what a tenant may hold or do is reached, and nothing was done:
     * {@code limit} names the setting (e.g. {@code agent-state.tasks.queues-per-tenant-max}),
     * {@code subject} what is bounded ({@code tenants/<id>/queues}), {@code bound} the
     * setting's value and {@code current} the tenant's count now. gRPC RESOURCE_EXHAUSTED
     * with QuotaFailure and ErrorInfo (reason: the setting; bound and current), REST 429
     * with {@code limit}, {@code bound} and {@code current} members. {@code retryAfter},
     * when present, is when the same request can pass again (a rate limit refills): gRPC
     * adds RetryInfo with it, REST a {@code Retry-After} header in whole seconds (rounded up,
     * at least 1) and a {@code retry_after_millis} member.
     */
    record ResourceExhausted(String limit, String subject, long bound, long current, String detail,
                             Optional<Duration> retryAfter) implements Problem {

        public ResourceExhausted {
            Objects.requireNonNull(limit, "limit");
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (bound < 0 || current < 0) {
                throw new IllegalArgumentException("a bound and a count are 0 or more: " + bound + ", " + current);
            }
            if (retryAfter.isPresent() && retryAfter.get().isNegative()) {
                throw new IllegalArgumentException("a retry delay is 0 or more: " + retryAfter.get());
            }
        }

        /** A bound that holds until the tenant frees something: no retry delay. */
        public ResourceExhausted(String limit, String subject, long bound, long current, String detail) {
            this(limit, subject, bound, current, detail, Optional.empty());
        }

        /** {@link #retryAfter} in whole seconds, rounded up and at least 1, as {@code Retry-After} says it. */
        public Optional<Long> retryAfterSeconds() {
            return retryAfter.map(delay -> Math.max(1, (delay.toMillis() + 999) / 1000));
        }

        @Override
        public Kind kind() {
            return Kind.RESOURCE_EXHAUSTED;
        }
    }

    /** Something the request needs (e.g. the policy engine) cannot be reached; retry later. */
    record Unavailable(String detail) implements Problem {
        @Override
        public Kind kind() {
            return Kind.UNAVAILABLE;
        }
    }

    /** One field and what is wrong with it; {@code field} is a path such as {@code quotas.tokens_per_day}. */
    record FieldViolation(String field, String description) {

        /** The longest field path and description an answer carries; a description may quote the caller's input. */
        public static final int FIELD_LENGTH_MAX = 200;
        public static final int DESCRIPTION_LENGTH_MAX = 500;

        public FieldViolation {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(description, "description");
        }

        /** This violation with field and description cut to their maxima. */
        FieldViolation bounded() {
            return field.length() <= FIELD_LENGTH_MAX && description.length() <= DESCRIPTION_LENGTH_MAX
                    ? this
                    : new FieldViolation(cut(field, FIELD_LENGTH_MAX), cut(description, DESCRIPTION_LENGTH_MAX));
        }

        private static String cut(String text, int max) {
            return text.length() <= max ? text : text.substring(0, max - 3) + "...";
        }
    }
}
