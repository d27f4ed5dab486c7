#!/usr/bin/env bash
# Validates the Helm chart deploy/kubernetes/docmesh: `helm template` with the default, small and
# large values, then `kubeconform -strict` against the Kubernetes schemas and KEDA's ScaledObject
# schema. Everything comes from package registries and is cached outside the repository:
#   helm, kubeconform      go install (scripts/tools/go-tool.sh)
#   Kubernetes schemas     PyPI kubernetes-validate (ships kubernetes-json-schema, every version)
#   KEDA schema            generated from the CRD in the KEDA Go module (config/crd/bases)
#   bash scripts/kubernetes/check.sh           template + validate the chart
#   bash scripts/kubernetes/check.sh --stdin   validate manifests from stdin with the same schemas
# DOCMESH_K8S_MANIFESTS=DIR keeps the rendered manifests there (manifests-<values file>).
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE="${DOCMESH_CACHE:-$HOME/.cache/docmesh}"
K8S_VERSION="${DOCMESH_K8S_VERSION:-1.33.0}"
KUBERNETES_VALIDATE_VERSION=1.37.0
KEDA_VERSION=v2.21.0
CHART=deploy/kubernetes/docmesh

KUBECONFORM="$(bash scripts/tools/go-tool.sh kubeconform)"

# The Kubernetes JSON schemas (and PyYAML, for the CRD conversion) in a venv of their own.
VENV="$CACHE/k8s-schemas/venv-$KUBERNETES_VALIDATE_VERSION"
if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >&2
fi
# Its schemas carry an https $id and point at "/api/_definitions.json", which would send kubeconform
# to the internet; a copy without the $id refers to the definitions file beside it.
K8S_SCHEMAS="$CACHE/k8s-schemas/kubernetes-v$K8S_VERSION-strict"
if [[ ! -f "$K8S_SCHEMAS/_definitions.json" ]]; then
  packaged="$("$VENV/bin/python" -c 'import kubernetes_validate, os; print(os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema"))')/v$K8S_VERSION-local-strict"
  [[ -d "$packaged" ]] || { echo "kubernetes-validate has no schemas for Kubernetes $K8S_VERSION" >&2; exit 1; }
  mkdir -p "$K8S_SCHEMAS.tmp"
  "$VENV/bin/python" - "$packaged" "$K8S_SCHEMAS.tmp" <<'PY'
import json, os, sys
source, target = sys.argv[1:]
for name in os.listdir(source):
    with open(os.path.join(source, name)) as f:
        schema = json.load(f)
    schema.pop("$id", None)
    text = json.dumps(schema).replace('"/api/_definitions.json#', '"_definitions.json#')
    with open(os.path.join(target, name), "w") as f:
        f.write(text)
PY
  mv "$K8S_SCHEMAS.tmp" "$K8S_SCHEMAS"
fi

# KEDA's CRDs are in its Go module; turn their OpenAPI v3 schema into kubeconform's JSON schema.
KEDA_SCHEMAS="$CACHE/k8s-schemas/keda-$KEDA_VERSION"
if [[ ! -f "$KEDA_SCHEMAS/scaledobject_v1alpha1.json" ]]; then
  keda_dir="$(GOPATH="$CACHE/go" GOFLAGS=-modcacherw go mod download -json "github.com/kedacore/keda/v2@$KEDA_VERSION" |
    "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
  mkdir -p "$KEDA_SCHEMAS"
  "$VENV/bin/python" scripts/kubernetes/crd-to-jsonschema.py "$KEDA_SCHEMAS" "$keda_dir"/config/crd/bases/keda.sh_*.yaml
fi

validate() {
  "$KUBECONFORM" -strict -summary -kubernetes-version "$K8S_VERSION" \
    -schema-location "$K8S_SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    -schema-location "$KEDA_SCHEMAS/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" "$@"
}
if [[ "${1:-}" == --stdin ]]; then
  validate -
  exit
fi

HELM="$(bash scripts/tools/go-tool.sh helm)"

# Envoy's config for the chart's Services, rendered from the contracts as the README shows.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
upstreams="$("$VENV/bin/python" -c '
import sys, yaml
values = yaml.safe_load(open(sys.argv[1]))
port = values["port"]
print(",".join(f"{role}=docmesh-{role}:{port}" for role in values["services"]))' "$CHART/values.yaml")"
DOCMESH_EDGE_UPSTREAMS="$upstreams" DOCMESH_JWKS=https://auth.example.com/.well-known/jwks.json \
  npx tsx scripts/edge/render.ts --out "$work/envoy.yaml" --descriptor /etc/envoy/docmesh.binpb >/dev/null
base64 -w0 deploy/envoy/docmesh.binpb >"$work/docmesh.binpb.b64"

"$HELM" lint "$CHART" --quiet --set-file envoy.config="$work/envoy.yaml" >&2
for values in values.yaml values-small.yaml values-large.yaml; do
  echo "== $values" >&2
  "$HELM" template docmesh "$CHART" -f "$CHART/$values" \
    --set-file envoy.config="$work/envoy.yaml" --set-file envoy.descriptorSet="$work/docmesh.binpb.b64" >"$work/manifests.yaml"
  validate "$work/manifests.yaml"
  if [[ -n "${DOCMESH_K8S_MANIFESTS:-}" ]]; then cp "$work/manifests.yaml" "$DOCMESH_K8S_MANIFESTS/manifests-$values"; fi
done
