package io.aicunet.platform.privacy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * What every service trusts and proves itself with, for {@link ProductionKeyCheck}: the
 * issuer whose tokens it accepts and where that issuer's keys are, its own OAuth2
 * client secret, and the bearer token of OPA's API. Outside dev and test each must be
 * set by the deployment and none may be the local stack's value, so a production
 * service never trusts the development identity provider nor presents a development
 * secret.
 */
@ApplicationScoped
public class CallerTrustSettings {

    @Produces
    @Singleton
    KeySettings callerTrust() {
        return KeySettings.none()
                .setting("mp.jwt.verify.issuer")
                .setting("mp.jwt.verify.publickey.location")
                .setting("quarkus.oidc-client.credentials.secret")
                .setting("aicunet.policy.bearer-token");
    }
}
