package io.aicunet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.contracts.config.v1.ConfigChanged;
import io.aicunet.contracts.config.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.aicunet.contracts.config.v1.CreateNamespaceRequest;
import io.aicunet.contracts.config.v1.PutEntryRequest;
import io.aicunet.contracts.config.v1.PutEntryResponse;
import io.aicunet.contracts.config.v1.Scope;
import io.aicunet.platform.testing.ConfigFixtures;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What the config tests share: a gRPC client of the service under test and a few steps. */
public abstract class ConfigTestBase {

    @TestHTTPResource(tls = true)
    URL service;

    protected ConfigGrpcClient client;

    @BeforeEach
    protected void connect() {
        client = new ConfigGrpcClient(service.getPort());
    }

    @AfterEach
    protected void disconnect() {
        client.close();
    }

    protected ConfigServiceBlockingStub admin() {
        return client.asPlatformAdmin();
    }

    /** A new namespace without a schema. */
    protected String newNamespace() {
        return admin().createNamespace(ConfigFixtures.aNamespace().build()).getNamespace().getName();
    }

    /** A new namespace with this JSON Schema as version 1. */
    protected String newNamespace(String schemaJson) {
        CreateNamespaceRequest request = ConfigFixtures.aNamespace().setSchemaJson(schemaJson).build();
        return admin().createNamespace(request).getNamespace().getName();
    }

    protected PutEntryResponse put(String namespace, String key, Scope scope, String json) {
        return admin().putEntry(ConfigFixtures.anEntry(namespace, key, json).setScope(scope).build());
    }

    protected PutEntryRequest.Builder entry(String namespace, String key, Scope scope, String json) {
        return ConfigFixtures.anEntry(namespace, key, json).setScope(scope);
    }

    /** A tenant id the tenant service does not know: enough for plain values, which need no data key. */
    protected static String aTenant() {
        return UUID.randomUUID().toString();
    }

    /** A tenant registered with the real tenant service, so it has a data key (needed for its secrets). */
    protected static String aRegisteredTenant() {
        return TenantServiceProcess.createTenant();
    }

    /** The head of the revision sequence, read straight from the database. */
    protected static long head() {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                Statement statement = db.createStatement();
                ResultSet row = statement.executeQuery("SELECT revision FROM config.revision_counter")) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A ConfigChanged event as read from the topic. */
    protected static ConfigChanged parse(byte[] payload) {
        try {
            return ConfigChanged.parseFrom(payload);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs a call expected to fail, asserts its code, and checks that the revision sequence did not move. */
    protected static StatusRuntimeException refusedWithoutChange(Status.Code code, Supplier<?> call) {
        long before = head();
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::get);
        assertThat(failure).as("the call must fail").isNotNull();
        assertThat(failure.getStatus().getCode()).as(failure.getStatus().toString()).isEqualTo(code);
        assertThat(head()).as("a refused request makes no revision").isEqualTo(before);
        return failure;
    }
}
