{{- define "serving.fullname" -}}
{{ .Release.Name }}-serving
{{- end }}
