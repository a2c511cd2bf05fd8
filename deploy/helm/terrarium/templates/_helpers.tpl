{{/* The chart name, or nameOverride. */}}
{{- define "terrarium.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every object name: the release name when it contains the chart name (release "terrarium" gives
terrarium-operator, terrarium-view, ...), else <release>-<chart>.
*/}}
{{- define "terrarium.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "terrarium.labels" -}}
app.kubernetes.io/part-of: terrarium
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* Selector labels of the operator's pods. */}}
{{- define "terrarium.operatorSelector" -}}
app.kubernetes.io/name: {{ include "terrarium.fullname" . }}-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of the registry's pod. */}}
{{- define "terrarium.registrySelector" -}}
app.kubernetes.io/name: {{ include "terrarium.fullname" . }}-registry
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "terrarium.serviceAccountName" -}}
{{- default (printf "%s-operator" (include "terrarium.fullname" .)) .Values.serviceAccount.name }}
{{- end }}

{{/* The user name the API server gives the operator's ServiceAccount: what the admission policy trusts. */}}
{{- define "terrarium.operatorUser" -}}
{{- printf "system:serviceaccount:%s:%s" .Release.Namespace (include "terrarium.serviceAccountName" .) }}
{{- end }}

{{/* repository@digest when a digest is given, else repository:tag (tag defaults to appVersion). */}}
{{- define "terrarium.imageRef" -}}
{{- $image := index . 0 }}
{{- $root := index . 1 }}
{{- if $image.digest }}
{{- printf "%s@%s" $image.repository $image.digest }}
{{- else }}
{{- printf "%s:%s" $image.repository (default $root.Chart.AppVersion $image.tag) }}
{{- end }}
{{- end }}

{{- define "terrarium.buildNamespace" -}}
{{- .Values.builds.namespace.name }}
{{- end }}

{{- define "terrarium.registryHost" -}}
{{- printf "%s-registry.%s.svc:%v" (include "terrarium.fullname" .) .Release.Namespace .Values.inClusterRegistry.port }}
{{- end }}

{{- define "terrarium.registryPushSecretName" -}}
{{- printf "%s-registry-push" (include "terrarium.fullname" .) }}
{{- end }}

{{- define "terrarium.registryHtpasswdSecretName" -}}
{{- printf "%s-registry-htpasswd" (include "terrarium.fullname" .) }}
{{- end }}

{{/* The shared repository: the value, else the in-cluster registry's. */}}
{{- define "terrarium.defaultRepository" -}}
{{- if .Values.registry.defaultRepository }}
{{- .Values.registry.defaultRepository }}
{{- else if .Values.inClusterRegistry.enabled }}
{{- printf "%s/terrarium/environments" (include "terrarium.registryHost" .) }}
{{- else }}
{{- fail "registry.defaultRepository is required (a repository that builds can push to and nodes can pull from), unless inClusterRegistry.enabled=true" }}
{{- end }}
{{- end }}

{{/* Plain-HTTP registries: the value, plus the in-cluster registry (it has no TLS). */}}
{{- define "terrarium.insecureRegistries" -}}
{{- $hosts := .Values.registry.insecure }}
{{- if and .Values.inClusterRegistry.enabled (not (has (include "terrarium.registryHost" .) $hosts)) }}
{{- $hosts = append $hosts (include "terrarium.registryHost" .) }}
{{- end }}
{{- join "," $hosts }}
{{- end }}

{{- define "terrarium.pushSecret" -}}
{{- if .Values.registry.pushSecret }}
{{- .Values.registry.pushSecret }}
{{- else if .Values.inClusterRegistry.enabled }}
{{- include "terrarium.registryPushSecretName" . }}
{{- end }}
{{- end }}

{{/* key=value pairs, comma-separated, sorted: the format of terrarium.builds.node-selector. */}}
{{- define "terrarium.buildNodeSelector" -}}
{{- $pairs := list }}
{{- range $key, $value := .Values.builds.nodeSelector }}
{{- $pairs = append $pairs (printf "%s=%s" $key $value) }}
{{- end }}
{{- join "," $pairs }}
{{- end }}

{{/* The CA bundle ConfigMap: the one named, else the chart's own when it is given PEM; empty: none. */}}
{{- define "terrarium.caBundle" -}}
{{- if .Values.caBundle.configMap }}
{{- .Values.caBundle.configMap }}
{{- else if .Values.caBundle.pem }}
{{- printf "%s-ca-bundle" (include "terrarium.fullname" .) }}
{{- end }}
{{- end }}
