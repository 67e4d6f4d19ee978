{{/*
Everything a service chart renders, in one include: a service chart's only template
is `{{ include "aicunet-lib.manifests" . }}`. Objects that are switched off render
nothing and leave no empty document.
*/}}
{{- define "aicunet-lib.manifests" -}}
{{- $templates := list
  "aicunet-lib.serviceAccount"
  "aicunet-lib.configMap"
  "aicunet-lib.policyConfigMap"
  "aicunet-lib.deployment"
  "aicunet-lib.service"
  "aicunet-lib.hpa"
  "aicunet-lib.pdb"
  "aicunet-lib.networkPolicy"
  "aicunet-lib.migrationNetworkPolicy"
  "aicunet-lib.migrationJob"
  "aicunet-lib.kafkaUser"
  "aicunet-lib.serviceMonitor"
  "aicunet-lib.prometheusRule"
  "aicunet-lib.dashboard" -}}
{{- range $templates }}
{{- $manifest := include . $ | trim }}
{{- if $manifest }}
---
{{ $manifest }}
{{- end }}
{{- end }}
{{- end -}}
