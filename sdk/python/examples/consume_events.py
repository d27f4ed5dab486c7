"""A downstream consumer of Docmesh's lifecycle events: reads the event topic from Kafka, decodes each
Confluent-framed record (magic byte, schema id, message indexes, protobuf) with confluent-kafka's
ProtobufDeserializer and the SDK's generated DocumentEvent class, and reacts to the payload.

    pip install './sdk/python[kafka]'
    python examples/consume_events.py <brokers> [--topic docmesh.document-events.v1] [--group my-app]
                                      [--from-beginning] [--max N] [--idle-seconds S]

Prints one JSON line per event. The wire format and headers are described in docs/events.md; this
is what a team that runs Kafka next to its app writes (test/integration/sdk/python-events.test.ts).
"""

import argparse
import json

from confluent_kafka import Consumer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf.json_format import MessageToDict

from docmesh.document.v1 import document_pb2
from docmesh.events.v1.document_event_pb2 import DocumentEvent


def describe(event: DocumentEvent) -> dict:
    """What a downstream app typically wants from an event: which document, what happened, the payload."""
    kind = event.WhichOneof("payload")
    return {
        "event_id": event.event_id,
        "document": f"documents/{event.document_id}",
        "tenant": event.tenant,
        "sequence": event.sequence,
        "status": document_pb2.DocumentStatus.Name(event.status),
        "kind": kind,
        "payload": MessageToDict(getattr(event, kind), preserving_proto_field_name=True) if kind else {},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("brokers")
    parser.add_argument("--topic", default="docmesh.document-events.v1")
    parser.add_argument("--group", default="docmesh-consume-events-example")
    parser.add_argument("--from-beginning", action="store_true", help="a new group starts at the oldest record")
    parser.add_argument("--max", type=int, default=0, help="stop after this many events (0: run until idle)")
    parser.add_argument("--idle-seconds", type=float, default=0, help="stop after this long without a record")
    args = parser.parse_args()

    # No schema registry client is needed to read: the framing carries the schema id, the class the layout.
    deserialize = ProtobufDeserializer(DocumentEvent, {"use.deprecated.format": False})
    consumer = Consumer(
        {
            "bootstrap.servers": args.brokers,
            "group.id": args.group,
            "auto.offset.reset": "earliest" if args.from_beginning else "latest",
        }
    )
    consumer.subscribe([args.topic])
    seen, idle = 0, 0.0
    try:
        while not args.max or seen < args.max:
            record = consumer.poll(1.0)
            if record is None:
                idle += 1.0
                if args.idle_seconds and idle >= args.idle_seconds:
                    break
                continue
            idle = 0.0
            if record.error():
                raise SystemExit(f"kafka: {record.error()}")
            event = deserialize(record.value(), SerializationContext(record.topic(), MessageField.VALUE))
            print(json.dumps(describe(event)), flush=True)
            seen += 1
    finally:
        consumer.close()  # commits the group's offsets: a restart continues after the last event


if __name__ == "__main__":
    main()
