package io.aicunet.config;

import io.aicunet.platform.testing.PrivacyRequestsPoisonCheck;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** The privacy requests channel of the config service, against every kind of poison record. */
@QuarkusTest
class PrivacyRequestsPoisonTest {

    @TestHTTPResource(tls = true)
    URL service;

    /**
     * Proves: a NUL-byte, oversized, undecodable or forged privacy request lands in
     * tenant.privacy-requests.v1.dlq.<group> with its reason, the next request is answered,
     * and readiness stays UP.
     */
    @Test
    void poisonRequestsAreDeadLetteredAndTheNextIsAnswered() {
        PrivacyRequestsPoisonCheck.check(service, "config");
    }
}
