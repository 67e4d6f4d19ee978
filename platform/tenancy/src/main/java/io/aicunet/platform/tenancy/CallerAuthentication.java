package io.aicunet.platform.tenancy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Establishes who calls, from the bearer token alone: the token must be a JWT signed
 * by the configured issuer (key from its JWKS, refreshed on an unknown key id), for
 * this service's audience, within its validity (bounded clock skew), with an allowed
 * algorithm (never {@code none}, never an HMAC). Verification is SmallRye JWT's
 * ({@code mp.jwt.verify.*}); this class reads the verified claims into a {@link Caller}
 * and counts every refusal by reason ({@code aicunet.authentication.refusals}).
 *
 * <p>Claims: the subject is the token's principal name ({@code upn},
 * {@code preferred_username} or {@code sub}), roles come from {@code roles},
 * {@code tenant} binds the principal to one tenant, {@code service} names the fleet
 * service whose account calls.
 *
 * <p>A caller sends the same token with every call for its lifetime, so what a token
 * verified to is remembered, keyed by the SHA-256 of the exact token text, for
 * {@code aicunet.authentication.verified-token-cache.time-to-live-millis} (60 s) but never
 * past the token's own expiry; at most {@code ...entries-max} tokens, the memory emptied
 * when full. Verifying a token (its RS256 signature, parsing its JSON) was a third of the
 * ledger's CPU per call. Any other text, a single character changed, is a miss and is
 * verified in full; refusals are never remembered. The one thing this gives up: a token
 * verified before its issuer's key was withdrawn stays accepted for at most the time to
 * live (docs/identity.md).
 */
@ApplicationScoped
public class CallerAuthentication {

    public static final String TENANT_CLAIM = "tenant";
    public static final String SERVICE_CLAIM = "service";

    private static final Logger LOG = Logger.getLogger(CallerAuthentication.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BEARER = "bearer ";
    private static final int TOKEN_LENGTH_MAX = 16 * 1024;
    private static final int NAME_LENGTH_MAX = 255;
    private static final int ROLES_MAX = 64;
    private static final Pattern NAME = Pattern.compile("[\\p{Alnum}][\\p{Alnum}._:@/+-]{0,254}");

    private final JWTParser parser;
    private final MeterRegistry meters;
    private final Set<String> algorithms;
    private final long timeToLiveMillis;
    private final int entriesMax;
    private final LongSupplier clockMillis;
    private final ConcurrentHashMap<Digest, Principal> verified = new ConcurrentHashMap<>();

    @Inject
    public CallerAuthentication(JWTParser parser, MeterRegistry meters,
                                @ConfigProperty(name = "mp.jwt.verify.publickey.algorithm", defaultValue = "RS256")
                                Set<String> algorithms,
                                @ConfigProperty(name = "aicunet.authentication.verified-token-cache.time-to-live-millis",
                                        defaultValue = "60000") long timeToLiveMillis,
                                @ConfigProperty(name = "aicunet.authentication.verified-token-cache.entries-max",
                                        defaultValue = "10000") int entriesMax) {
        this(parser, meters, algorithms, timeToLiveMillis, entriesMax, System::currentTimeMillis);
    }

    /** Verifies every token in full: nothing is remembered. */
    public CallerAuthentication(JWTParser parser, MeterRegistry meters, Set<String> algorithms) {
        this(parser, meters, algorithms, 0, 0, System::currentTimeMillis);
    }

    /** With the wall clock the memory's deadlines are taken from (tests move it). */
    public CallerAuthentication(JWTParser parser, MeterRegistry meters, Set<String> algorithms,
                                long timeToLiveMillis, int entriesMax, LongSupplier clockMillis) {
        this.parser = parser;
        this.meters = meters;
        this.algorithms = Set.copyOf(algorithms);
        this.timeToLiveMillis = timeToLiveMillis;
        this.entriesMax = entriesMax;
        this.clockMillis = clockMillis;
    }

    /**
     * The caller of a request with this {@code Authorization} value and this
     * {@value CallerHeaders#TENANT} header; UNAUTHENTICATED when the token is missing or
     * does not verify, UNAVAILABLE when the issuer's keys cannot be fetched, INVALID_ARGUMENT
     * when the tenant header is malformed.
     */
    public Result<Caller> authenticate(String authorization, String tenantHeader) {
        Digest digest = timeToLiveMillis > 0 && authorization != null ? Digest.of(authorization) : null;
        Principal principal = digest == null ? null : verified.get(digest);
        if (principal != null && principal.deadlineMillis() <= clockMillis.getAsLong()) {
            verified.remove(digest, principal);
            principal = null;
        }
        if (principal == null) {
            Result<JsonWebToken> token = verify(authorization);
            if (!token.isOk()) {
                if (token.problem() instanceof Problem.Unauthenticated refused) {
                    meters.counter("aicunet.authentication.refusals", "reason", refused.reason()).increment();
                }
                return Result.failed(token.problem());
            }
            Result<Principal> read = principalOf(token.value());
            if (!read.isOk()) {
                return Result.failed(read.problem());
            }
            principal = read.value();
            if (digest != null) {
                remember(digest, principal);
            }
        }
        Result<TenantScope> scope = CallerHeaders.scope(tenantHeader, principal.homeTenant());
        if (!scope.isOk()) {
            return Result.failed(scope.problem());
        }
        return Result.ok(new Caller(principal.subject(), principal.roles(), scope.value(), principal.homeTenant(),
                principal.service()));
    }

    private void remember(Digest digest, Principal principal) {
        if (principal.deadlineMillis() <= clockMillis.getAsLong()) {
            return;
        }
        if (verified.size() >= entriesMax) {
            verified.clear();
        }
        verified.put(digest, principal);
    }

    private Result<JsonWebToken> verify(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return refuse(Problem.Unauthenticated.MISSING,
                    "a bearer token is required (Authorization: Bearer <JWT>)");
        }
        String value = authorization.trim();
        if (value.length() <= BEARER.length() || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return refuse("malformed", "the Authorization header must be 'Bearer <JWT>'");
        }
        String jwt = value.substring(BEARER.length()).trim();
        if (jwt.length() > TOKEN_LENGTH_MAX) {
            return refuse("malformed", "the bearer token is longer than " + TOKEN_LENGTH_MAX + " characters");
        }
        Optional<String> algorithm = algorithmOf(jwt);
        if (algorithm.isEmpty()) {
            return refuse("malformed", "the bearer token is not a signed JWT");
        }
        if (!algorithms.contains(algorithm.get())) {
            return refuse("algorithm", "tokens signed with " + algorithm.get() + " are not accepted");
        }
        try {
            return Result.ok(parser.parse(jwt));
        } catch (ParseException failure) {
            return refusalOf(failure);
        }
    }

    /** The {@code alg} of the token's JOSE header, or empty when the token is not a JWS. */
    private static Optional<String> algorithmOf(String jwt) {
        int dot = jwt.indexOf('.');
        if (dot <= 0 || jwt.indexOf('.', dot + 1) < 0) {
            return Optional.empty();
        }
        try {
            JsonNode header = JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.substring(0, dot)),
                    StandardCharsets.UTF_8));
            JsonNode alg = header == null ? null : header.get("alg");
            return alg != null && alg.isTextual() ? Optional.of(alg.asText()) : Optional.empty();
        } catch (IOException | IllegalArgumentException notJson) {
            return Optional.empty();
        }
    }

    private Result<JsonWebToken> refusalOf(ParseException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                LOG.warnf("the identity provider's keys cannot be fetched: %s", cause.toString());
                meters.counter("aicunet.authentication.refusals", "reason", "keys-unavailable").increment();
                return Result.failed(new Problem.Unavailable(
                        "the identity provider's signing keys cannot be fetched; retry"));
            }
            if (cause instanceof InvalidJwtException invalid) {
                if (invalid.hasExpired()) {
                    return refuse("expired", "the bearer token has expired");
                }
                if (invalid.hasErrorCode(ErrorCodes.NOT_YET_VALID)
                        || invalid.hasErrorCode(ErrorCodes.ISSUED_AT_INVALID_FUTURE)) {
                    return refuse("not-yet-valid", "the bearer token is not valid yet");
                }
                if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID) || invalid.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
                    return refuse("issuer", "the bearer token is not from the trusted issuer");
                }
                if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)
                        || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
                    return refuse("audience", "the bearer token is not meant for this service");
                }
                if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
                    return refuse("signature", "the bearer token's signature does not verify");
                }
            }
        }
        LOG.debugf(failure, "bearer token refused");
        return refuse("invalid", "the bearer token does not verify");
    }

    private static Result<JsonWebToken> refuse(String reason, String detail) {
        return Result.failed(new Problem.Unauthenticated(reason, detail));
    }

    /** The verified token's principal, remembered until the earlier of the time to live and the token's expiry. */
    private Result<Principal> principalOf(JsonWebToken token) {
        String subject = token.getName();
        if (subject == null || !NAME.matcher(subject).matches()) {
            return Result.failed(refusedClaims("the token names no usable subject"));
        }
        Set<String> roles = new LinkedHashSet<>(token.getGroups() == null ? Set.of() : token.getGroups());
        if (roles.size() > ROLES_MAX || roles.stream().anyMatch(role -> role.length() > NAME_LENGTH_MAX)) {
            return Result.failed(refusedClaims("the token carries too many or too long roles"));
        }
        Optional<TenantId> homeTenant = Optional.empty();
        Object tenantClaim = token.getClaim(TENANT_CLAIM);
        if (tenantClaim != null) {
            homeTenant = TenantId.parse(textOf(tenantClaim));
            if (homeTenant.isEmpty()) {
                return Result.failed(refusedClaims("the token's tenant claim is not a tenant UUID"));
            }
        }
        Optional<String> service = Optional.ofNullable(token.getClaim(SERVICE_CLAIM)).map(CallerAuthentication::textOf);
        if (service.isPresent() && !NAME.matcher(service.get()).matches()) {
            return Result.failed(refusedClaims("the token's service claim is malformed"));
        }
        long now = clockMillis.getAsLong();
        long expiresMillis = token.getExpirationTime() > 0 ? token.getExpirationTime() * 1_000 : now;
        long deadline = Math.min(expiresMillis, now + Math.max(0, timeToLiveMillis));
        return Result.ok(new Principal(subject, Set.copyOf(roles), homeTenant, service, deadline));
    }

    /** What a verified token says of its principal, and until when that may be reused. */
    private record Principal(String subject, Set<String> roles, Optional<TenantId> homeTenant,
                             Optional<String> service, long deadlineMillis) {
    }

    /** The SHA-256 of a token's exact text: the memory keeps no token. */
    private record Digest(long a, long b, long c, long d) {

        static Digest of(String text) {
            try {
                ByteBuffer hash = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
                return new Digest(hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException("every JVM has SHA-256", impossible);
            }
        }
    }

    private Problem refusedClaims(String detail) {
        meters.counter("aicunet.authentication.refusals", "reason", "claims").increment();
        return new Problem.Unauthenticated("claims", detail);
    }

    /** A claim's text: SmallRye hands JSON strings over as JsonString, whose toString() keeps the quotes. */
    private static String textOf(Object claim) {
        return claim instanceof jakarta.json.JsonString json ? json.getString() : claim.toString();
    }
}
