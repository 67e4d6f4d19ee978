package io.aicunet.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.contracts.audit.v1.CreateCheckpointRequest;
import io.aicunet.contracts.audit.v1.SetLegalHoldRequest;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestDatabase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The legal-hold bypass through temporary tables (issue 12), tried as audit_app.
 *
 * <p>The attack's shape: PostgreSQL looks a table name up in the session's temporary
 * schema first unless the search_path names pg_temp. The two functions that run as
 * audit_owner (SECURITY DEFINER), remove_expired_segments and redact_sealed_details,
 * named their tables without a schema and ran with search_path FROM CURRENT ("audit"),
 * and audit_app held TEMPORARY. So audit_app could run
 * <pre>
 *   CREATE TEMP TABLE audit_tenant_policies (LIKE audit.audit_tenant_policies INCLUDING DEFAULTS);
 *   INSERT INTO audit_tenant_policies (tenant_id, retention_days, legal_hold) VALUES (:held, -1, false);
 *   GRANT SELECT, UPDATE ON audit_tenant_policies TO PUBLIC;  -- the owner's function reads it
 *   SELECT redact_sealed_details(:held, :subject, 100000);  -- every sealed detail of the subject gone
 *   SELECT remove_expired_segments(:held, 8);             -- the first segment's records gone
 * </pre>
 * and the owner's functions read the caller's policy: no hold, every record expired.
 * {@link #theFunctionsBeforeChangeset0005FellForIt} runs exactly this against the old
 * definitions (read from changesets 0003 and 0004), in a transaction it rolls back.
 *
 * <p>Two fixes stop it, each on its own: audit_app may not create temporary tables, and
 * the functions qualify every table and run with {@code search_path = audit, pg_temp}
 * (changeset 0005).
 */
@QuarkusTest
class LegalHoldBypassTest {

    private static final String SUBJECT = "frank";
    private static final int RECORDS = 16;
    private static final String SHADOW_POLICY = """
            CREATE TEMP TABLE audit_tenant_policies (LIKE audit.audit_tenant_policies INCLUDING DEFAULTS);
            INSERT INTO audit_tenant_policies (tenant_id, retention_days, legal_hold) VALUES ('%s', -1, false);
            GRANT SELECT, UPDATE ON audit_tenant_policies TO PUBLIC""";

    @TestHTTPResource(tls = true)
    URL service;

    /**
     * Proves: audit_app cannot create the shadow table (no TEMPORARY on its database), and
     * calling the functions for a tenant under legal hold fails naming the hold; every
     * record and every sealed detail is still there.
     */
    @Test
    void appRoleCannotCreateTheShadowTable() throws Exception {
        String tenant = heldTenant();
        try (Connection app = FleetTestResource.database().connectAsApp(); Statement statement = app.createStatement()) {
            assertThatThrownBy(() -> statement.execute(SHADOW_POLICY.formatted(tenant)))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied to create temporary tables");
            statement.execute("SELECT set_config('aicunet.platform', 'on', false)");
            assertThatThrownBy(() -> statement.execute(redact(tenant))).hasMessageContaining("under legal hold");
            assertThatThrownBy(() -> statement.execute(remove(tenant))).hasMessageContaining("under legal hold");
        }
        assertUntouched(tenant);
    }

    /**
     * Proves: even with TEMPORARY given back to audit_app, the shadow table changes nothing:
     * the functions read audit.audit_tenant_policies and refuse the tenant under legal hold.
     */
    @Test
    void functionsIgnoreTheShadowTableEvenWithTemporary() throws Exception {
        String tenant = heldTenant();
        assertThatThrownBy(() -> attackAsApp(tenant, null, redact(tenant))).hasMessageContaining("under legal hold");
        assertThatThrownBy(() -> attackAsApp(tenant, null, remove(tenant))).hasMessageContaining("under legal hold");
        assertUntouched(tenant);
    }

    /**
     * Proves the attack was real: with the definitions of changesets 0003 and 0004 (and
     * TEMPORARY, as create-service-database.sql granted it), audit_app's shadow table makes
     * them redact all 16 sealed details and remove the first segment's 8 records of a tenant
     * under legal hold. All of it happens in a transaction that is rolled back.
     */
    @Test
    void theFunctionsBeforeChangeset0005FellForIt() throws Exception {
        String tenant = heldTenant();
        String oldRedaction = oldDefinition("db/changelog/0004-seal-record-details.yaml", "redact_sealed_details");
        String oldRemoval = oldDefinition("db/changelog/0003-create-retention-removal.yaml", "remove_expired_segments");

        assertThat(attackAsApp(tenant, oldRedaction, redact(tenant))).isEqualTo(RECORDS);
        assertThat(attackAsApp(tenant, oldRemoval, remove(tenant))).isEqualTo(8);

        assertUntouched(tenant);
    }

    /**
     * In one superuser session, in a transaction always rolled back: optionally put back an
     * old function definition, give audit_app TEMPORARY, become audit_app, create the shadow
     * policy and make the call. Returns the call's result, or throws its refusal.
     */
    private static long attackAsApp(String tenant, String oldDefinition, String call) throws SQLException {
        TestDatabase database = FleetTestResource.database();
        try (Connection superuser = database.connectAsSuperuser()) {
            superuser.setAutoCommit(false);
            try (Statement statement = superuser.createStatement()) {
                // audit_app's own path (its role setting, which SET ROLE does not apply); for an
                // old definition, FROM CURRENT then captures "audit", the path it ran with.
                statement.execute("SET LOCAL search_path = audit");
                if (oldDefinition != null) {
                    statement.execute(oldDefinition);
                }
                statement.execute("GRANT TEMPORARY ON DATABASE \"" + database.name() + "\" TO audit_app");
                statement.execute("SET LOCAL ROLE audit_app");
                statement.execute("SELECT set_config('aicunet.platform', 'on', true)");
                statement.execute(SHADOW_POLICY.formatted(tenant));
                try (ResultSet result = statement.executeQuery(call)) {
                    result.next();
                    return result.getLong(1);
                }
            } finally {
                superuser.rollback();
            }
        }
    }

    /** A function's CREATE statement as an older changeset has it, as CREATE OR REPLACE. */
    private static String oldDefinition(String changeset, String function) throws IOException {
        String text;
        try (InputStream in = LegalHoldBypassTest.class.getClassLoader().getResourceAsStream(changeset)) {
            assertThat(in).as(changeset).isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher definition = Pattern.compile("CREATE FUNCTION " + function + "\\(.*?END \\$\\$;", Pattern.DOTALL)
                .matcher(text);
        assertThat(definition.find()).as("%s in %s", function, changeset).isTrue();
        assertThat(definition.group()).contains("SET search_path FROM CURRENT");
        return definition.group().replaceFirst("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION");
    }

    private static String redact(String tenant) {
        return "SELECT redact_sealed_details('" + tenant + "', '" + SUBJECT + "', 100000)";
    }

    private static String remove(String tenant) {
        return "SELECT remove_expired_segments('" + tenant + "', 8)";
    }

    /**
     * A tenant of the real tenant service with 16 records of {@value #SUBJECT} whose details
     * are sealed, a checkpoint over them (their segments sealed), a retention period, and a
     * legal hold.
     */
    private String heldTenant() throws SQLException {
        String tenant = TenantServiceProcess.createTenant();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(PrivacyCalls.withDetails(tenant, SUBJECT, RECORDS));
            client.asAuditor().createCheckpoint(CreateCheckpointRequest.newBuilder().setTenantId(tenant).build());
            client.as(AuditFixtures.platformCompliance()).setLegalHold(SetLegalHoldRequest.newBuilder()
                    .setTenantId(tenant).setHeld(true).setReason("litigation 2026-12").build());
        }
        // A period of its own, whatever the tenant service's event later says (its version is higher).
        try (Connection superuser = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement policy = superuser.prepareStatement("""
                        UPDATE audit.audit_tenant_policies SET retention_days = 1, tenant_version = 1000000
                         WHERE tenant_id = ?""")) {
            policy.setObject(1, UUID.fromString(tenant));
            assertThat(policy.executeUpdate()).isEqualTo(1);
        }
        return tenant;
    }

    /** Every record of the subject is still stored, each with its sealed details. */
    private static void assertUntouched(String tenant) throws Exception {
        assertThat(PrivacyCalls.stored(tenant)).filteredOn(row -> row.actor().equals(SUBJECT))
                .hasSize(RECORDS)
                .allSatisfy(row -> assertThat(row.sealedDetails()).startsWith("aes1:"));
        assertThat(PrivacyCalls.stored(tenant)).first().satisfies(row -> assertThat(row.sequence()).isEqualTo(1));
    }
}
