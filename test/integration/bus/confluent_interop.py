"""Decode Docmesh records with confluent-kafka's own ProtobufDeserializer (the Confluent peer).

usage: python confluent_interop.py <gen_dir> <brokers> <topic> <count> <registry_url>

Consumes <count> records of <topic> from the beginning and prints one JSON line per record:
{"partition", "offset", "key", "plain": <dict or error>, "registry": <dict or error>}
  plain    -- ProtobufDeserializer(DocumentEvent) without a registry client: Confluent framing
              (magic byte, schema id, message indexes) + the generated Python class
  registry -- ProtobufDeserializer with a SchemaRegistryClient: the writer schema is fetched by id
"""
import json
import sys
import time

gen_dir, brokers, topic, count, registry_url = sys.argv[1:6]
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
consumer.subscribe([topic])
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
        ctx = SerializationContext(msg.topic(), MessageField.VALUE)
        out = {"partition": msg.partition(), "offset": msg.offset(), "key": msg.key().decode()}
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
