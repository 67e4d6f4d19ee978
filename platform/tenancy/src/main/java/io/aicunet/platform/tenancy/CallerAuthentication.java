package io.aicunet.platform.tenancy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
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

    public CallerAuthentication(JWTParser parser, MeterRegistry meters,
                                @ConfigProperty(name = "mp.jwt.verify.publickey.algorithm", defaultValue = "RS256")
                                Set<String> algorithms) {
        this.parser = parser;
        this.meters = meters;
        this.algorithms = Set.copyOf(algorithms);
    }

    /**
     * The caller of a request with this {@code Authorization} value and this
     * {@value CallerHeaders#TENANT} header; UNAUTHENTICATED when the token is missing or
     * does not verify, UNAVAILABLE when the issuer's keys cannot be fetched, INVALID_ARGUMENT
     * when the tenant header is malformed.
     */
    public Result<Caller> authenticate(String authorization, String tenantHeader) {
        Result<JsonWebToken> token = verify(authorization);
        if (!token.isOk()) {
            if (token.problem() instanceof Problem.Unauthenticated refused) {
                meters.counter("aicunet.authentication.refusals", "reason", refused.reason()).increment();
            }
            return Result.failed(token.problem());
        }
        return callerOf(token.value(), tenantHeader);
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

    private Result<Caller> callerOf(JsonWebToken token, String tenantHeader) {
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
        Result<TenantScope> scope = CallerHeaders.scope(tenantHeader, homeTenant);
        if (!scope.isOk()) {
            return Result.failed(scope.problem());
        }
        return Result.ok(new Caller(subject, roles, scope.value(), homeTenant, service));
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
