{{/*
The running service: ServiceAccount, ConfigMaps, Deployment, Service, HPA, PDB.
*/}}

{{- define "aicunet-lib.serviceAccount" -}}
{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "aicunet-lib.serviceAccountName" . }}
  labels:
    {{- include "aicunet-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: server
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
# The service calls no Kubernetes API: no token is mounted into its pods.
automountServiceAccountToken: false
{{- end }}
{{- end -}}

{{- define "aicunet-lib.configMap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "aicunet-lib.fullname" . }}
  labels:
    {{- include "aicunet-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: server
data:
  {{- include "aicunet-lib.configEnv" . | nindent 2 }}
  {{- include "aicunet-lib.privacyConfigEnv" . | nindent 2 }}
  {{- with include "aicunet-lib.serviceTlsEnv" . | trim }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- with include "aicunet-lib.reportingConfigEnv" . | trim }}
  {{- . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/*
The Rego the OPA sidecar loads: the policies it serves (the chart's
files/policy/*.rego, and files/limits/limits.rego: which buckets of the request rate
limit count a call) and OPA's own authorization policy (files/system/authz.rego,
package system.authz, as system.authz.rego), which closes its API to everything
but health and the decision query with the bearer token.
*/}}
{{- define "aicunet-lib.policyConfigMap" -}}
{{- if .Values.opa.sidecar.enabled }}
{{- $policies := .Files.Glob "files/policy/*.rego" }}
{{- if not $policies }}
{{- fail "opa.sidecar.enabled needs the Rego policies in files/policy/*.rego (run helm/sync-chart-files.sh)" }}
{{- end }}
{{- $systemPolicy := .Files.Get "files/system/authz.rego" }}
{{- if not $systemPolicy }}
{{- fail "opa.sidecar.enabled needs OPA's authorization policy in files/system/authz.rego (run helm/sync-chart-files.sh)" }}
{{- end }}
{{- $limitsPolicy := .Files.Get "files/limits/limits.rego" }}
{{- if not $limitsPolicy }}
{{- fail "opa.sidecar.enabled needs the request rate limit's policy in files/limits/limits.rego (run helm/sync-chart-files.sh)" }}
{{- end }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "aicunet-lib.fullname" . }}-policy
  labels:
    {{- include "aicunet-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: policy
data:
  {{- range $path, $content := $policies }}
  {{ base $path }}: |-
    {{- toString $content | nindent 4 }}
  {{- end }}
  system.authz.rego: |-
    {{- $systemPolicy | nindent 4 }}
  limits.rego: |-
    {{- $limitsPolicy | nindent 4 }}
{{- end }}
{{- end -}}

{{/* The environment variable through which the OPA sidecar's system policy reads the bearer token. */}}
{{- define "aicunet-lib.opaTokenEnvName" -}}
AICUNET_OPA_TOKEN
{{- end -}}

{{- define "aicunet-lib.opaSidecar" -}}
{{- $sidecar := .Values.opa.sidecar -}}
- name: opa
  image: {{ include "aicunet-lib.imageReference" (dict "image" $sidecar.image "global" .Values.global) }}
  imagePullPolicy: {{ $sidecar.image.pullPolicy }}
  # Decisions on loopback only: nothing outside the pod can reach OPA's API, and even
  # inside it the API is closed: token authentication, and the system policy
  # (system.authz.rego) admits only GET /health and the decision query carrying the
  # bearer token. Health also answers on the diagnostic port, which serves nothing else.
  args:
    - run
    - --server
    - --addr=127.0.0.1:{{ $sidecar.port }}
    - --diagnostic-addr=0.0.0.0:{{ $sidecar.diagnosticPort }}
    - --authentication=token
    - --authorization=basic
    - --skip-version-check
    - --log-level={{ $sidecar.logLevel }}
    - /policies
  env:
    {{- include "aicunet-lib.opaTokenSecretEnvEntry" (dict "context" . "name" (include "aicunet-lib.opaTokenEnvName" .)) | nindent 4 }}
  ports:
    - name: opa-diagnostic
      containerPort: {{ $sidecar.diagnosticPort }}
      protocol: TCP
  startupProbe:
    httpGet:
      path: /health
      port: opa-diagnostic
    periodSeconds: 2
    failureThreshold: 30
  readinessProbe:
    httpGet:
      path: /health
      port: opa-diagnostic
    periodSeconds: 10
  livenessProbe:
    httpGet:
      path: /health
      port: opa-diagnostic
    periodSeconds: 10
  resources:
    {{- toYaml $sidecar.resources | nindent 4 }}
  securityContext:
    {{- include "aicunet-lib.containerSecurityContext" . | nindent 4 }}
  volumeMounts:
    - name: policy
      mountPath: /policies
      readOnly: true
    - name: tmp
      mountPath: /tmp
{{- end -}}

{{- define "aicunet-lib.deployment" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "aicunet-lib.fullname" . }}
  labels:
    {{- include "aicunet-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: server
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  # A new pod is ready before an old one goes: capacity never drops during a rollout.
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  selector:
    matchLabels:
      {{- include "aicunet-lib.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "aicunet-lib.labels" . | nindent 8 }}
        app.kubernetes.io/component: server
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        # A changed setting or policy rolls the pods.
        checksum/config: {{ include "aicunet-lib.configMap" . | sha256sum }}
        checksum/policy: {{ include "aicunet-lib.policyConfigMap" . | sha256sum }}
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "aicunet-lib.serviceAccountName" . }}
      automountServiceAccountToken: false
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
      securityContext:
        {{- include "aicunet-lib.podSecurityContext" . | nindent 8 }}
      containers:
        - name: {{ .Values.serviceName }}
          image: {{ include "aicunet-lib.imageReference" (dict "image" .Values.image "global" .Values.global) }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            # REST, gRPC (HTTP/2 on the same server), health and metrics share one port.
            - name: http
              containerPort: {{ .Values.httpPort }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "aicunet-lib.fullname" . }}
          env:
            {{- include "aicunet-lib.appSecretEnv" . | nindent 12 }}
          {{- include "aicunet-lib.probes" . | nindent 10 }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            {{- include "aicunet-lib.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- include "aicunet-lib.privacyObjectStoreMounts" . | nindent 12 }}
            {{- include "aicunet-lib.databaseCaMount" . | nindent 12 }}
            {{- include "aicunet-lib.kafkaCaMount" . | nindent 12 }}
            {{- with include "aicunet-lib.redisCaMount" . | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with include "aicunet-lib.callTrustMounts" . | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with include "aicunet-lib.serviceTlsMount" . | trim }}
            {{- . | nindent 12 }}
            {{- end }}
        {{- if .Values.opa.sidecar.enabled }}
        {{- include "aicunet-lib.opaSidecar" . | nindent 8 }}
        {{- end }}
      volumes:
        {{- include "aicunet-lib.tmpVolume" . | nindent 8 }}
        {{- include "aicunet-lib.privacyObjectStoreVolume" . | nindent 8 }}
        {{- include "aicunet-lib.databaseCaVolume" . | nindent 8 }}
        {{- include "aicunet-lib.kafkaCaVolume" . | nindent 8 }}
        {{- with include "aicunet-lib.redisCaVolume" . | trim }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with include "aicunet-lib.callTrustVolumes" . | trim }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with include "aicunet-lib.serviceTlsVolume" . | trim }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- if .Values.opa.sidecar.enabled }}
        - name: policy
          configMap:
            name: {{ include "aicunet-lib.fullname" . }}-policy
        {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if .Values.topologySpread.enabled }}
      # Replicas spread over zones and nodes where the cluster allows it.
      topologySpreadConstraints:
        {{- range list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
        - maxSkew: 1
          topologyKey: {{ . }}
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "aicunet-lib.selectorLabels" $ | nindent 14 }}
        {{- end }}
      {{- end }}
{{- end -}}

{{- define "aicunet-lib.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "aicunet-lib.fullname" . }}
  labels:
    {{- include "aicunet-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: server
  {{- with .Values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .Values.service.type }}
  selector:
    {{- include "aicunet-lib.selectorLabels" . | nindent 4 }}
  ports:
    # REST, health and metrics (HTTPS with tls.enabled, else HTTP/1.1).
    - name: http
      port: {{ .Values.service.httpPort }}
      targetPort: http
      protocol: TCP
      appProtocol: {{ ternary "https" "http" .Values.tls.enabled }}
    # gRPC: the same container port (quarkus.grpc.server.use-separate-server=false),
    # named so that gRPC clients and meshes see HTTP/2 over TLS (tls.enabled) or cleartext.
    - name: grpc
      port: {{ .Values.service.grpcPort }}
      targetPort: http
      protocol: TCP
      appProtocol: {{ ternary "https" "kubernetes.io/h2c" .Values.tls.enabled }}
{{- end -}}

{{- define "aicunet-lib.hpa" -}}
{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "aicunet-lib.fullname" . }}
  labels:
    {{- include "aicunet-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: server
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "aicunet-lib.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
    {{- with .Values.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end }}
{{- end -}}

{{- define "aicunet-lib.pdb" -}}
{{- if .Values.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "aicunet-lib.fullname" . }}
  labels:
    {{- include "aicunet-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: server
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "aicunet-lib.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}
