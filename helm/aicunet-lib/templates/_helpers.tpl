{{/*
Names, labels, images and the settings every container shares. Every template
here takes the service chart's root context (.) unless it says otherwise.
*/}}

{{/* The chart's name: the service's name unless overridden. */}}
{{- define "aicunet-lib.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The release-qualified name of every object. A release named like the chart (helm
install tenant helm/tenant) is not repeated: "tenant", not "tenant-tenant".
*/}}
{{- define "aicunet-lib.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels that select the service's own pods (the Deployment's, not the migration Job's). */}}
{{- define "aicunet-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aicunet-lib.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end -}}

{{/* Labels of the migration Job's pods: same name and instance, another component. */}}
{{- define "aicunet-lib.migrationSelectorLabels" -}}
app.kubernetes.io/name: {{ include "aicunet-lib.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: migration
{{- end -}}

{{/* Labels every object carries (without the component, which the object adds). */}}
{{- define "aicunet-lib.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "aicunet-lib.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: aicunet-data-layer
{{- end -}}

{{/* The service account the Deployment runs as. */}}
{{- define "aicunet-lib.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "aicunet-lib.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
An image reference from {registry, repository, tag, digest}. Takes a dict with
"image" (the values block) and "global" (.Values.global). A digest wins over the
tag; a floating tag ("latest" or none) fails the render, so every image is pinned.
*/}}
{{- define "aicunet-lib.imageReference" -}}
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

{{/*
The pod's security context. Non-root is not optional; only the ids are values.
The image's user is 185 (the Quarkus/UBI default).
*/}}
{{- define "aicunet-lib.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
fsGroup: {{ .Values.podSecurityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Every container's security context: nothing to escalate, nothing to write but /tmp. */}}
{{- define "aicunet-lib.containerSecurityContext" -}}
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

{{/* Startup, readiness and liveness probes on Quarkus SmallRye Health's endpoints. */}}
{{- define "aicunet-lib.probes" -}}
{{- $probes := .Values.probes -}}
{{- $scheme := include "aicunet-lib.httpScheme" . -}}
startupProbe:
  httpGet:
    path: /q/health/started
    port: http
    scheme: {{ $scheme }}
  periodSeconds: {{ $probes.startup.periodSeconds }}
  timeoutSeconds: {{ $probes.startup.timeoutSeconds }}
  failureThreshold: {{ $probes.startup.failureThreshold }}
readinessProbe:
  httpGet:
    path: /q/health/ready
    port: http
    scheme: {{ $scheme }}
  periodSeconds: {{ $probes.readiness.periodSeconds }}
  timeoutSeconds: {{ $probes.readiness.timeoutSeconds }}
  failureThreshold: {{ $probes.readiness.failureThreshold }}
livenessProbe:
  httpGet:
    path: /q/health/live
    port: http
    scheme: {{ $scheme }}
  periodSeconds: {{ $probes.liveness.periodSeconds }}
  timeoutSeconds: {{ $probes.liveness.timeoutSeconds }}
  failureThreshold: {{ $probes.liveness.failureThreshold }}
{{- end -}}

{{/*
TLS of the service's own port and of its calls to the tenant service (tls.enabled,
docs/tls.md "Service to service"): platform/tenancy's configuration profile service-tls
reads the certificate, key and CA from the Secret tls.secretName (cert-manager's keys
tls.crt, tls.key, ca.crt), mounted read-only at the profile's default directory. The
port then speaks HTTPS only (REST, gRPC, health, metrics); the kubelet's probes use
HTTPS too (they do not verify the certificate; the fleet's clients do).
*/}}
{{- define "aicunet-lib.serviceTlsPath" -}}
/etc/aicunet/service-tls
{{- end -}}

{{- define "aicunet-lib.httpScheme" -}}
{{- if .Values.tls.enabled -}}HTTPS{{- else -}}HTTP{{- end -}}
{{- end -}}

{{/* The app's TLS settings, as environment variables (a YAML map); the app only: the migration Job serves nothing. */}}
{{- define "aicunet-lib.serviceTlsEnv" -}}
{{- if .Values.tls.enabled }}
{{- if not .Values.tls.secretName }}
{{- fail "tls.secretName is required with tls.enabled: an existing Secret with the service's certificate (tls.crt), its key (tls.key) and the fleet's CA (ca.crt), e.g. a cert-manager Certificate's" }}
{{- end }}
QUARKUS_PROFILE: "prod,service-tls"
AICUNET_SERVICE_TLS_DIRECTORY: {{ include "aicunet-lib.serviceTlsPath" . | quote }}
{{- end }}
{{- end -}}

{{- define "aicunet-lib.serviceTlsVolume" -}}
{{- if .Values.tls.enabled }}
- name: service-tls
  secret:
    secretName: {{ .Values.tls.secretName }}
    # Readable by the pod's group (fsGroup), not by others.
    defaultMode: 0440
    items:
      - key: tls.crt
        path: tls.crt
      - key: tls.key
        path: tls.key
      - key: ca.crt
        path: ca.crt
{{- end }}
{{- end -}}

{{- define "aicunet-lib.serviceTlsMount" -}}
{{- if .Values.tls.enabled }}
- name: service-tls
  mountPath: {{ include "aicunet-lib.serviceTlsPath" . }}
  readOnly: true
{{- end }}
{{- end -}}

{{/*
The OPA URL the service asks: its sidecar on the pod's own loopback interface (plain
HTTP: the request never leaves the pod's network namespace), or a shared OPA across the
network, which must be https (verified with the JVM's trust: docs/tls.md).
*/}}
{{- define "aicunet-lib.opaUrl" -}}
{{- if .Values.opa.sidecar.enabled -}}
{{- printf "http://127.0.0.1:%d" (int .Values.opa.sidecar.port) -}}
{{- else -}}
{{- if not (hasPrefix "https://" .Values.opa.url) -}}
{{- fail (printf "opa.url %s is not https://: a shared OPA is reached across the network, where its decisions and the bearer token must not travel in plaintext (or enable opa.sidecar)" .Values.opa.url) -}}
{{- end -}}
{{- .Values.opa.url -}}
{{- end -}}
{{- end -}}

{{/* The query string of the reactive URLs (the pool takes its TLS settings from aicunet-lib.databaseTlsEnv). */}}
{{- define "aicunet-lib.databaseParameters" -}}
{{- printf "sslmode=%s" .Values.database.sslMode -}}
{{- end -}}

{{/* The query string of the JDBC URL (Liquibase reads nothing else): the sslmode and the mounted CA. */}}
{{- define "aicunet-lib.jdbcParameters" -}}
{{- printf "sslmode=%s&sslrootcert=%s" .Values.database.sslMode (include "aicunet-lib.databaseCaFile" .) -}}
{{- end -}}

{{/*
Where the CA certificate that signed PostgreSQL's server certificate is mounted
(read-only, from database.tls.caSecret or database.tls.caConfigMap): the services'
production default of aicunet.database.ca-certificate.
*/}}
{{- define "aicunet-lib.databaseCaPath" -}}
/etc/aicunet/database-tls
{{- end -}}

{{- define "aicunet-lib.databaseCaFile" -}}
{{- printf "%s/ca.crt" (include "aicunet-lib.databaseCaPath" .) -}}
{{- end -}}

{{/*
The reactive pool's TLS settings for the datasource named by "prefix"
(QUARKUS_DATASOURCE or QUARKUS_DATASOURCE_REPORTING), a YAML map: verify-full checks the
chain to the mounted CA and the host name (HTTPS), verify-ca the chain only. Nothing
weaker renders (the schema allows these two).
*/}}
{{- define "aicunet-lib.databaseTlsEnv" -}}
{{- $mode := .root.Values.database.sslMode -}}
{{- if not (has $mode (list "verify-full" "verify-ca")) }}
{{- fail (printf "database.sslMode %s does not verify the server: verify-full or verify-ca" $mode) }}
{{- end }}
{{ .prefix }}_REACTIVE_POSTGRESQL_SSL_MODE: {{ $mode | quote }}
{{ .prefix }}_REACTIVE_HOSTNAME_VERIFICATION_ALGORITHM: {{ ternary "HTTPS" "NONE" (eq $mode "verify-full") | quote }}
{{ .prefix }}_REACTIVE_TRUST_CERTIFICATE_PEM: "true"
{{ .prefix }}_REACTIVE_TRUST_CERTIFICATE_PEM_CERTS: {{ include "aicunet-lib.databaseCaFile" .root | quote }}
{{- end -}}

{{/*
A volume with one CA certificate, as ca.crt: from an existing Secret (cert-manager's
Certificate Secrets carry ca.crt) or, when its name is empty, a ConfigMap (a
trust-manager Bundle, a managed service's published CA). Takes a dict: volume (its
name), tls (values with caSecret and caConfigMap), what (for the render error).
*/}}
{{- define "aicunet-lib.caVolume" -}}
- name: {{ .volume }}
{{- if .tls.caSecret.name }}
  secret:
    secretName: {{ .tls.caSecret.name }}
    items:
      - key: {{ .tls.caSecret.key }}
        path: ca.crt
{{- else if .tls.caConfigMap.name }}
  configMap:
    name: {{ .tls.caConfigMap.name }}
    items:
      - key: {{ .tls.caConfigMap.key }}
        path: ca.crt
{{- else }}
{{- fail (printf "%s needs caSecret.name or caConfigMap.name: the CA certificate that signed %s" .path .what) }}
{{- end }}
{{- end -}}

{{/* The volume of the database's CA certificate. */}}
{{- define "aicunet-lib.databaseCaVolume" -}}
{{ include "aicunet-lib.caVolume" (dict "volume" "database-ca" "tls" .Values.database.tls "path" "database.tls" "what" "PostgreSQL's server certificate (verify-full)") }}
{{- end -}}

{{- define "aicunet-lib.databaseCaMount" -}}
- name: database-ca
  mountPath: {{ include "aicunet-lib.databaseCaPath" . }}
  readOnly: true
{{- end -}}

{{/*
Where the CA certificate that signed the Kafka brokers' certificates is mounted (from
kafka.tls): the services' production default of aicunet.kafka.ca-certificate, the trust
store of their TLS registry configuration "kafka" (platform/outbox).
*/}}
{{- define "aicunet-lib.kafkaCaPath" -}}
/etc/aicunet/kafka-tls
{{- end -}}

{{- define "aicunet-lib.kafkaCaVolume" -}}
{{ include "aicunet-lib.caVolume" (dict "volume" "kafka-ca" "tls" .Values.kafka.tls "path" "kafka.tls" "what" "the Kafka brokers' certificates (SASL_SSL, host names verified)") }}
{{- end -}}

{{- define "aicunet-lib.kafkaCaMount" -}}
- name: kafka-ca
  mountPath: {{ include "aicunet-lib.kafkaCaPath" . }}
  readOnly: true
{{- end -}}

{{/*
Where the CA certificate that signed the Redis server's certificate is mounted (from
redis.tls): the services' production default of aicunet.redis.ca-certificate, the trust
store of their TLS registry configuration "redis" (platform/limits).
*/}}
{{- define "aicunet-lib.redisCaPath" -}}
/etc/aicunet/redis-tls
{{- end -}}

{{- define "aicunet-lib.redisCaVolume" -}}
{{- if .Values.redis.enabled }}
{{ include "aicunet-lib.caVolume" (dict "volume" "redis-ca" "tls" .Values.redis.tls "path" "redis.tls" "what" "the Redis server's certificate (rediss://, host name verified)") }}
{{- end }}
{{- end -}}

{{- define "aicunet-lib.redisCaMount" -}}
{{- if .Values.redis.enabled }}
- name: redis-ca
  mountPath: {{ include "aicunet-lib.redisCaPath" . }}
  readOnly: true
{{- end }}
{{- end -}}

{{/*
The private CAs of the identity provider (auth.tls) and of a shared OPA (opa.tls, sidecar
off), each optional: given, it is mounted and trusted alone (the TLS registry
configurations "identity" and "policy", and SmallRye JWT's own setting for the JWKS);
not given, the JVM's public CAs verify the https URLs. Each helper prints "yes" or nothing.
*/}}
{{- define "aicunet-lib.identityCaGiven" -}}
{{- if or .Values.auth.tls.caSecret.name .Values.auth.tls.caConfigMap.name }}yes{{ end -}}
{{- end -}}

{{- define "aicunet-lib.policyCaGiven" -}}
{{- if and (not .Values.opa.sidecar.enabled) (or .Values.opa.tls.caSecret.name .Values.opa.tls.caConfigMap.name) }}yes{{ end -}}
{{- end -}}

{{- define "aicunet-lib.identityCaPath" -}}
/etc/aicunet/identity-tls
{{- end -}}

{{- define "aicunet-lib.policyCaPath" -}}
/etc/aicunet/policy-tls
{{- end -}}

{{/* The volumes of those CAs, when given (app and migration Job: both start the TLS registry). */}}
{{- define "aicunet-lib.callTrustVolumes" -}}
{{- if include "aicunet-lib.identityCaGiven" . }}
{{ include "aicunet-lib.caVolume" (dict "volume" "identity-ca" "tls" .Values.auth.tls "path" "auth.tls" "what" "the identity provider's certificate") }}
{{- end }}
{{- if include "aicunet-lib.policyCaGiven" . }}
{{ include "aicunet-lib.caVolume" (dict "volume" "policy-ca" "tls" .Values.opa.tls "path" "opa.tls" "what" "the shared OPA's certificate") }}
{{- end }}
{{- end -}}

{{- define "aicunet-lib.callTrustMounts" -}}
{{- if include "aicunet-lib.identityCaGiven" . }}
- name: identity-ca
  mountPath: {{ include "aicunet-lib.identityCaPath" . }}
  readOnly: true
{{- end }}
{{- if include "aicunet-lib.policyCaGiven" . }}
- name: policy-ca
  mountPath: {{ include "aicunet-lib.policyCaPath" . }}
  readOnly: true
{{- end }}
{{- end -}}

{{/* The settings that make the service trust those CAs, as environment variables (a YAML map). */}}
{{- define "aicunet-lib.callTrustEnv" -}}
{{- if include "aicunet-lib.identityCaGiven" . }}
SMALLRYE_JWT_CLIENT_TLS_CERTIFICATE_PATH: {{ printf "%s/ca.crt" (include "aicunet-lib.identityCaPath" .) | quote }}
QUARKUS_TLS_IDENTITY_TRUST_STORE_PEM_CERTS: {{ printf "%s/ca.crt" (include "aicunet-lib.identityCaPath" .) | quote }}
QUARKUS_OIDC_CLIENT_TLS_TLS_CONFIGURATION_NAME: "identity"
{{- end }}
{{- if include "aicunet-lib.policyCaGiven" . }}
QUARKUS_TLS_POLICY_TRUST_STORE_PEM_CERTS: {{ printf "%s/ca.crt" (include "aicunet-lib.policyCaPath" .) | quote }}
AICUNET_POLICY_TLS_CONFIGURATION_NAME: "policy"
{{- end }}
{{- end -}}

{{/*
The identity provider's issuer whose tokens the service accepts: auth.issuer, else
global.auth.issuer (helm/fleet sets it once for every service). No default: a
service that trusted some guessed issuer would refuse every real token, or worse.
*/}}
{{- define "aicunet-lib.authIssuer" -}}
{{- $global := (.Values.global | default dict).auth | default dict -}}
{{- $issuer := .Values.auth.issuer | default $global.issuer -}}
{{- if not $issuer -}}
{{- fail (printf "auth.issuer is required: the issuer (iss) of the identity provider whose tokens %s accepts, e.g. https://id.example.com/realms/aicunet (or global.auth.issuer, which helm/fleet passes to every service)" .Values.serviceName) -}}
{{- end -}}
{{- trimSuffix "/" $issuer -}}
{{- end -}}

{{/* The JWKS URL: auth.jwksUrl, else global.auth.jwksUrl, else Keycloak's path under the issuer. */}}
{{- define "aicunet-lib.authJwksUrl" -}}
{{- $global := (.Values.global | default dict).auth | default dict -}}
{{- .Values.auth.jwksUrl | default $global.jwksUrl | default (printf "%s/protocol/openid-connect/certs" (include "aicunet-lib.authIssuer" .)) -}}
{{- end -}}

{{/* The token endpoint of client credentials: auth.tokenUrl, else global.auth.tokenUrl, else Keycloak's path under the issuer. */}}
{{- define "aicunet-lib.authTokenUrl" -}}
{{- $global := (.Values.global | default dict).auth | default dict -}}
{{- .Values.auth.tokenUrl | default $global.tokenUrl | default (printf "%s/protocol/openid-connect/token" (include "aicunet-lib.authIssuer" .)) -}}
{{- end -}}

{{/*
The authentication settings (non-secret), as environment variables (a YAML map):
how callers' tokens are verified (SmallRye JWT) and where the service's own account
gets its tokens (quarkus-oidc-client, discovery off). The client secret comes from
a Secret (aicunet-lib.authSecretEnv).
*/}}
{{- define "aicunet-lib.authConfigEnv" -}}
{{- $auth := .Values.auth -}}
{{- range $what, $url := dict "auth.issuer" (include "aicunet-lib.authIssuer" .) "auth.jwksUrl" (include "aicunet-lib.authJwksUrl" .) "auth.tokenUrl" (include "aicunet-lib.authTokenUrl" .) }}
{{- if not (hasPrefix "https://" $url) }}
{{- fail (printf "%s %s is not https://: keys fetched or tokens obtained in plaintext could be swapped on the way, and every caller forged (docs/tls.md)" $what $url) }}
{{- end }}
{{- end }}
MP_JWT_VERIFY_ISSUER: {{ include "aicunet-lib.authIssuer" . | quote }}
MP_JWT_VERIFY_PUBLICKEY_LOCATION: {{ include "aicunet-lib.authJwksUrl" . | quote }}
MP_JWT_VERIFY_AUDIENCES: {{ $auth.audience | default (printf "aicunet-%s" .Values.serviceName) | quote }}
MP_JWT_VERIFY_PUBLICKEY_ALGORITHM: {{ $auth.algorithm | quote }}
SMALLRYE_JWT_PATH_GROUPS: {{ $auth.rolesClaim | quote }}
QUARKUS_OIDC_CLIENT_DISCOVERY_ENABLED: "false"
QUARKUS_OIDC_CLIENT_AUTH_SERVER_URL: {{ include "aicunet-lib.authIssuer" . | quote }}
QUARKUS_OIDC_CLIENT_TOKEN_PATH: {{ include "aicunet-lib.authTokenUrl" . | quote }}
QUARKUS_OIDC_CLIENT_CLIENT_ID: {{ $auth.client.id | default .Values.serviceName | quote }}
{{- end -}}

{{/* The service's own account's client secret, from an existing Secret (the app only). */}}
{{- define "aicunet-lib.authSecretEnv" -}}
{{- $secret := .Values.auth.client.secret -}}
{{- if not $secret.secretName }}
{{- fail (printf "auth.client.secret.secretName is required: the existing Secret holding the client secret of %s's own account at the identity provider (key auth.client.secret.key, %q)" .Values.serviceName $secret.key) }}
{{- end }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "QUARKUS_OIDC_CLIENT_CREDENTIALS_SECRET" "secretName" $secret.secretName "key" $secret.key) }}
{{- end -}}

{{/*
The bearer token of OPA's API, from an existing Secret: the service sends it
(aicunet.policy.bearer-token) and the OPA sidecar admits only requests that carry it.
*/}}
{{- define "aicunet-lib.opaTokenSecretEnvEntry" -}}
{{- $token := .context.Values.opa.token -}}
{{- if not $token.secretName }}
{{- fail (printf "opa.token.secretName is required: the existing Secret holding the bearer token of OPA's API, which %s sends and its OPA requires (key opa.token.key, %q)" .context.Values.serviceName $token.key) }}
{{- end }}
{{- include "aicunet-lib.secretEnvEntry" (dict "name" .name "secretName" $token.secretName "key" $token.key) }}
{{- end -}}

{{/*
The service's non-secret settings, as environment variables (a YAML map). The
ConfigMap holds them for the Deployment; the migration Job, which runs before the
ConfigMap exists (pre-install hook), sets them inline. Liquibase stays off in the
app: the Job migrates.
*/}}
{{- define "aicunet-lib.configEnv" -}}
{{- $database := .Values.database -}}
QUARKUS_HTTP_PORT: {{ .Values.httpPort | quote }}
{{- $parameters := include "aicunet-lib.databaseParameters" . }}
{{- $reactive := list (printf "postgresql://%s:%d/%s?%s" $database.host (int $database.port) $database.name $parameters) }}
{{- $hosts := list (printf "%s:%d" $database.host (int $database.port)) }}
{{- range ($database.standbys | default list) }}
{{- $reactive = append $reactive (printf "postgresql://%s:%d/%s?%s" .host (int .port) $database.name $parameters) }}
{{- $hosts = append $hosts (printf "%s:%d" .host (int .port)) }}
{{- end }}
{{- /* With standbys: the pool follows the node that accepts writes (platform/tenancy's
ReadWritePoolCreator), Liquibase too (pgjdbc's targetServerType=primary). */}}
QUARKUS_DATASOURCE_REACTIVE_URL: {{ join "," $reactive | quote }}
QUARKUS_DATASOURCE_JDBC_URL: {{ printf "jdbc:postgresql://%s/%s?%s%s" (join "," $hosts) $database.name (ternary "targetServerType=primary&" "" (gt (len $hosts) 1)) (include "aicunet-lib.jdbcParameters" .) | quote }}
AICUNET_DATABASE_CA_CERTIFICATE: {{ include "aicunet-lib.databaseCaFile" . | quote }}
{{ include "aicunet-lib.databaseTlsEnv" (dict "root" . "prefix" "QUARKUS_DATASOURCE") }}
QUARKUS_LIQUIBASE_MIGRATE_AT_START: "false"
KAFKA_BOOTSTRAP_SERVERS: {{ .Values.kafka.bootstrapServers | quote }}
KAFKA_SECURITY_PROTOCOL: {{ .Values.kafka.securityProtocol | quote }}
AICUNET_KAFKA_CA_CERTIFICATE: {{ printf "%s/ca.crt" (include "aicunet-lib.kafkaCaPath" .) | quote }}
{{- if .Values.kafka.saslMechanism }}
KAFKA_SASL_MECHANISM: {{ .Values.kafka.saslMechanism | quote }}
{{- end }}
AICUNET_POLICY_OPA_URL: {{ include "aicunet-lib.opaUrl" . | quote }}
{{ include "aicunet-lib.authConfigEnv" . }}
{{- with include "aicunet-lib.callTrustEnv" . | trim }}
{{ . }}
{{- end }}
{{- if .Values.redis.enabled }}
QUARKUS_REDIS_HOSTS: {{ include "aicunet-lib.redisHosts" . | quote }}
AICUNET_REDIS_CA_CERTIFICATE: {{ printf "%s/ca.crt" (include "aicunet-lib.redisCaPath" .) | quote }}
{{- end }}
QUARKUS_LOG_LEVEL: {{ .Values.config.logLevel | quote }}
JAVA_OPTS_APPEND: {{ .Values.jvm.options | quote }}
{{- range $name, $value := .Values.config.env }}
{{ $name }}: {{ toString $value | quote }}
{{- end }}
{{- end -}}

{{/*
redis.hosts (rediss:// only: TLS, docs/tls.md "Redis") with the service's own Redis ACL
user (redis.username, default serviceName) as each URL's user parameter: the Quarkus Redis client has no username setting, Vert.x
reads it from the URL (docs/redis.md, "ACL users"). The password is QUARKUS_REDIS_PASSWORD
from redis.passwordSecret.
*/}}
{{- define "aicunet-lib.redisHosts" -}}
{{- $user := default .Values.serviceName .Values.redis.username -}}
{{- $hosts := list -}}
{{- range $host := splitList "," .Values.redis.hosts -}}
{{- $host = trim $host -}}
{{- if not (hasPrefix "rediss://" $host) -}}
{{- fail (printf "redis.hosts %s is not rediss://: the service speaks to Redis over TLS only, verifying the server with redis.tls's CA and its host name" $host) -}}
{{- end -}}
{{- $hosts = append $hosts (printf "%s%suser=%s" $host (ternary "&" "?" (contains "?" $host)) (urlquery $user)) -}}
{{- end -}}
{{- join "," $hosts -}}
{{- end -}}

{{/* One env entry read from an existing Secret. Takes a dict: name, secretName, key. */}}
{{- define "aicunet-lib.secretEnvEntry" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .key }}
{{- end -}}

{{/*
Credentials shared by the app and the Job that are not database credentials:
Kafka SASL, Redis, and the operator's own secretEnv entries.
*/}}
{{- define "aicunet-lib.sharedSecretEnv" -}}
{{- if and (hasPrefix "SASL_" .Values.kafka.securityProtocol) (not .Values.kafka.saslJaasConfigSecret.secretName) }}
{{- fail (printf "kafka.saslJaasConfigSecret.secretName is required with kafka.securityProtocol %s: the existing Secret holding %s's own sasl.jaas.config (the brokers authenticate every client; docs/kafka-security.md)" .Values.kafka.securityProtocol .Values.serviceName) }}
{{- end }}
{{- if .Values.kafka.saslJaasConfigSecret.secretName }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "KAFKA_SASL_JAAS_CONFIG" "secretName" .Values.kafka.saslJaasConfigSecret.secretName "key" .Values.kafka.saslJaasConfigSecret.key) }}
{{- end }}
{{- if and .Values.redis.enabled .Values.redis.passwordSecret.secretName }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "QUARKUS_REDIS_PASSWORD" "secretName" .Values.redis.passwordSecret.secretName "key" .Values.redis.passwordSecret.key) }}
{{- end }}
{{- range .Values.config.secretEnv }}
{{ include "aicunet-lib.secretEnvEntry" . }}
{{- end }}
{{- end -}}

{{/*
The app's credentials, every one from an existing Secret: the app role only (rows, no
DDL), the reporting role (ledger), Kafka and Redis, its own account's client secret,
OPA's bearer token, and the keys of the service that holds any (tenant's master keys,
audit's signing keys, config's secrets key).
*/}}
{{- define "aicunet-lib.appSecretEnv" -}}
{{- $credentials := .Values.database.appCredentials -}}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "QUARKUS_DATASOURCE_USERNAME" "secretName" $credentials.secretName "key" $credentials.usernameKey) }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "QUARKUS_DATASOURCE_PASSWORD" "secretName" $credentials.secretName "key" $credentials.passwordKey) }}
{{- include "aicunet-lib.reportingSecretEnv" . }}
{{- include "aicunet-lib.sharedSecretEnv" . }}
{{- include "aicunet-lib.authSecretEnv" . }}
{{ include "aicunet-lib.opaTokenSecretEnvEntry" (dict "context" . "name" "AICUNET_POLICY_BEARER_TOKEN") }}
{{- include "aicunet-lib.masterKeySecretEnv" . }}
{{- include "aicunet-lib.auditSigningKeySecretEnv" . }}
{{- include "aicunet-lib.configSecretsKeySecretEnv" . }}
{{- include "aicunet-lib.objectStoreSecretEnv" . }}
{{- end -}}

{{/*
The tenant service's master keys, which wrap tenants' data keys: the active id
(tenant.master-key-id) and every configured key (tenant.master-keys.<id>), all from
one existing Secret. The app only: the migration Job wraps nothing. SmallRye Config
lower-cases the map key of TENANT_MASTER_KEYS_<ID> and cannot express a hyphen or an
underscore in it, so ids are lower-case letters and digits (the schema says so too).
*/}}
{{- define "aicunet-lib.masterKeySecretEnv" -}}
{{- $keys := .Values.privacy.masterKeys -}}
{{- if $keys.enabled }}
{{- if or (not $keys.secretName) (not $keys.keyIds) }}
{{- fail "privacy.masterKeys.enabled needs privacy.masterKeys.secretName and at least one id in privacy.masterKeys.keyIds" }}
{{- end }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "TENANT_MASTER_KEY_ID" "secretName" $keys.secretName "key" $keys.activeKeyIdKey) }}
{{- range $keys.keyIds }}
{{- if not (regexMatch "^[a-z0-9]+$" (toString .)) }}
{{- fail (printf "privacy.masterKeys.keyIds: %q is not lower-case letters and digits" (toString .)) }}
{{- end }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" (printf "TENANT_MASTER_KEYS_%s" (upper (toString .))) "secretName" $keys.secretName "key" (toString .)) }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
The audit service's Ed25519 checkpoint keys, all from one existing Secret: the active
(signing) key's id (audit.signing.active-key-id) and, per id, its public key and, when
the Secret holds one, its private key (audit.signing.keys.<id>.public-key and
.private-key). A rotated-out id keeps only its public key, so the private key is an
optional reference: the service refuses to start when the active key has none. The
app only. Ids as for master keys: lower-case letters and digits.
*/}}
{{- define "aicunet-lib.auditSigningKeySecretEnv" -}}
{{- $keys := .Values.keys.auditSigning -}}
{{- if $keys.enabled }}
{{- if or (not $keys.secretName) (not $keys.keyIds) }}
{{- fail "keys.auditSigning.enabled needs keys.auditSigning.secretName and at least one id in keys.auditSigning.keyIds" }}
{{- end }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "AUDIT_SIGNING_ACTIVE_KEY_ID" "secretName" $keys.secretName "key" $keys.activeKeyIdKey) }}
{{- range $keys.keyIds }}
{{- $id := toString . }}
{{- if not (regexMatch "^[a-z0-9]+$" $id) }}
{{- fail (printf "keys.auditSigning.keyIds: %q is not lower-case letters and digits" $id) }}
{{- end }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" (printf "AUDIT_SIGNING_KEYS_%s_PUBLIC_KEY" (upper $id)) "secretName" $keys.secretName "key" (printf "%s.public-key" $id)) }}
- name: {{ printf "AUDIT_SIGNING_KEYS_%s_PRIVATE_KEY" (upper $id) }}
  valueFrom:
    secretKeyRef:
      name: {{ $keys.secretName }}
      key: {{ printf "%s.private-key" $id }}
      optional: true
{{- end }}
{{- end }}
{{- end -}}

{{/*
The config service's AES-256 key for platform-level secrets (config.secrets.key) and
its id (config.secrets.key-id), from one existing Secret, so that a rotation changes
both at once. The app only.
*/}}
{{- define "aicunet-lib.configSecretsKeySecretEnv" -}}
{{- $key := .Values.keys.configSecrets -}}
{{- if $key.enabled }}
{{- if not $key.secretName }}
{{- fail "keys.configSecrets.enabled needs keys.configSecrets.secretName: the existing Secret with the config service's secrets key and its id" }}
{{- end }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "CONFIG_SECRETS_KEY_ID" "secretName" $key.secretName "key" $key.keyIdKey) }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "CONFIG_SECRETS_KEY" "secretName" $key.secretName "key" $key.keyKey) }}
{{- end }}
{{- end -}}

{{/*
The ledger's reporting datasource (FinOps reports, quarkus.datasource.reporting): its
own read-only role from an existing Secret. Its URL is a setting
(aicunet-lib.reportingConfigEnv). The app only.
*/}}
{{- define "aicunet-lib.reportingSecretEnv" -}}
{{- $reporting := .Values.database.reporting -}}
{{- if $reporting.enabled }}
{{- if not $reporting.credentials.secretName }}
{{- fail "database.reporting.enabled needs database.reporting.credentials.secretName: the existing Secret with the reporting role's credentials" }}
{{- end }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "QUARKUS_DATASOURCE_REPORTING_USERNAME" "secretName" $reporting.credentials.secretName "key" $reporting.credentials.usernameKey) }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "QUARKUS_DATASOURCE_REPORTING_PASSWORD" "secretName" $reporting.credentials.secretName "key" $reporting.credentials.passwordKey) }}
{{- end }}
{{- end -}}

{{/* The reporting datasource's URL (a YAML map): its own host (a read replica) or the service's database. The app only. */}}
{{- define "aicunet-lib.reportingConfigEnv" -}}
{{- $database := .Values.database -}}
{{- $reporting := $database.reporting -}}
{{- if $reporting.enabled }}
{{- $host := $reporting.host | default $database.host }}
{{- $port := ternary $reporting.port $database.port (not (empty $reporting.host)) }}
QUARKUS_DATASOURCE_REPORTING_REACTIVE_URL: {{ printf "postgresql://%s:%d/%s?%s" $host (int $port) $database.name (include "aicunet-lib.databaseParameters" .) | quote }}
{{ include "aicunet-lib.databaseTlsEnv" (dict "root" . "prefix" "QUARKUS_DATASOURCE_REPORTING") }}
{{- end }}
{{- end -}}

{{/*
The migration Job's credentials: the owner role, for Liquibase and for the
datasource, so the Job never holds the app role's secret.
*/}}
{{- define "aicunet-lib.ownerSecretEnv" -}}
{{- $credentials := .Values.database.ownerCredentials -}}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "QUARKUS_LIQUIBASE_USERNAME" "secretName" $credentials.secretName "key" $credentials.usernameKey) }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "QUARKUS_LIQUIBASE_PASSWORD" "secretName" $credentials.secretName "key" $credentials.passwordKey) }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "QUARKUS_DATASOURCE_USERNAME" "secretName" $credentials.secretName "key" $credentials.usernameKey) }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "QUARKUS_DATASOURCE_PASSWORD" "secretName" $credentials.secretName "key" $credentials.passwordKey) }}
{{- include "aicunet-lib.sharedSecretEnv" . }}
{{- end -}}

{{/*
The tenant service's host for gRPC clients: privacy.tenantService.host, or else the
name helm/fleet gives the tenant chart's Service in this release (the rule of
aicunet-lib.fullname for a chart named "tenant").
*/}}
{{- define "aicunet-lib.tenantServiceHost" -}}
{{- if .Values.privacy.tenantService.host -}}
{{- .Values.privacy.tenantService.host -}}
{{- else if contains "tenant" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-tenant" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
The app's privacy settings, as environment variables (a YAML map): where it writes
export parts, and (every service but tenant) where the tenant service answers for
tenants' data keys and retention. The app only, not the migration Job: migrating
needs neither.
*/}}
{{- define "aicunet-lib.privacyConfigEnv" -}}
{{- $store := .Values.privacy.objectStore }}
AICUNET_PRIVACY_OBJECT_STORE_KIND: {{ $store.kind | quote }}
{{- if eq $store.kind "s3" }}
{{- if or (not $store.s3.endpoint) (not $store.s3.bucket) (not $store.s3.credentialsSecret) }}
{{- fail "privacy.objectStore.kind s3 needs privacy.objectStore.s3.endpoint, s3.bucket and s3.credentialsSecret" }}
{{- end }}
AICUNET_PRIVACY_OBJECT_STORE_S3_ENDPOINT: {{ $store.s3.endpoint | quote }}
AICUNET_PRIVACY_OBJECT_STORE_S3_REGION: {{ $store.s3.region | quote }}
AICUNET_PRIVACY_OBJECT_STORE_S3_BUCKET: {{ $store.s3.bucket | quote }}
{{- if $store.s3.caSecret.name }}
AICUNET_PRIVACY_OBJECT_STORE_S3_CA_CERTIFICATE: {{ printf "%s/%s" (include "aicunet-lib.objectStoreCaPath" .) $store.s3.caSecret.key | quote }}
{{- end }}
{{- else }}
AICUNET_PRIVACY_OBJECT_STORE_DIRECTORY: {{ $store.mountPath | quote }}
{{- end }}
{{- if .Values.privacy.tenantService.enabled }}
QUARKUS_GRPC_CLIENTS_TENANT_KEYS_HOST: {{ include "aicunet-lib.tenantServiceHost" . | quote }}
QUARKUS_GRPC_CLIENTS_TENANT_KEYS_PORT: {{ .Values.privacy.tenantService.port | quote }}
{{- end }}
{{- end -}}

{{/*
The privacy object store: an existing ReadWriteMany claim that every service of the
deployment mounts, so the tenant service reads the parts the others write. Without a
claim an emptyDir stands in, which only suits development.
*/}}
{{- define "aicunet-lib.objectStoreCaPath" -}}
/etc/aicunet/object-store-ca
{{- end -}}

{{/* The S3 object store's access key and secret key, from the existing Secret (kind s3 only). */}}
{{- define "aicunet-lib.objectStoreSecretEnv" -}}
{{- $store := .Values.privacy.objectStore -}}
{{- if eq $store.kind "s3" }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "AICUNET_PRIVACY_OBJECT_STORE_S3_ACCESS_KEY" "secretName" $store.s3.credentialsSecret "key" $store.s3.accessKeyKey) }}
{{ include "aicunet-lib.secretEnvEntry" (dict "name" "AICUNET_PRIVACY_OBJECT_STORE_S3_SECRET_KEY" "secretName" $store.s3.credentialsSecret "key" $store.s3.secretKeyKey) }}
{{- end }}
{{- end -}}

{{/* The app's mounts for the object store: the shared directory, or the S3 store's CA certificate. */}}
{{- define "aicunet-lib.privacyObjectStoreMounts" -}}
{{- $store := .Values.privacy.objectStore -}}
{{- if eq $store.kind "s3" }}
{{- if $store.s3.caSecret.name }}
- name: object-store-ca
  mountPath: {{ include "aicunet-lib.objectStoreCaPath" . }}
  readOnly: true
{{- end }}
{{- else }}
# Privacy export parts (AICUNET_PRIVACY_OBJECT_STORE_DIRECTORY): the one
# writable mount besides /tmp.
- name: privacy-objects
  mountPath: {{ $store.mountPath }}
{{- end }}
{{- end -}}

{{- define "aicunet-lib.privacyObjectStoreVolume" -}}
{{- if eq .Values.privacy.objectStore.kind "s3" }}
{{- if .Values.privacy.objectStore.s3.caSecret.name }}
- name: object-store-ca
  secret:
    secretName: {{ .Values.privacy.objectStore.s3.caSecret.name }}
    items:
      - key: {{ .Values.privacy.objectStore.s3.caSecret.key }}
        path: {{ .Values.privacy.objectStore.s3.caSecret.key }}
{{- end }}
{{- else }}
- name: privacy-objects
  {{- if .Values.privacy.objectStore.claimName }}
  persistentVolumeClaim:
    claimName: {{ .Values.privacy.objectStore.claimName }}
  {{- else }}
  # No privacy.objectStore.claimName: privacy exports are lost when the pod goes and
  # are not shared with the other services, so the tenant service cannot complete an export.
  emptyDir:
    sizeLimit: {{ .Values.privacy.objectStore.sizeLimit }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* The writable /tmp every container gets (the root file system is read-only). */}}
{{- define "aicunet-lib.tmpVolume" -}}
- name: tmp
  emptyDir:
    medium: {{ .Values.tmpVolume.medium | quote }}
    sizeLimit: {{ .Values.tmpVolume.sizeLimit }}
{{- end -}}
