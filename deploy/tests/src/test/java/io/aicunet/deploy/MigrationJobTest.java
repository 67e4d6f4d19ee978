package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.deploy.Renders.Variant;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The Liquibase migration runs as a pre-install/pre-upgrade hook with the owner role; the app runs with the app role only. */
class MigrationJobTest {

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> renders() {
        return Renders.all();
    }

    /** Proves: each service has one migration Job, a pre-install,pre-upgrade hook that runs the app's image to migrate and exit, with the owner Secret only. */
    @ParameterizedTest
    @MethodSource("renders")
    void migrationJobIsHookWithOwnerCredentials(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (String service : Renders.servicesOf(chart)) {
            Deployment deployment = manifests.deploymentOf(service);
            Job job = manifests.jobs().stream()
                    .filter(candidate -> candidate.getMetadata().getName().equals(deployment.getMetadata().getName() + "-migrate"))
                    .findFirst().orElseThrow(() -> new AssertionError("no migration Job for " + service));

            Map<String, String> annotations = job.getMetadata().getAnnotations();
            assertThat(annotations).containsEntry("helm.sh/hook", "pre-install,pre-upgrade");
            assertThat(annotations.get("helm.sh/hook-delete-policy")).contains("before-hook-creation");
            assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
            assertThat(job.getSpec().getActiveDeadlineSeconds()).isPositive();

            Container migrate = job.getSpec().getTemplate().getSpec().getContainers().get(0);
            Container app = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(migrate.getImage()).isEqualTo(app.getImage());
            Map<String, EnvVar> env = byName(migrate.getEnv());
            assertThat(env.get("QUARKUS_INIT_AND_EXIT").getValue()).isEqualTo("true");
            assertThat(env.get("QUARKUS_LIQUIBASE_MIGRATE_AT_START").getValue()).isEqualTo("true");
            String owner = service + "-db-owner";
            for (String name : List.of("QUARKUS_LIQUIBASE_USERNAME", "QUARKUS_LIQUIBASE_PASSWORD",
                    "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD")) {
                assertThat(secretOf(env.get(name))).as("%s of the %s migration", name, service).contains(owner);
            }
            assertThat(secretsReferenced(migrate)).as("Secrets of the %s migration", service)
                    .doesNotContain(service + "-db-app");
        }
    }

    /** Proves: the app connects as the app role (its Secret only), never holds the owner's Secret or Liquibase credentials, and does not migrate at start. */
    @ParameterizedTest
    @MethodSource("renders")
    void appUsesAppRoleAndDoesNotMigrate(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (String service : Renders.servicesOf(chart)) {
            Deployment deployment = manifests.deploymentOf(service);
            Container app = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            Map<String, EnvVar> env = byName(app.getEnv());

            assertThat(secretOf(env.get("QUARKUS_DATASOURCE_USERNAME"))).contains(service + "-db-app");
            assertThat(secretOf(env.get("QUARKUS_DATASOURCE_PASSWORD"))).contains(service + "-db-app");
            assertThat(env).doesNotContainKeys("QUARKUS_LIQUIBASE_USERNAME", "QUARKUS_LIQUIBASE_PASSWORD", "QUARKUS_INIT_AND_EXIT");
            assertThat(secretsReferenced(app)).doesNotContain(service + "-db-owner");
            assertThat(Renders.settingsOf(manifests, deployment))
                    .containsEntry("QUARKUS_LIQUIBASE_MIGRATE_AT_START", "false")
                    .containsKeys("QUARKUS_DATASOURCE_REACTIVE_URL", "QUARKUS_DATASOURCE_JDBC_URL", "KAFKA_BOOTSTRAP_SERVERS",
                            "AICUNET_POLICY_OPA_URL");
            assertThat(Renders.settingsOf(manifests, deployment).get("QUARKUS_DATASOURCE_JDBC_URL"))
                    .contains("/" + Fleet.rolePrefix(service) + "?");
        }
    }

    /** Proves: the migration's NetworkPolicy is a hook too, created before the Job (lower weight), so the first install's Job is not blocked. */
    @ParameterizedTest
    @MethodSource("renders")
    void migrationNetworkPolicyPrecedesJob(String chart, Variant variant) {
        RenderedManifests manifests = Renders.of(chart, variant);

        for (Job job : manifests.jobs()) {
            NetworkPolicy policy = manifests.all(NetworkPolicy.class).stream()
                    .filter(candidate -> candidate.getMetadata().getName().equals(job.getMetadata().getName()))
                    .findFirst().orElseThrow(() -> new AssertionError("no NetworkPolicy for " + job.getMetadata().getName()));
            assertThat(policy.getMetadata().getAnnotations()).containsEntry("helm.sh/hook", "pre-install,pre-upgrade");
            int policyWeight = Integer.parseInt(policy.getMetadata().getAnnotations().get("helm.sh/hook-weight"));
            int jobWeight = Integer.parseInt(job.getMetadata().getAnnotations().get("helm.sh/hook-weight"));
            assertThat(policyWeight).isLessThan(jobWeight);
        }
    }

    private static Map<String, EnvVar> byName(List<EnvVar> env) {
        return env.stream().collect(Collectors.toMap(EnvVar::getName, variable -> variable));
    }

    private static Optional<String> secretOf(EnvVar variable) {
        if (variable == null || variable.getValueFrom() == null || variable.getValueFrom().getSecretKeyRef() == null) {
            return Optional.empty();
        }
        return Optional.of(variable.getValueFrom().getSecretKeyRef().getName());
    }

    private static List<String> secretsReferenced(Container container) {
        return container.getEnv().stream().map(MigrationJobTest::secretOf).flatMap(Optional::stream).toList();
    }
}
