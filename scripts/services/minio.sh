# shellcheck shell=bash
# MinIO, built from source with the Go toolchain (pure Go, CGO_ENABLED=0; a 5-10 minute build on 2 cores).

MINIO_MODULE_VERSION="${DOCMESH_MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"
MINIO_BIN="$BIN_DIR/minio"
MINIO_DATA="$DATA_DIR/minio"

minio_installed() { [[ -x "$MINIO_BIN" && -f "$BIN_DIR/.minio-$MINIO_MODULE_VERSION" ]]; }
minio_install() {
  CGO_ENABLED=0 GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false go install "github.com/minio/minio@$MINIO_MODULE_VERSION"
  touch "$BIN_DIR/.minio-$MINIO_MODULE_VERSION"
}
minio_version() { echo "github.com/minio/minio@$MINIO_MODULE_VERSION"; }
minio_endpoint() { echo "http://127.0.0.1:$DOCMESH_MINIO_PORT"; }

minio_start() {
  require_free_port minio "$DOCMESH_MINIO_PORT" "$DOCMESH_MINIO_CONSOLE_PORT"
  mkdir -p "$MINIO_DATA"
  MINIO_ROOT_USER="$DOCMESH_S3_ACCESS_KEY" MINIO_ROOT_PASSWORD="$DOCMESH_S3_SECRET_KEY" \
    MINIO_BROWSER=on MINIO_UPDATE=off MINIO_CI_CD=1 \
    spawn minio "$MINIO_BIN" server --quiet --address "127.0.0.1:$DOCMESH_MINIO_PORT" \
    --console-address "127.0.0.1:$DOCMESH_MINIO_CONSOLE_PORT" "$MINIO_DATA"
}
minio_ready() { http_ok "$(minio_endpoint)/minio/health/ready"; }
# Creates the bucket through the S3 API (no mc client needed).
minio_post_start() {
  python3 "$SERVICES_DIR/minio-mkbucket.py" "$(minio_endpoint)" "$DOCMESH_S3_ACCESS_KEY" "$DOCMESH_S3_SECRET_KEY" \
    "$DOCMESH_S3_BUCKET" || die "minio: could not create bucket $DOCMESH_S3_BUCKET"
}
minio_env() {
  echo "DOCMESH_S3_ENDPOINT=$(minio_endpoint)"
  echo "DOCMESH_S3_ACCESS_KEY=$DOCMESH_S3_ACCESS_KEY"
  echo "DOCMESH_S3_SECRET_KEY=$DOCMESH_S3_SECRET_KEY"
  echo "DOCMESH_S3_BUCKET=$DOCMESH_S3_BUCKET"
}
