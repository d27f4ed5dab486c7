# shellcheck shell=bash
# Apache Kafka 4.x, a single KRaft node (broker + controller), from the Maven Central jars
# (maven/kafka.pom.xml: kafka_2.13 + runtime deps + the log4j SLF4J binding the POM lacks).

KAFKA_HOME="$DOCMESH_CACHE/kafka"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$SERVICES_DIR/maven/kafka.pom.xml")"
KAFKA_DATA="$DATA_DIR/kafka"

kafka_installed() { [[ -f "$KAFKA_HOME/libs/kafka_2.13-$KAFKA_VERSION.jar" ]]; }
kafka_install() {
  rm -rf "$KAFKA_HOME/libs"
  mvn -B -q -f "$SERVICES_DIR/maven/kafka.pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME/libs"
}
kafka_version() { echo "kafka_2.13 $KAFKA_VERSION"; }
kafka_endpoint() { echo "127.0.0.1:$DOCMESH_KAFKA_PORT"; }

kafka_start() {
  require_free_port kafka "$DOCMESH_KAFKA_PORT" "$DOCMESH_KAFKA_CONTROLLER_PORT"
  mkdir -p "$KAFKA_DATA"
  cat >"$KAFKA_HOME/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$DOCMESH_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$DOCMESH_KAFKA_PORT,CONTROLLER://127.0.0.1:$DOCMESH_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$DOCMESH_KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
PROPS
  cat >"$KAFKA_HOME/log4j2.properties" <<'PROPS'
rootLogger.level=INFO
rootLogger.appenderRef.stdout.ref=STDOUT
appender.stdout.type=Console
appender.stdout.name=STDOUT
appender.stdout.layout.type=PatternLayout
appender.stdout.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=kafka
logger.kafka.level=INFO
logger.org.name=org.apache.kafka
logger.org.level=INFO
PROPS
  local java
  java="$(find_java 17)" || die "kafka: needs a Java 17+ runtime"
  local jvm=(-Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$KAFKA_HOME/log4j2.properties" -cp "$KAFKA_HOME/libs/*")
  if [[ ! -f "$KAFKA_DATA/meta.properties" ]]; then
    local cluster_id
    cluster_id="$("$java" "${jvm[@]}" kafka.tools.StorageTool random-uuid 2>>"$(logfile kafka)" | tail -n 1)"
    log "kafka: formatting $KAFKA_DATA (cluster $cluster_id)"
    "$java" "${jvm[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_HOME/server.properties" \
      --ignore-formatted >>"$(logfile kafka)" 2>&1 || die "kafka: storage format failed; log: $(logfile kafka)"
  fi
  spawn kafka "$java" "${jvm[@]}" kafka.Kafka "$KAFKA_HOME/server.properties"
}
# Ready when the broker has registered and answers on its listener.
kafka_ready() {
  log_since_start kafka | grep -c 'Kafka Server started' >/dev/null && port_open "$DOCMESH_KAFKA_PORT"
}
kafka_reset() { :; }
kafka_env() { echo "DOCMESH_KAFKA_BROKERS=$(kafka_endpoint)"; }
