package io.aicunet.config;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.serviceScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantServiceScope;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.config.v1.DeleteEntryRequest;
import io.aicunet.contracts.config.v1.EffectiveValue;
import io.aicunet.contracts.config.v1.GetEffectiveConfigRequest;
import io.aicunet.contracts.config.v1.GetEffectiveConfigResponse;
import io.aicunet.contracts.config.v1.ScopeKind;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Effective configuration: scopes merged, the most specific winning, each value naming its scope. */
@QuarkusTest
class EffectiveConfigTest extends ConfigTestBase {

    private static final String SERVICE = "agent-state";

    /**
     * Proves: for (tenant, service) each key comes from its most specific scope
     * (tenant+service over tenant over service over global) and names that scope;
     * another service, another tenant and no tenant at all each see their own merge;
     * the answer carries the head revision.
     */
    @Test
    void mostSpecificScopeWinsAndNamesItsScope() {
        String namespace = newNamespace();
        String tenant = aTenant();
        String otherTenant = aTenant();
        put(namespace, "model", globalScope(), "\"small\"");
        put(namespace, "model", serviceScope(SERVICE), "\"medium\"");
        put(namespace, "model", tenantScope(tenant), "\"large\"");
        put(namespace, "model", tenantServiceScope(tenant, SERVICE), "\"xl\"");
        put(namespace, "timeout_millis", globalScope(), "1000");
        put(namespace, "retries", serviceScope(SERVICE), "3");
        put(namespace, "region", tenantScope(tenant), "{\"name\":\"eu\"}");

        GetEffectiveConfigResponse mine = effective(tenant, SERVICE, namespace);
        Map<String, EffectiveValue> values = byKey(mine);
        assertThat(values).containsOnlyKeys("model", "timeout_millis", "retries", "region");
        assertThat(values.get("model").getValue().getJson()).isEqualTo("\"xl\"");
        assertThat(values.get("model").getScope().getKind()).isEqualTo(ScopeKind.SCOPE_KIND_TENANT_SERVICE);
        assertThat(values.get("model").getScope().getTenantId()).isEqualTo(tenant);
        assertThat(values.get("timeout_millis").getScope().getKind()).isEqualTo(ScopeKind.SCOPE_KIND_GLOBAL);
        assertThat(values.get("retries").getScope().getKind()).isEqualTo(ScopeKind.SCOPE_KIND_SERVICE);
        assertThat(JsonText.parse(values.get("region").getValue().getJson())).isEqualTo(JsonText.parse("{\"name\":\"eu\"}"));
        assertThat(values.get("region").getScope().getKind()).isEqualTo(ScopeKind.SCOPE_KIND_TENANT);
        assertThat(mine.getRevision()).isEqualTo(head());

        Map<String, EffectiveValue> otherService = byKey(effective(tenant, "ledger", namespace));
        assertThat(otherService.get("model").getValue().getJson()).isEqualTo("\"large\"");
        assertThat(otherService).doesNotContainKey("retries");

        Map<String, EffectiveValue> otherTenantValues = byKey(effective(otherTenant, SERVICE, namespace));
        assertThat(otherTenantValues.get("model").getValue().getJson()).isEqualTo("\"medium\"");
        assertThat(otherTenantValues).doesNotContainKey("region");

        Map<String, EffectiveValue> platformOnly = byKey(effective("", "", namespace));
        assertThat(platformOnly.get("model").getValue().getJson()).isEqualTo("\"small\"");
        assertThat(platformOnly).containsOnlyKeys("model", "timeout_millis");
    }

    /** Proves: deleting the most specific entry lets the next most specific scope show through. */
    @Test
    void deletingAnOverrideRevealsTheNextScope() {
        String namespace = newNamespace();
        String tenant = aTenant();
        put(namespace, "model", globalScope(), "\"small\"");
        put(namespace, "model", tenantScope(tenant), "\"large\"");
        assertThat(byKey(effective(tenant, "", namespace)).get("model").getValue().getJson()).isEqualTo("\"large\"");

        admin().deleteEntry(DeleteEntryRequest.newBuilder().setNamespace(namespace).setKey("model")
                .setScope(tenantScope(tenant)).setReason("back to the default").build());

        EffectiveValue model = byKey(effective(tenant, "", namespace)).get("model");
        assertThat(model.getValue().getJson()).isEqualTo("\"small\"");
        assertThat(model.getScope().getKind()).isEqualTo(ScopeKind.SCOPE_KIND_GLOBAL);
    }

    /**
     * Proves: a tenant's caller reads its own tenant's effective configuration, is
     * refused another tenant's (PERMISSION_DENIED), and a tenant viewer may not write.
     */
    @Test
    void tenantCallersReachOnlyTheirOwnTenant() {
        String namespace = newNamespace();
        String tenant = aTenant();
        String other = aTenant();
        put(namespace, "model", tenantScope(tenant), "\"mine\"");
        put(namespace, "model", tenantScope(other), "\"theirs\"");
        Map<String, String> viewer = TestCallers.ofTenant(tenant, "tenant-viewer");

        GetEffectiveConfigResponse own = client.as(viewer).getEffectiveConfig(GetEffectiveConfigRequest.newBuilder()
                .setTenantId(tenant).addNamespaces(namespace).build());
        assertThat(byKey(own).get("model").getValue().getJson()).isEqualTo("\"mine\"");

        refusedWithoutChange(Status.Code.PERMISSION_DENIED, () -> client.as(viewer).getEffectiveConfig(
                GetEffectiveConfigRequest.newBuilder().setTenantId(other).addNamespaces(namespace).build()));
        refusedWithoutChange(Status.Code.PERMISSION_DENIED, () -> client.as(viewer).putEntry(
                entry(namespace, "model", tenantScope(tenant), "\"changed\"").build()));
        // A tenant administrator writes its own tenant's scope but never a platform-level one.
        Map<String, String> tenantAdmin = TestCallers.ofTenant(tenant, "tenant-admin");
        assertThat(client.as(tenantAdmin).putEntry(entry(namespace, "model", tenantScope(tenant), "\"changed\"")
                .build()).getChanged()).isTrue();
        refusedWithoutChange(Status.Code.PERMISSION_DENIED, () -> client.as(tenantAdmin).putEntry(
                entry(namespace, "model", globalScope(), "\"everyone\"").build()));
    }

    private GetEffectiveConfigResponse effective(String tenant, String service, String namespace) {
        return admin().getEffectiveConfig(GetEffectiveConfigRequest.newBuilder()
                .setTenantId(tenant).setService(service).addNamespaces(namespace).build());
    }

    private static Map<String, EffectiveValue> byKey(GetEffectiveConfigResponse response) {
        return response.getValuesList().stream().collect(Collectors.toMap(EffectiveValue::getKey, Function.identity()));
    }
}
