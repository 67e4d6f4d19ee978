{{/*
The Liquibase migration, run once per install and upgrade before any app pod of the
new version starts: the app's own image with migrate-at-start on and
QUARKUS_INIT_AND_EXIT=true (Quarkus migrates, then exits), as the OWNER role. The
app itself runs as the app role with migrate-at-start off.

It is a pre-install/pre-upgrade hook: Helm waits for it, and a failed migration
fails the release before the Deployment changes (the old pods keep serving). It
cannot use the release's ConfigMap or ServiceAccount (hooks run before them), so it
sets its settings inline and mounts no token. "before-hook-creation" keeps the last
Job (and its logs) until the next upgrade replaces it.
*/}}
{{- define "aicunet-lib.migrationJob" -}}
{{- if .Values.migration.enabled }}
{{- $env := fromYaml (include "aicunet-lib.configEnv" .) }}
{{- $_ := set $env "QUARKUS_LIQUIBASE_MIGRATE_AT_START" "true" }}
{{- $_ := set $env "QUARKUS_INIT_AND_EXIT" "true" }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "aicunet-lib.fullname" . }}-migrate
  labels:
    {{- include "aicunet-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: migration
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "0"
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  backoffLimit: {{ .Values.migration.backoffLimit }}
  activeDeadlineSeconds: {{ .Values.migration.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "aicunet-lib.labels" . | nindent 8 }}
        app.kubernetes.io/component: migration
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- include "aicunet-lib.podSecurityContext" . | nindent 8 }}
      containers:
        - name: migrate
          image: {{ include "aicunet-lib.imageReference" (dict "image" .Values.image "global" .Values.global) }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          env:
            {{- range $name := keys $env | sortAlpha }}
            - name: {{ $name }}
              value: {{ get $env $name | toString | quote }}
            {{- end }}
            {{- include "aicunet-lib.ownerSecretEnv" . | nindent 12 }}
          resources:
            {{- toYaml .Values.migration.resources | nindent 12 }}
          securityContext:
            {{- include "aicunet-lib.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- include "aicunet-lib.databaseCaMount" . | nindent 12 }}
            {{- include "aicunet-lib.kafkaCaMount" . | nindent 12 }}
            {{- with include "aicunet-lib.redisCaMount" . | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with include "aicunet-lib.callTrustMounts" . | trim }}
            {{- . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "aicunet-lib.tmpVolume" . | nindent 8 }}
        {{- include "aicunet-lib.databaseCaVolume" . | nindent 8 }}
        {{- include "aicunet-lib.kafkaCaVolume" . | nindent 8 }}
        {{- with include "aicunet-lib.redisCaVolume" . | trim }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with include "aicunet-lib.callTrustVolumes" . | trim }}
        {{- . | nindent 8 }}
        {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
{{- end -}}
