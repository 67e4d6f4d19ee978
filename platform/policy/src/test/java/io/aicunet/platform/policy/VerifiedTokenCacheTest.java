package io.aicunet.platform.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.CallerAuthentication;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.PipelineCost;
import io.aicunet.platform.testing.ServiceTls;
import io.aicunet.platform.testing.TestTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The memory of verified tokens in {@link CallerAuthentication}, with real tokens of the
 * local stack's Keycloak and SmallRye JWT's verification: a token verifies once, every
 * other text is verified in full, and nothing is reused past its time to live or the
 * token's expiry.
 */
class VerifiedTokenCacheTest {

    private static final long TIME_TO_LIVE = 60_000;

    private final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
    private final AtomicInteger verifications = new AtomicInteger();
    private final String tenant = UUID.randomUUID().toString();

    @BeforeAll
    static void stack() {
        FleetStack.ensureRunning();
        ServiceTls.trustStackCaInThisJvm();
    }

    /** The ledger's authentication (SmallRye JWT against the stack's issuer), counting full verifications. */
    private CallerAuthentication authentication() {
        JWTParser counting = new DefaultJWTParser(PipelineCost.jwtSettings("ledger")) {
            @Override
            public JsonWebToken parse(String token) throws ParseException {
                verifications.incrementAndGet();
                return super.parse(token);
            }
        };
        return new CallerAuthentication(counting, new SimpleMeterRegistry(), Set.of("RS256"), TIME_TO_LIVE, 100,
                clock::get);
    }

    /**
     * Proves: a token is verified once and then answered from memory, each call still
     * taking its scope from its own tenant header (the policy then judges a principal of
     * one tenant asking in another's scope); the same token with one character in the middle of its signature changed is
     * verified in full and refused.
     */
    @Test
    void aTokenVerifiesOnceAndAnyOtherTextIsVerifiedInFull() {
        CallerAuthentication authentication = authentication();
        String token = TestTokens.user("alice", Optional.of(tenant), Set.of("ledger-writer"));

        Caller first = authentication.authenticate("Bearer " + token, tenant).value();
        Caller second = authentication.authenticate("Bearer " + token, tenant).value();
        String another = UUID.randomUUID().toString();
        Caller otherScope = authentication.authenticate("Bearer " + token, another).value();

        assertThat(second).isEqualTo(first);
        assertThat(first.scope()).isEqualTo(TenantScope.of(first.homeTenant().orElseThrow()));
        assertThat(verifications).as("full verifications of one token").hasValue(1);
        assertThat(otherScope.scope().asText()).isEqualTo(another);
        assertThat(otherScope.homeTenant()).isEqualTo(first.homeTenant());

        // One character in the middle of the signature: the last one of a base64url RS256
        // signature carries padding bits, and changing only those leaves the signature intact.
        int position = token.lastIndexOf('.') + (token.length() - token.lastIndexOf('.')) / 2;
        char changed = token.charAt(position) == 'A' ? 'B' : 'A';
        String tampered = token.substring(0, position) + changed + token.substring(position + 1);
        Result<Caller> forged = authentication.authenticate("Bearer " + tampered, tenant);
        assertThat(forged.isOk()).isFalse();
        assertThat(forged.problem()).isInstanceOf(Problem.Unauthenticated.class);
        assertThat(verifications).hasValue(2);
        // A refusal is not remembered either: the tampered token is verified (and refused) again.
        assertThat(authentication.authenticate("Bearer " + tampered, tenant).isOk()).isFalse();
        assertThat(verifications).hasValue(3);
    }

    /** Proves: a remembered token is verified in full again once its time to live has passed. */
    @Test
    void nothingIsReusedPastTheTimeToLive() {
        CallerAuthentication authentication = authentication();
        String token = TestTokens.user("alice", Optional.of(tenant), Set.of("ledger-writer"));
        authentication.authenticate("Bearer " + token, tenant).value();

        clock.addAndGet(TIME_TO_LIVE - 1);
        authentication.authenticate("Bearer " + token, tenant).value();
        assertThat(verifications).hasValue(1);
        clock.addAndGet(1);
        authentication.authenticate("Bearer " + token, tenant).value();
        assertThat(verifications).hasValue(2);
    }

    /**
     * Proves: nothing is reused past the token's own expiry, even within the time to live:
     * with the clock at the token's {@code exp}, the token is verified in full again.
     */
    @Test
    void nothingIsReusedPastTheTokensExpiry() {
        CallerAuthentication authentication = authentication();
        String token = TestTokens.user("alice", Optional.of(tenant), Set.of("ledger-writer"));
        long expiresMillis = TestTokens.claimsOf(token).get("exp").asLong() * 1_000;
        clock.set(expiresMillis - 1_000);
        authentication.authenticate("Bearer " + token, tenant).value();
        authentication.authenticate("Bearer " + token, tenant).value();
        assertThat(verifications).hasValue(1);

        clock.set(expiresMillis);
        authentication.authenticate("Bearer " + token, tenant);
        assertThat(verifications).as("verified again at the token's expiry").hasValue(2);
    }
}
