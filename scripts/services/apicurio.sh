# shellcheck shell=bash
# Apicurio Registry 3.x (Quarkus), the runnable tar.gz (classifier "all") from Maven Central.
# In-memory storage (the default H2 in-memory SQL store); Confluent-compatible API at /apis/ccompat/v7.

APICURIO_VERSION="${DOCMESH_APICURIO_VERSION:-3.3.3}"
APICURIO_HOME="$DOCMESH_CACHE/apicurio/$APICURIO_VERSION"

apicurio_installed() { [[ -f "$APICURIO_HOME/quarkus-run.jar" ]]; }
apicurio_install() {
  local dl="$DOCMESH_CACHE/apicurio/dl"
  mkdir -p "$dl" "$APICURIO_HOME"
  mvn -B -q dependency:copy -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" -DoutputDirectory="$dl"
  tar xzf "$dl/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz" -C "$APICURIO_HOME"
  rm -f "$dl/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
}
apicurio_version() { echo "apicurio-registry-app $APICURIO_VERSION"; }
apicurio_url() { echo "http://127.0.0.1:$DOCMESH_APICURIO_PORT/apis/ccompat/v7"; }
apicurio_endpoint() { apicurio_url; }

apicurio_start() {
  require_free_port apicurio "$DOCMESH_APICURIO_PORT" "$DOCMESH_APICURIO_MANAGEMENT_PORT"
  local java
  # Apicurio 3.3 is compiled for Java 21; this machine's second JDK (Temurin 25) runs it.
  java="$(find_java 21)" || die "apicurio: needs a Java 21+ runtime (set DOCMESH_JAVA21=/path/to/java)"
  spawn apicurio "$java" -Xms128m -Xmx512m -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$DOCMESH_APICURIO_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$DOCMESH_APICURIO_MANAGEMENT_PORT" \
    -Dapicurio.rules.global.compatibility=BACKWARD \
    -Dquarkus.log.console.color=false \
    -jar "$APICURIO_HOME/quarkus-run.jar"
}
apicurio_ready() { http_ok "$(apicurio_url)/subjects"; }
# Set the global compatibility rule explicitly (Apicurio's ccompat API answers NONE otherwise,
# which @kafkajs/confluent-schema-registry rejects).
apicurio_post_start() {
  curl -fsS --max-time 10 -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
    -d '{"compatibility":"BACKWARD"}' "$(apicurio_url)/config" >/dev/null ||
    die "apicurio: could not set the global compatibility rule"
  curl -fsS --max-time 10 "$(apicurio_url)/config" | grep -c BACKWARD >/dev/null ||
    die "apicurio: global compatibility is not BACKWARD"
}
apicurio_env() { echo "DOCMESH_SCHEMA_REGISTRY_URL=$(apicurio_url)"; }
