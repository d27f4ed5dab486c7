#!/usr/bin/env bash
# Installs a pinned Go tool with `go install` into the cache (outside the repository), once, and
# prints the binary's path.  Usage: bash scripts/tools/go-tool.sh grpcurl|kubeconform|helm
set -euo pipefail

CACHE="${DOCMESH_CACHE:-$HOME/.cache/docmesh}"
case "${1:-}" in
  grpcurl) module=github.com/fullstorydev/grpcurl/cmd/grpcurl version=v1.9.3 ;;
  kubeconform) module=github.com/yannh/kubeconform/cmd/kubeconform version=v0.7.0 ;;
  helm) module=helm.sh/helm/v3/cmd/helm version=v3.22.0 ;;
  *)
    echo "usage: $0 grpcurl|kubeconform|helm" >&2
    exit 2
    ;;
esac

bin="$CACHE/tools/$1-$version/$1"
if [[ ! -x "$bin" ]]; then
  command -v go >/dev/null || { echo "$1: needs Go (https://go.dev/doc/install)" >&2; exit 1; }
  mkdir -p "$(dirname "$bin")"
  # The module cache and build cache stay under the cache too, so the repository stays clean.
  GOBIN="$(dirname "$bin")" GOPATH="$CACHE/go" GOFLAGS=-modcacherw nice go install "$module@$version" >&2
fi
echo "$bin"
