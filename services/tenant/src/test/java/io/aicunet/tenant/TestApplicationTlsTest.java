package io.aicunet.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.ServiceTls;
import io.grpc.Status;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The application a {@code @QuarkusTest} starts serves TLS only, as the charts and
 * {@code ./fleet up} run it (the test profile inherits {@code service-tls}): the tests'
 * own calls are verified against the stack's CA, and plaintext on its port gets nothing.
 */
@QuarkusTest
class TestApplicationTlsTest {

    @TestHTTPResource(tls = true)
    URL service;

    /** Proves: over HTTPS, trusting only the stack's CA and checking the name, readiness answers 200. */
    @Test
    void answersOverTlsWithTheStackCa() throws Exception {
        assertThat(service.getProtocol()).isEqualTo("https");
        assertThat(ServiceTls.httpsGet(service.getPort(), "/q/health/ready", FleetStack.caCertificate())).isEqualTo(200);
    }

    /** Proves: plaintext gRPC to the port fails with UNAVAILABLE and plaintext HTTP gets no response. */
    @Test
    void plaintextGetsNothing() throws InterruptedException {
        assertThat(ServiceTls.plaintextGrpcCall(service.getPort()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);

        HttpRequest plaintext = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + service.getPort() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(plaintext, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }
}
