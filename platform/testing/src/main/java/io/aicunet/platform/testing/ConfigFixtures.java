package io.aicunet.platform.testing;

import io.aicunet.contracts.config.v1.CreateNamespaceRequest;
import io.aicunet.contracts.config.v1.PutEntryRequest;
import io.aicunet.contracts.config.v1.Scope;
import io.aicunet.contracts.config.v1.ScopeKind;
import java.util.UUID;

/** Named builders of config-service requests, each unique so tests never collide. */
public final class ConfigFixtures {

    private ConfigFixtures() {
    }

    /** A new namespace without a schema, e.g. {@code ns-1a2b3c4d.routing}. */
    public static CreateNamespaceRequest.Builder aNamespace() {
        return CreateNamespaceRequest.newBuilder()
                .setNamespace("ns-" + UUID.randomUUID().toString().substring(0, 8) + ".routing")
                .setDescription("test namespace");
    }

    /** A write of {@code json} to {@code namespace}/{@code key} at the global scope, with a reason. */
    public static PutEntryRequest.Builder anEntry(String namespace, String key, String json) {
        return PutEntryRequest.newBuilder()
                .setNamespace(namespace)
                .setKey(key)
                .setScope(globalScope())
                .setValueJson(json)
                .setReason("test write of " + key);
    }

    public static Scope globalScope() {
        return Scope.newBuilder().setKind(ScopeKind.SCOPE_KIND_GLOBAL).build();
    }

    public static Scope serviceScope(String service) {
        return Scope.newBuilder().setKind(ScopeKind.SCOPE_KIND_SERVICE).setService(service).build();
    }

    public static Scope tenantScope(String tenantId) {
        return Scope.newBuilder().setKind(ScopeKind.SCOPE_KIND_TENANT).setTenantId(tenantId).build();
    }

    public static Scope tenantServiceScope(String tenantId, String service) {
        return Scope.newBuilder().setKind(ScopeKind.SCOPE_KIND_TENANT_SERVICE).setTenantId(tenantId)
                .setService(service).build();
    }
}
