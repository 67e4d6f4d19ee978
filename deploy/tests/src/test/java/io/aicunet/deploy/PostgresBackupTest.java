package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.deploy.Renders.Variant;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The umbrella chart's scheduled Postgres backups (issue 16): with postgresBackup on,
 * every service's CloudNativePG Cluster gets an encrypted Barman Cloud ObjectStore with
 * the retention window, a ScheduledBackup through the plugin, and the spec.plugins
 * block that archives its WAL there; credentials only from an existing Secret; nothing
 * without the switch, and no unencrypted or unnamed store.
 */
class PostgresBackupTest {

    private static final String ON = """
            postgresBackup:
              enabled: true
              schedule: "0 30 1 * * *"
              retention: 14d
              objectStore:
                destinationPath: s3://fleet-backups/prod/
                endpointURL: https://objects.example.com
                credentialsSecret: fleet-backup-store
                caSecret: {name: objects-ca, key: ca.crt}
                encryption: AES256
              prometheusRule:
                enabled: true
            """;

    private static RenderedManifests rendered() {
        HelmWorkspace workspace = HelmWorkspace.get();
        return workspace.template("fleet", Renders.productionValues("fleet"), workspace.valuesFile("backup-on", ON));
    }

    /** Proves: one encrypted ObjectStore and one ScheduledBackup per service's Cluster, and each Cluster's plugin block naming its store. */
    @Test
    void everyServiceClusterGetsAnEncryptedStoreAndAScheduledBackup() {
        RenderedManifests manifests = rendered();
        List<GenericKubernetesResource> stores = manifests.custom("ObjectStore");
        List<GenericKubernetesResource> schedules = manifests.custom("ScheduledBackup");

        assertThat(stores).extracting(store -> store.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(Fleet.SERVICES.stream().map(s -> "rel-backup-" + s).toList());
        assertThat(schedules).hasSize(Fleet.SERVICES.size());
        GenericKubernetesResource ledgerStore = stores.stream()
                .filter(store -> store.getMetadata().getName().equals("rel-backup-ledger")).findFirst().orElseThrow();
        Map<String, Object> spec = Yaml.map(ledgerStore.getAdditionalProperties().get("spec"));
        assertThat(spec).containsEntry("retentionPolicy", "14d");
        assertThat(Yaml.at(spec, "configuration.destinationPath")).isEqualTo("s3://fleet-backups/prod/ledger-db");
        assertThat(Yaml.at(spec, "configuration.endpointURL")).isEqualTo("https://objects.example.com");
        assertThat(Yaml.at(spec, "configuration.endpointCA.name")).isEqualTo("objects-ca");
        assertThat(Yaml.at(spec, "configuration.s3Credentials.accessKeyId.name")).isEqualTo("fleet-backup-store");
        assertThat(Yaml.at(spec, "configuration.s3Credentials.secretAccessKey.key")).isEqualTo("ACCESS_SECRET_KEY");
        assertThat(Yaml.at(spec, "configuration.wal.encryption")).isEqualTo("AES256");
        assertThat(Yaml.at(spec, "configuration.data.encryption")).isEqualTo("AES256");

        GenericKubernetesResource ledgerSchedule = schedules.stream()
                .filter(schedule -> schedule.getMetadata().getName().equals("rel-backup-ledger")).findFirst().orElseThrow();
        Map<String, Object> scheduleSpec = Yaml.map(ledgerSchedule.getAdditionalProperties().get("spec"));
        assertThat(scheduleSpec).containsEntry("schedule", "0 30 1 * * *").containsEntry("method", "plugin");
        assertThat(Yaml.at(scheduleSpec, "cluster.name")).isEqualTo("ledger-db");
        assertThat(Yaml.at(scheduleSpec, "pluginConfiguration.name")).isEqualTo("barman-cloud.cloudnative-pg.io");

        ConfigMap plugins = manifests.all(ConfigMap.class).stream()
                .filter(configMap -> configMap.getMetadata().getName().equals("rel-postgres-backup"))
                .findFirst().orElseThrow();
        Map<String, Object> ledgerPlugins = Yaml.readAll(plugins.getData().get("ledger-cluster-plugins.yaml")).get(0);
        assertThat(ledgerPlugins.get("plugins").toString())
                .contains("isWALArchiver=true").contains("barmanObjectName=rel-backup-ledger");
    }

    /** Proves: failing WAL archiving, a failed base backup and an old one alert, for the instances of exactly the services' Clusters. */
    @Test
    void failingArchivingAndMissingBackupsAlert() {
        GenericKubernetesResource rule = rendered().custom("PrometheusRule").stream()
                .filter(r -> r.getMetadata().getName().equals("rel-postgres-backup")).findFirst().orElseThrow();
        List<Map<String, Object>> rules = ((List<?>) Yaml.at(Yaml.map(((List<?>) Yaml.at(
                Yaml.map(rule.getAdditionalProperties().get("spec")), "groups")).get(0)), "rules"))
                .stream().map(Yaml::map).toList();

        assertThat(rules).extracting(r -> r.get("alert")).containsExactly("AicunetPostgresWalArchivingFailing",
                "AicunetPostgresWalArchiveStale", "AicunetPostgresBackupFailed", "AicunetPostgresBackupTooOld");
        assertThat(rules).allSatisfy(r -> assertThat(r.get("expr").toString())
                .contains("pod=~\"(agent-state-db|audit-db|config-db|ledger-db|tenant-db)-[0-9]+\""));
        assertThat(rules.get(0).get("expr").toString()).contains("cnpg_pg_stat_archiver_failed_count");
        assertThat(rules.get(3).get("expr").toString())
                .contains("barman_cloud_cloudnative_pg_io_last_available_backup_timestamp").endsWith("> 93600");
    }

    /** Proves: with the default and the production values no backup object is rendered: it is opt-in. */
    @ParameterizedTest
    @EnumSource(Variant.class)
    void nothingIsRenderedUnlessSwitchedOn(Variant variant) {
        RenderedManifests manifests = Renders.of("fleet", variant);

        assertThat(manifests.custom("ObjectStore")).isEmpty();
        assertThat(manifests.custom("ScheduledBackup")).isEmpty();
    }

    /** Proves: a store without a destination or credentials, an unencrypted store, or a malformed schedule or retention refuse to render, naming the value. */
    @Test
    void unsafeOrIncompleteValuesRefuseToRender() {
        HelmWorkspace workspace = HelmWorkspace.get();
        Path required = Renders.requiredValues("fleet");
        assertThatThrownBy(() -> workspace.template("fleet", required, workspace.valuesFile("backup-no-destination",
                "postgresBackup: {enabled: true, objectStore: {credentialsSecret: s}}")))
                .hasMessageContaining("destinationPath");
        assertThatThrownBy(() -> workspace.template("fleet", required, workspace.valuesFile("backup-no-credentials",
                "postgresBackup: {enabled: true, objectStore: {destinationPath: \"s3://fleet-backups/p\"}}")))
                .hasMessageContaining("credentialsSecret");
        assertThatThrownBy(() -> workspace.template("fleet", required, workspace.valuesFile("backup-unencrypted",
                "postgresBackup: {objectStore: {encryption: none}}")))
                .hasMessageContaining("encryption");
        assertThatThrownBy(() -> workspace.template("fleet", required, workspace.valuesFile("backup-five-fields",
                "postgresBackup: {schedule: \"0 2 * * *\"}")))
                .hasMessageContaining("schedule");
        assertThatThrownBy(() -> workspace.template("fleet", required, workspace.valuesFile("backup-retention",
                "postgresBackup: {retention: forever}")))
                .hasMessageContaining("retention");
    }
}
