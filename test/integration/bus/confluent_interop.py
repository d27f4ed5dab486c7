"""Decode Docmesh records with confluent-kafka's own ProtobufDeserializer (the Confluent peer).

usage: python confluent_interop.py <gen_dir> <brokers> <topic> <count> <registry_url> [<since_ms> <keys>]

Consumes <count> records of <topic> and prints one JSON line per record:
{"partition", "offset", "key", "headers": {name: value}, "plain": <dict or error>, "registry": <dict or error>}
  plain    -- ProtobufDeserializer(DocumentEvent) without a registry client: Confluent framing
              (magic byte, schema id, message indexes) + the generated Python class
  registry -- ProtobufDeserializer with a SchemaRegistryClient: the writer schema is fetched by id
By default from the beginning of the topic. With <since_ms> (epoch milliseconds) it starts at the first
record written at or after that time (offsets_for_times), and with <keys> (comma-separated) it reports
only records with those keys: how to read one document's events from a shared, long-lived topic.
"""
import json
import sys
import time

gen_dir, brokers, topic, count, registry_url = sys.argv[1:6]
since_ms = int(sys.argv[6]) if len(sys.argv) > 6 else None
keys = set(sys.argv[7].split(",")) if len(sys.argv) > 7 else None
sys.path.insert(0, gen_dir)

from confluent_kafka import Consumer  # noqa: E402
from confluent_kafka.schema_registry import SchemaRegistryClient  # noqa: E402
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer  # noqa: E402
from confluent_kafka.serialization import MessageField, SerializationContext  # noqa: E402
from google.protobuf.json_format import MessageToDict  # noqa: E402

from docmesh.events.v1 import document_event_pb2  # noqa: E402

plain = ProtobufDeserializer(document_event_pb2.DocumentEvent, {})
try:
    with_registry = ProtobufDeserializer(
        document_event_pb2.DocumentEvent, {}, SchemaRegistryClient({"url": registry_url})
    )
except Exception as e:  # pragma: no cover - reported to the test
    with_registry = e

consumer = Consumer(
    {
        "bootstrap.servers": brokers,
        "group.id": f"python-interop-{time.time_ns()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    }
)


def start_at_time(c, partitions):
    """Position every assigned partition at the first record at or after since_ms."""
    if since_ms is not None:
        for p in partitions:
            p.offset = since_ms
        partitions = c.offsets_for_times(partitions, timeout=10)
    c.assign(partitions)


consumer.subscribe([topic], on_assign=start_at_time)
want = int(count)
seen = 0
deadline = time.time() + 60
try:
    while seen < want and time.time() < deadline:
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            print(json.dumps({"error": str(msg.error())}), flush=True)
            continue
        key = msg.key().decode()
        if keys is not None and key not in keys:
            continue
        ctx = SerializationContext(msg.topic(), MessageField.VALUE)
        headers = {name: value.decode() for name, value in (msg.headers() or [])}
        out = {"partition": msg.partition(), "offset": msg.offset(), "key": key, "headers": headers}
        for name, deser in (("plain", plain), ("registry", with_registry)):
            try:
                if isinstance(deser, Exception):
                    raise deser
                out[name] = MessageToDict(deser(msg.value(), ctx), preserving_proto_field_name=True)
            except Exception as e:
                out[name] = {"__error__": f"{type(e).__name__}: {e}"}
        print(json.dumps(out), flush=True)
        seen += 1
finally:
    consumer.close()
