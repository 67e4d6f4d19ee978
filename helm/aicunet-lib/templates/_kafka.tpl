{{/*
The service's Kafka principal for a Strimzi-operated cluster (kafka.strimzi.kafkaUser):
a KafkaUser named after the service, whose SCRAM-SHA-512 password Strimzi generates into
a Secret of the same name (its key sasl.jaas.config is what kafka.saslJaasConfigSecret
reads: set secretName to the service's name), with exactly the ACLs that
platform/devstack/src/main/resources/kafka/acls.conf grants the service on the local
stack. helm/sync-chart-files.sh copies that file into files/kafka/acls.conf; a line is
"principal resource pattern name operations", {p} in a name is a test run's prefix
(empty here). Nothing renders unless enabled.
*/}}
{{- define "aicunet-lib.kafkaUser" -}}
{{- $strimzi := .Values.kafka.strimzi -}}
{{- if $strimzi.kafkaUser }}
{{- if not $strimzi.cluster }}
{{- fail "kafka.strimzi.cluster is required with kafka.strimzi.kafkaUser: the name of the Strimzi Kafka cluster (label strimzi.io/cluster)" }}
{{- end }}
{{- if ne .Values.kafka.saslMechanism "SCRAM-SHA-512" }}
{{- fail (printf "kafka.strimzi.kafkaUser makes a SCRAM-SHA-512 user, but kafka.saslMechanism is %s" .Values.kafka.saslMechanism) }}
{{- end }}
{{- $acls := list }}
{{- range $line := splitList "\n" (.Files.Get "files/kafka/acls.conf") }}
{{- $line = trim $line }}
{{- if and $line (not (hasPrefix "#" $line)) }}
{{- $fields := regexSplit "\\s+" $line -1 }}
{{- if ne (len $fields) 5 }}
{{- fail (printf "files/kafka/acls.conf: a line needs 5 fields: %s" $line) }}
{{- end }}
{{- if eq (index $fields 0) $.Values.serviceName }}
{{- $operations := list }}
{{- range $operation := splitList "," (index $fields 4) }}
{{- $operations = append $operations (lower $operation | replace "_" " " | title | nospace) }}
{{- end }}
{{- $acls = append $acls (dict
  "resource" (dict
    "type" (index $fields 1)
    "name" (replace "{p}" "" (index $fields 3))
    "patternType" (ternary "prefix" "literal" (eq (index $fields 2) "prefixed")))
  "operations" $operations
  "host" "*") }}
{{- end }}
{{- end }}
{{- end }}
{{- if not $acls }}
{{- fail (printf "files/kafka/acls.conf grants %s nothing (run helm/sync-chart-files.sh)" .Values.serviceName) }}
{{- end }}
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaUser
metadata:
  name: {{ .Values.serviceName }}
  labels:
    {{- include "aicunet-lib.labels" . | nindent 4 }}
    strimzi.io/cluster: {{ $strimzi.cluster }}
spec:
  authentication:
    type: scram-sha-512
  authorization:
    type: simple
    acls:
      {{- toYaml $acls | nindent 6 }}
{{- end }}
{{- end -}}
