{{/*
Metrics, alerts and the Grafana dashboard. Every series is selected by the
"application" label, which the ServiceMonitor sets to the service's name, so the
alerts and the dashboard do not depend on release or namespace names.

The alerts every service shares are written here; a service adds its own (ledger
invariant, audit verification, lost agents) in alerts.extraRules and
dashboard.extraPanels of its values.
*/}}

{{- define "aicunet-lib.serviceMonitor" -}}
{{- if .Values.metrics.serviceMonitor.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "aicunet-lib.fullname" . }}
  labels:
    {{- include "aicunet-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: server
    {{- with .Values.metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "aicunet-lib.selectorLabels" . | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  endpoints:
    - port: http
      path: /q/metrics
      {{- if .Values.tls.enabled }}
      # The port speaks HTTPS only; Prometheus verifies it with the fleet's CA from the
      # service's own Secret, for the name of the Service.
      scheme: https
      tlsConfig:
        ca:
          secret:
            name: {{ .Values.tls.secretName }}
            key: ca.crt
        serverName: {{ include "aicunet-lib.fullname" . }}.{{ .Release.Namespace }}.svc
      {{- end }}
      interval: {{ .Values.metrics.serviceMonitor.interval }}
      scrapeTimeout: {{ .Values.metrics.serviceMonitor.scrapeTimeout }}
      relabelings:
        - action: replace
          targetLabel: application
          replacement: {{ .Values.serviceName }}
{{- end }}
{{- end -}}

{{/* The selector of this service's series in PromQL. */}}
{{- define "aicunet-lib.seriesSelector" -}}
application="{{ .Values.serviceName }}"
{{- end -}}

{{/* The alerts every service has. */}}
{{- define "aicunet-lib.commonAlertRules" -}}
{{- $selector := include "aicunet-lib.seriesSelector" . -}}
{{- $alerts := .Values.alerts -}}
- alert: AicunetServiceDown
  expr: absent(up{ {{- $selector -}} } == 1)
  for: 5m
  labels:
    severity: critical
    service: {{ .Values.serviceName }}
  annotations:
    summary: 'No {{ .Values.serviceName }} replica is scraped as up.'
    description: 'Prometheus has seen no healthy {{ .Values.serviceName }} target for 5 minutes; callers get errors.'
- alert: AicunetOutboxRelayLagHigh
  expr: max(aicunet_outbox_relay_lag_seconds{ {{- $selector -}} }) > {{ $alerts.relayLagSecondsMax }}
  for: 5m
  labels:
    severity: warning
    service: {{ .Values.serviceName }}
  annotations:
    summary: '{{ .Values.serviceName }} publishes its events late.'
    description: '{{`The oldest unpublished outbox event is {{ $value | humanizeDuration }} old.`}} Events wait in outbox_events (nothing is lost); check Kafka and the log line "outbox relay pass failed".'
- alert: AicunetHttpErrorRateHigh
  expr: |
    sum(rate(http_server_requests_seconds_count{ {{- $selector -}} ,status=~"5.."}[5m]))
      / sum(rate(http_server_requests_seconds_count{ {{- $selector -}} }[5m])) > {{ $alerts.errorRatioMax }}
  for: 10m
  labels:
    severity: warning
    service: {{ .Values.serviceName }}
  annotations:
    summary: '{{ .Values.serviceName }} answers too many HTTP requests with 5xx.'
    description: '{{`{{ $value | humanizePercentage }}`}} of HTTP requests failed with a server error over 10 minutes.'
- alert: AicunetGrpcErrorRateHigh
  expr: |
    sum(rate(grpc_server_processing_duration_seconds_count{ {{- $selector -}} ,statusCode=~"UNKNOWN|INTERNAL|UNAVAILABLE|DATA_LOSS|DEADLINE_EXCEEDED"}[5m]))
      / sum(rate(grpc_server_processing_duration_seconds_count{ {{- $selector -}} }[5m])) > {{ $alerts.errorRatioMax }}
  for: 10m
  labels:
    severity: warning
    service: {{ .Values.serviceName }}
  annotations:
    summary: '{{ .Values.serviceName }} fails too many gRPC calls.'
    description: '{{`{{ $value | humanizePercentage }}`}} of gRPC calls ended with a server-side status over 10 minutes.'
- alert: AicunetLatencyP99High
  expr: |
    histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket{ {{- $selector -}} ,uri!~"/q/.*"}[5m]))) > {{ $alerts.latencyP99SecondsMax }}
  for: 10m
  labels:
    severity: warning
    service: {{ .Values.serviceName }}
  annotations:
    summary: '{{ .Values.serviceName }} is slow.'
    description: '{{`The 99th percentile of HTTP request time is {{ $value | humanizeDuration }}.`}}'
- alert: AicunetPolicyUnavailable
  expr: sum(rate(aicunet_policy_unavailable_total{ {{- $selector -}} }[5m])) > 0
  for: 5m
  labels:
    severity: critical
    service: {{ .Values.serviceName }}
  annotations:
    summary: '{{ .Values.serviceName }} cannot reach OPA.'
    description: 'Calls fail closed (UNAVAILABLE / 503) while the policy engine does not answer; check the opa sidecar.'
- alert: AicunetConsumerDeadLetters
  expr: sum by (topic, group, reason) (increase(aicunet_consumer_dead_letters_total{ {{- $selector -}} }[15m])) > 0
  labels:
    severity: warning
    service: {{ .Values.serviceName }}
  annotations:
    summary: '{{ .Values.serviceName }} dead-lettered an event it could not process.'
    description: '{{`A record of {{ $labels.topic }} (group {{ $labels.group }}) went to {{ $labels.topic }}.dlq.{{ $labels.group }}, reason {{ $labels.reason }}. The consumer went on; inspect and replay it as docs/consumers.md says.`}}'
- alert: AicunetConsumerRetrying
  expr: sum by (channel) (rate(aicunet_consumer_retries_total{ {{- $selector -}} }[5m])) > 0
  for: 10m
  labels:
    severity: warning
    service: {{ .Values.serviceName }}
  annotations:
    summary: '{{ .Values.serviceName }} keeps retrying an event (infrastructure failure).'
    description: '{{`Channel {{ $labels.channel }} has retried for 10 minutes; its partition waits (nothing is skipped). Check the database, Redis and the log line "failed (infrastructure), retrying".`}}'
- alert: AicunetRateLimitDegraded
  expr: sum(rate(aicunet_limits_decisions_total{ {{- $selector -}} ,outcome="degraded"}[5m])) > 0
  for: 5m
  labels:
    severity: warning
    service: {{ .Values.serviceName }}
  annotations:
    summary: '{{ .Values.serviceName }} rate-limits without Redis.'
    description: 'Redis does not answer the rate limiter, so each replica limits tenants with a bucket of its own at aicunet.limits.redis-down-share-percent of their limit (docs/rate-limits.md). Check Redis and aicunet_limits_redis_failures_total.'
- alert: AicunetTenantRateLimited
  expr: max by (tenant) (aicunet_limits_limited_top{ {{- $selector -}} }) > 0
  for: 15m
  labels:
    severity: info
    service: {{ .Values.serviceName }}
  annotations:
    summary: 'A tenant keeps hitting its request rate limit at {{ .Values.serviceName }}.'
    description: '{{`Tenant {{ $labels.tenant }} has been refused with RESOURCE_EXHAUSTED / 429 for 15 minutes ({{ $value }} calls in the last minute on the busiest replica). Its quota is requests_per_minute at the tenant service; raise it there, or find the caller that loops.`}}'
{{- end -}}

{{- define "aicunet-lib.prometheusRule" -}}
{{- if .Values.metrics.prometheusRule.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: {{ include "aicunet-lib.fullname" . }}
  labels:
    {{- include "aicunet-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: server
    {{- with .Values.metrics.prometheusRule.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  groups:
    - name: {{ .Values.serviceName }}.rules
      rules:
        {{- include "aicunet-lib.commonAlertRules" . | nindent 8 }}
        {{- with .Values.alerts.extraRules }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end }}
{{- end -}}

{{/*
The dashboard's panels: {title, expr, legend, unit}. Legends use Grafana's
{{label}} syntax, written [[label]] here and turned into braces afterwards.
*/}}
{{- define "aicunet-lib.commonPanels" -}}
{{- $selector := include "aicunet-lib.seriesSelector" . -}}
- title: HTTP requests per second
  expr: sum by (status) (rate(http_server_requests_seconds_count{ {{- $selector -}} ,namespace="$namespace"}[5m]))
  legend: "[[status]]"
  unit: reqps
- title: HTTP 5xx ratio
  expr: sum(rate(http_server_requests_seconds_count{ {{- $selector -}} ,namespace="$namespace",status=~"5.."}[5m])) / sum(rate(http_server_requests_seconds_count{ {{- $selector -}} ,namespace="$namespace"}[5m]))
  legend: 5xx
  unit: percentunit
- title: HTTP latency p99
  expr: histogram_quantile(0.99, sum by (le, uri) (rate(http_server_requests_seconds_bucket{ {{- $selector -}} ,namespace="$namespace",uri!~"/q/.*"}[5m])))
  legend: "[[uri]]"
  unit: s
- title: gRPC calls per second by status
  expr: sum by (statusCode) (rate(grpc_server_processing_duration_seconds_count{ {{- $selector -}} ,namespace="$namespace"}[5m]))
  legend: "[[statusCode]]"
  unit: reqps
- title: Outbox relay lag
  expr: max by (pod) (aicunet_outbox_relay_lag_seconds{ {{- $selector -}} ,namespace="$namespace"})
  legend: "[[pod]]"
  unit: s
- title: Outbox events published per second
  expr: sum(rate(aicunet_outbox_events_published_total{ {{- $selector -}} ,namespace="$namespace"}[5m]))
  legend: published
  unit: ops
- title: Policy engine unavailable
  expr: sum(rate(aicunet_policy_unavailable_total{ {{- $selector -}} ,namespace="$namespace"}[5m]))
  legend: unavailable
  unit: ops
- title: Rate limit decisions per second
  expr: sum by (outcome) (rate(aicunet_limits_decisions_total{ {{- $selector -}} ,namespace="$namespace"}[5m]))
  legend: "[[outcome]]"
  unit: ops
- title: Most rate-limited tenants (refusals in the last minute)
  expr: topk(10, max by (tenant) (aicunet_limits_limited_top{ {{- $selector -}} ,namespace="$namespace"}))
  legend: "[[tenant]]"
  unit: short
- title: JVM heap used
  expr: sum by (pod) (jvm_memory_used_bytes{ {{- $selector -}} ,namespace="$namespace",area="heap"})
  legend: "[[pod]]"
  unit: bytes
{{- end -}}

{{/* The Grafana dashboard, as JSON. */}}
{{- define "aicunet-lib.dashboardJson" -}}
{{- $panelSpecs := concat (fromYamlArray (include "aicunet-lib.commonPanels" .)) .Values.dashboard.extraPanels -}}
{{- $panels := list -}}
{{- range $index, $spec := $panelSpecs -}}
{{- $target := dict "refId" "A" "expr" $spec.expr "legendFormat" ($spec.legend | replace "[[" "{{" | replace "]]" "}}") "datasource" (dict "type" "prometheus" "uid" "${datasource}") -}}
{{- $position := dict "h" 8 "w" 12 "x" (mul (mod $index 2) 12) "y" (mul (div $index 2) 8) -}}
{{- $defaults := dict "unit" $spec.unit -}}
{{- $panel := dict "id" (add1 $index) "type" "timeseries" "title" $spec.title "gridPos" $position "targets" (list $target) "fieldConfig" (dict "defaults" $defaults "overrides" (list)) "datasource" (dict "type" "prometheus" "uid" "${datasource}") -}}
{{- $panels = append $panels $panel -}}
{{- end -}}
{{- $datasource := dict "name" "datasource" "type" "datasource" "query" "prometheus" "label" "Data source" -}}
{{- $namespaceQuery := printf "label_values(up{%s}, namespace)" (include "aicunet-lib.seriesSelector" .) -}}
{{- $namespace := dict "name" "namespace" "type" "query" "label" "Namespace" "query" $namespaceQuery "refresh" 2 "datasource" (dict "type" "prometheus" "uid" "${datasource}") -}}
{{- $dashboard := dict "uid" (printf "aicunet-%s" .Values.serviceName) "title" (printf "aicunet / %s" .Values.serviceName) "tags" (list "aicunet" .Values.serviceName) "timezone" "utc" "schemaVersion" 39 "refresh" "30s" "time" (dict "from" "now-3h" "to" "now") "templating" (dict "list" (list $datasource $namespace)) "panels" $panels -}}
{{- toPrettyJson $dashboard -}}
{{- end -}}

{{/* The dashboard as a ConfigMap that Grafana's dashboard sidecar loads. */}}
{{- define "aicunet-lib.dashboard" -}}
{{- if .Values.metrics.dashboard.enabled }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "aicunet-lib.fullname" . }}-dashboard
  labels:
    {{- include "aicunet-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: dashboard
    {{- with .Values.metrics.dashboard.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.metrics.dashboard.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
data:
  {{ .Values.serviceName }}.json: |-
    {{- include "aicunet-lib.dashboardJson" . | nindent 4 }}
{{- end }}
{{- end -}}
