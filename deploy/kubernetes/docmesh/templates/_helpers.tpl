{{- define "docmesh.name" -}}{{ .Release.Name }}{{- end -}}

{{- define "docmesh.labels" -}}
app.kubernetes.io/part-of: docmesh
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "docmesh.selector" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The Docmesh container: one role, settings from the ConfigMap and the Secret. */}}
{{- define "docmesh.container" -}}
name: {{ .role }}
image: "{{ .root.Values.image.repository }}:{{ .root.Values.image.tag }}"
imagePullPolicy: {{ .root.Values.image.pullPolicy }}
command: ["node", "--import", "tsx", "services/main.ts", "--cluster", "--role={{ .role }}"]
envFrom:
  - configMapRef:
      name: {{ .root.Release.Name }}-config
  - secretRef:
      name: {{ .root.Values.existingSecret | default (printf "%s-secrets" .root.Release.Name) }}
resources:
  {{- toYaml .resources | nindent 2 }}
securityContext:
  runAsNonRoot: true
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: false
  capabilities:
    drop: ["ALL"]
{{- end -}}
