{{/*
Network policies: the service's pods accept calls only from named callers (and
metrics scrapes), and reach only their own Postgres (and the ledger's reporting
replica), Redis (where used), Kafka, OPA (unless it is a sidecar), the identity
provider, the tenant service (every service but tenant) and DNS.
Everything else is denied.
*/}}

{{/* Egress to DNS, which every pod needs to find anything. */}}
{{- define "aicunet-lib.dnsEgressRule" -}}
- to:
    {{- toYaml .Values.dns.egressTo | nindent 4 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end -}}

{{/* Egress to the service's own database. */}}
{{- define "aicunet-lib.databaseEgressRule" -}}
- to:
    {{- toYaml .Values.database.egressTo | nindent 4 }}
  ports:
    - port: {{ .Values.database.port }}
      protocol: TCP
    {{- $ports := list (int .Values.database.port) }}
    {{- range (.Values.database.standbys | default list) }}
    {{- if not (has (int .port) $ports) }}
    {{- $ports = append $ports (int .port) }}
    # A standby that may be promoted (database.standbys): database.egressTo names its peers too.
    - port: {{ .port }}
      protocol: TCP
    {{- end }}
    {{- end }}
{{- end -}}

{{- define "aicunet-lib.networkPolicy" -}}
{{- if .Values.networkPolicy.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "aicunet-lib.fullname" . }}
  labels:
    {{- include "aicunet-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: server
spec:
  podSelector:
    matchLabels:
      {{- include "aicunet-lib.selectorLabels" . | nindent 6 }}
  # Both directions listed: whatever no rule below allows is denied.
  policyTypes:
    - Ingress
    - Egress
  {{- $callers := .Values.networkPolicy.callers }}
  {{- if not (or $callers .Values.networkPolicy.extraIngressFrom .Values.networkPolicy.metricsFrom) }}
  # Nobody is named: no ingress at all.
  ingress: []
  {{- else }}
  ingress:
    {{- if or $callers .Values.networkPolicy.extraIngressFrom }}
    # The named callers, by their app.kubernetes.io/name label.
    - from:
        {{- range $callers }}
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {{ . }}
          {{- with $.Values.networkPolicy.callerNamespaceSelector }}
          namespaceSelector:
            {{- toYaml . | nindent 12 }}
          {{- end }}
        {{- end }}
        {{- with .Values.networkPolicy.extraIngressFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - port: http
          protocol: TCP
    {{- end }}
    {{- with .Values.networkPolicy.metricsFrom }}
    # Prometheus scrapes /q/metrics on the same port.
    - from:
        {{- toYaml . | nindent 8 }}
      ports:
        - port: http
          protocol: TCP
    {{- end }}
  {{- end }}
  egress:
    {{- include "aicunet-lib.dnsEgressRule" . | nindent 4 }}
    {{- include "aicunet-lib.databaseEgressRule" . | nindent 4 }}
    - to:
        {{- toYaml .Values.kafka.egressTo | nindent 8 }}
      ports:
        {{- range .Values.kafka.ports }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
    {{- if .Values.redis.enabled }}
    - to:
        {{- toYaml .Values.redis.egressTo | nindent 8 }}
      ports:
        - port: {{ .Values.redis.port }}
          protocol: TCP
    {{- end }}
    {{- if not .Values.opa.sidecar.enabled }}
    - to:
        {{- toYaml .Values.opa.egressTo | nindent 8 }}
      ports:
        - port: {{ .Values.opa.port }}
          protocol: TCP
    {{- end }}
    # The identity provider: its signing keys (JWKS) and the token endpoint of the
    # service's own account.
    - to:
        {{- toYaml .Values.auth.egressTo | nindent 8 }}
      ports:
        {{- range .Values.auth.ports }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
    {{- $reporting := .Values.database.reporting }}
    {{- if and $reporting.enabled $reporting.egressTo }}
    # The reporting datasource's own host (a read replica).
    - to:
        {{- toYaml $reporting.egressTo | nindent 8 }}
      ports:
        - port: {{ $reporting.host | empty | ternary .Values.database.port $reporting.port }}
          protocol: TCP
    {{- end }}
    {{- if .Values.privacy.tenantService.enabled }}
    # The tenant service (tenants' data keys and retention over gRPC). A NetworkPolicy
    # sees the tenant pods' container port, not the Service port the client dials.
    - to:
        {{- toYaml .Values.privacy.tenantService.egressTo | nindent 8 }}
      ports:
        - port: {{ .Values.privacy.tenantService.targetPort }}
          protocol: TCP
    {{- end }}
    {{- $store := .Values.privacy.objectStore }}
    {{- if eq $store.kind "s3" }}
    {{- if not $store.s3.egressTo }}
    {{- fail "privacy.objectStore.kind s3 needs privacy.objectStore.s3.egressTo: the NetworkPolicy peers of the store" }}
    {{- end }}
    # The S3 object store: export bundles and erasure tombstones.
    - to:
        {{- toYaml $store.s3.egressTo | nindent 8 }}
      ports:
        - port: {{ $store.s3.port }}
          protocol: TCP
    {{- end }}
{{- end }}
{{- end -}}

{{/*
The migration Job's policy: no ingress at all; egress to its database and DNS.
A hook like the Job, so it exists before the Job starts on the first install.
*/}}
{{- define "aicunet-lib.migrationNetworkPolicy" -}}
{{- if and .Values.migration.enabled .Values.networkPolicy.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "aicunet-lib.fullname" . }}-migrate
  labels:
    {{- include "aicunet-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: migration
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-10"
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  podSelector:
    matchLabels:
      {{- include "aicunet-lib.migrationSelectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  egress:
    {{- include "aicunet-lib.dnsEgressRule" . | nindent 4 }}
    {{- include "aicunet-lib.databaseEgressRule" . | nindent 4 }}
{{- end }}
{{- end -}}
