package io.aicunet.tenant;

import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A gRPC client of the application under test, fresh for each test. */
public abstract class GrpcTestBase {

    @TestHTTPResource(tls = true)
    protected URL service;

    protected TenantGrpcClient client;

    @BeforeEach
    void connect() {
        client = new TenantGrpcClient(service.getPort());
    }

    @AfterEach
    void disconnect() {
        client.close();
    }
}
