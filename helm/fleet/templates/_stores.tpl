{{/*
Helpers of the stores' exporters, the stores' dashboard and the Postgres audit
settings. The exporters are not services of the fleet, so they do not use the
library's service templates; they follow the same security defaults.
*/}}

{{/* Labels every object of this file carries; takes a dict with root (.) and component. */}}
{{- define "fleet.storeLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: aicunet-data-layer
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* An image reference from {registry, repository, tag, digest}; a floating tag fails the render. */}}
{{- define "fleet.imageReference" -}}
{{- $image := .image -}}
{{- $registry := $image.registry -}}
{{- if and .global .global.imageRegistry -}}
{{- $registry = .global.imageRegistry -}}
{{- end -}}
{{- if or (not $image.tag) (eq (toString $image.tag) "latest") -}}
{{- fail (printf "image %s: pin a tag (not latest)" $image.repository) -}}
{{- end -}}
{{- $name := $image.repository -}}
{{- if $registry -}}
{{- $name = printf "%s/%s" $registry $image.repository -}}
{{- end -}}
{{- if $image.digest -}}
{{- printf "%s:%s@%s" $name (toString $image.tag) $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $name (toString $image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The pod's security context: nobody (65534), as both exporter images run. */}}
{{- define "fleet.exporterPodSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65534
runAsGroup: 65534
fsGroup: 65534
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "fleet.exporterContainerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
One exporter: Deployment, Service, NetworkPolicy, ServiceMonitor. Takes a dict:
root, kind (postgres|redis), target (its values), port, container (the container's
image, args and env, as YAML), volumes and mounts (YAML lists, may be empty),
serverPort (the store's port, for egress).
*/}}
{{- define "fleet.exporter" -}}
{{- $root := .root -}}
{{- $name := printf "%s-%s-exporter-%s" $root.Release.Name .kind .target.name | trunc 63 | trimSuffix "-" -}}
{{- $component := printf "%s-exporter" .kind -}}
{{- $own := dict "app.kubernetes.io/name" $component "aicunet.io/store" .target.name -}}
{{- $selector := merge (dict "app.kubernetes.io/instance" $root.Release.Name) $own -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "fleet.storeLabels" (dict "root" $root "component" $component) | nindent 4 }}
    {{- toYaml $own | nindent 4 }}
spec:
  replicas: 1
  selector:
    matchLabels:
      {{- toYaml $selector | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "fleet.storeLabels" (dict "root" $root "component" $component) | nindent 8 }}
        {{- toYaml $own | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        {{- include "fleet.exporterPodSecurityContext" . | nindent 8 }}
      containers:
        - name: {{ $component }}
          {{- .container | nindent 10 }}
          ports:
            - name: metrics
              containerPort: {{ .port }}
              protocol: TCP
          # A TCP check: an HTTP probe of /metrics would query the store every few seconds.
          startupProbe:
            tcpSocket:
              port: metrics
            periodSeconds: 5
            failureThreshold: 24
          readinessProbe:
            tcpSocket:
              port: metrics
            periodSeconds: 10
          livenessProbe:
            tcpSocket:
              port: metrics
            periodSeconds: 20
          securityContext:
            {{- include "fleet.exporterContainerSecurityContext" . | nindent 12 }}
          resources:
            {{- toYaml .resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with .mounts }}
            {{- . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 16Mi
        {{- with .volumes }}
        {{- . | nindent 8 }}
        {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  labels:
    {{- include "fleet.storeLabels" (dict "root" $root "component" $component) | nindent 4 }}
    {{- toYaml $own | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- toYaml $selector | nindent 4 }}
  ports:
    - name: metrics
      port: {{ .port }}
      targetPort: metrics
      protocol: TCP
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ $name }}
  labels:
    {{- include "fleet.storeLabels" (dict "root" $root "component" $component) | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- toYaml $selector | nindent 6 }}
  # Both directions listed: whatever no rule below allows is denied.
  policyTypes:
    - Ingress
    - Egress
  ingress:
    # Prometheus only, on the metrics port only.
    - from:
        {{- toYaml $root.Values.exporters.metricsFrom | nindent 8 }}
      ports:
        - port: metrics
          protocol: TCP
  egress:
    - to:
        {{- toYaml $root.Values.exporters.dnsEgressTo | nindent 8 }}
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    # The one store this exporter watches.
    - to:
        {{- required (printf "exporters.%s.targets[%s].egressTo: name the store's NetworkPolicy peers" .kind .target.name) .target.egressTo | toYaml | nindent 8 }}
      ports:
        - port: {{ .serverPort }}
          protocol: TCP
{{- if $root.Values.exporters.serviceMonitor.enabled }}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ $name }}
  labels:
    {{- include "fleet.storeLabels" (dict "root" $root "component" $component) | nindent 4 }}
    {{- with $root.Values.exporters.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- toYaml $selector | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ $root.Release.Namespace }}
  endpoints:
    - port: metrics
      path: /metrics
      interval: {{ $root.Values.exporters.serviceMonitor.interval }}
      scrapeTimeout: {{ $root.Values.exporters.serviceMonitor.scrapeTimeout }}
      relabelings:
        # The store's name (ledger, agent-state, ...) on every series, for the dashboard.
        - action: replace
          targetLabel: store
          replacement: {{ .target.name }}
{{- end }}
{{- end -}}

{{/* A CA certificate from a Secret, mounted read-only; takes {caSecret, path}. */}}
{{- define "fleet.caVolume" -}}
- name: ca
  secret:
    secretName: {{ .caSecret.name }}
    items:
      - key: {{ .caSecret.key }}
        path: ca.crt
{{- end -}}

{{/* postgres_exporter's image, arguments and environment; takes {root, target, parameters}. */}}
{{- define "fleet.postgresExporterContainer" -}}
{{- $target := .target -}}
{{- $secret := required (printf "exporters.postgres.targets[%s].credentialsSecret: the exporter logs in only with credentials from an existing Secret" $target.name) $target.credentialsSecret -}}
image: {{ include "fleet.imageReference" (dict "image" .root.Values.exporters.postgres.image "global" .root.Values.global) }}
args:
  - --web.listen-address=:9187
  - --log.format=json
  {{- if .root.Values.exporters.postgres.statStatements }}
  - --collector.stat_statements
  {{- end }}
env:
  - name: DATA_SOURCE_URI
    value: {{ printf "%s:%d/%s?%s" (required (printf "exporters.postgres.targets[%s].host" $target.name) $target.host) (int (default 5432 $target.port)) (default $target.name $target.database) .parameters | quote }}
  - name: DATA_SOURCE_USER
    valueFrom:
      secretKeyRef:
        name: {{ $secret.name }}
        key: {{ default "username" $secret.usernameKey }}
  - name: DATA_SOURCE_PASS
    valueFrom:
      secretKeyRef:
        name: {{ $secret.name }}
        key: {{ default "password" $secret.passwordKey }}
{{- end -}}

{{/* redis_exporter's image and environment; takes {root, target}. */}}
{{- define "fleet.redisExporterContainer" -}}
{{- $target := .target -}}
{{- $redis := .root.Values.exporters.redis -}}
{{- $password := required (printf "exporters.redis.targets[%s].passwordSecret: the exporter logs in only with a password from an existing Secret" $target.name) $target.passwordSecret -}}
image: {{ include "fleet.imageReference" (dict "image" $redis.image "global" .root.Values.global) }}
env:
  - name: REDIS_ADDR
    value: {{ required (printf "exporters.redis.targets[%s].address" $target.name) $target.address | quote }}
  {{- with $target.usernameSecret }}
  - name: REDIS_USER
    valueFrom:
      secretKeyRef:
        name: {{ .name }}
        key: {{ .key }}
  {{- end }}
  - name: REDIS_PASSWORD
    valueFrom:
      secretKeyRef:
        name: {{ $password.name }}
        key: {{ $password.key }}
  - name: REDIS_EXPORTER_WEB_LISTEN_ADDRESS
    value: ":9121"
  - name: REDIS_EXPORTER_LOG_FORMAT
    value: json
  # Keys per tenant: SCAN with this pattern, one redis_key_group_count series per tenant.
  - name: REDIS_EXPORTER_CHECK_KEY_GROUPS
    value: {{ $redis.keyGroups | quote }}
  - name: REDIS_EXPORTER_MAX_DISTINCT_KEY_GROUPS
    value: {{ $redis.maxDistinctKeyGroups | quote }}
  - name: REDIS_EXPORTER_CHECK_KEYS_BATCH_SIZE
    value: {{ $redis.scanBatchSize | quote }}
  {{- if $target.caSecret }}
  - name: REDIS_EXPORTER_TLS_CA_CERT_FILE
    value: /etc/exporter/ca/ca.crt
  {{- end }}
{{- end -}}
