import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { DocumentEventSchema } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import { DocmeshError, isRetriable } from "../../../services/platform/errors.ts";
import {
  describesDocumentEvent,
  LOCAL_SCHEMA_ID,
  PlainEventCodec,
} from "../../../services/platform/events/codec.ts";
import { decodingHandler, eventRecord } from "../../../services/platform/events/records.ts";
import { SchemaRegistryClient } from "../../../services/platform/events/registry.ts";
import { encodeMessageIndexes, frame, unframe } from "../../../services/platform/events/wire.ts";

const event = create(DocumentEventSchema, {
  eventId: "e-1",
  documentId: "d-1",
  tenant: "acme",
  correlationId: "c-1",
  sequence: 7n,
  status: DocumentStatus.UPLOADED,
  payload: { case: "deleted", value: { actor: "alice" } },
});

describe("Confluent wire format", () => {
  it("writes magic 0, a big-endian int32 schema id, [0] as the single byte 0, then the message", () => {
    const bytes = frame(0x01020304, [0], Uint8Array.of(0xaa, 0xbb));
    expect([...bytes]).toEqual([0, 1, 2, 3, 4, 0, 0xaa, 0xbb]);
  });

  it("writes other message-index arrays as zigzag varints with a zigzag count", () => {
    // [1] → count 1 (zigzag 2), index 1 (zigzag 2); [0, 2] → 4, 0, 4; [64] → 2, then 128 = 0x80 0x01
    expect([...encodeMessageIndexes([1])]).toEqual([2, 2]);
    expect([...encodeMessageIndexes([0, 2])]).toEqual([4, 0, 4]);
    expect([...encodeMessageIndexes([64])]).toEqual([2, 0x80, 0x01]);
    for (const indexes of [[0], [1], [0, 2], [64], [3, 1, 4, 1, 5]]) {
      expect(unframe(frame(9, indexes, Uint8Array.of(1))).messageIndexes).toEqual(indexes);
    }
  });

  it("rejects bad framing as a non-retriable error", () => {
    for (const bad of [
      Uint8Array.of(),
      Uint8Array.of(1, 0, 0, 0, 1, 0),
      Uint8Array.of(0, 0, 0, 0, 1, 0x80),
    ]) {
      let error: unknown;
      try {
        unframe(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DocmeshError);
      expect(isRetriable(error)).toBe(false);
    }
  });
});

describe("PlainEventCodec", () => {
  const codec = new PlainEventCodec();
  it("round-trips a DocumentEvent with the local schema id", async () => {
    const bytes = await codec.encode(event);
    expect(unframe(bytes).schemaId).toBe(LOCAL_SCHEMA_ID);
    const back = await codec.decode(bytes);
    expect(back.eventId).toBe("e-1");
    expect(back.sequence).toBe(7n);
    expect(back.payload).toEqual({ case: "deleted", value: expect.objectContaining({ actor: "alice" }) });
  });

  it("refuses a foreign schema id, other message indexes and broken protobuf, non-retriably", async () => {
    const payload = (await codec.encode(event)).subarray(6);
    for (const bytes of [
      frame(42, [0], payload),
      frame(0, [1], payload),
      frame(0, [0], Uint8Array.of(0x0a, 0xff)),
    ]) {
      await expect(codec.decode(bytes)).rejects.toSatisfy(
        (e) => e instanceof DocmeshError && !isRetriable(e),
      );
    }
  });

  it("builds records keyed by document id with event headers, and decodes in handlers", async () => {
    const record = await eventRecord(codec, event);
    expect(record.key).toBe("d-1");
    expect(record.headers).toEqual({
      "event-id": "e-1",
      "event-type": "deleted",
      "correlation-id": "c-1",
      tenant: "acme",
    });
    const seen: string[] = [];
    const handler = decodingHandler(codec, async (e) => void seen.push(e.eventId));
    const ctx = { attempt: 1, signal: new AbortController().signal, heartbeat: async () => {} };
    const busRecord = {
      topic: "t",
      partition: 0,
      offset: "0",
      key: "d-1",
      value: record.value,
      headers: {},
      timestamp: 0,
    };
    await handler(busRecord, ctx);
    expect(seen).toEqual(["e-1"]);
  });
});

describe("schema registry client", () => {
  const respond = (status: number, body: unknown) =>
    (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;

  it("an unknown id is not retriable, an unreachable or failing registry is", async () => {
    const notFound = new SchemaRegistryClient(
      "http://r",
      respond(404, { error_code: 40403, message: "Schema not found" }),
    );
    await expect(notFound.schemaById(5)).rejects.toSatisfy((e) => !isRetriable(e));
    const failing = new SchemaRegistryClient("http://r", respond(503, { message: "down" }));
    await expect(failing.schemaById(5)).rejects.toSatisfy((e) => isRetriable(e));
    const unreachable = new SchemaRegistryClient("http://r", (async () => {
      throw new TypeError("fetch failed");
    }) as unknown as typeof fetch);
    await expect(unreachable.schemaById(5)).rejects.toSatisfy((e) => isRetriable(e));
  });

  it("recognises the DocumentEvent schema text", () => {
    expect(
      describesDocumentEvent('syntax = "proto3";\npackage docmesh.events.v1;\nmessage DocumentEvent {}'),
    ).toBe(true);
    expect(describesDocumentEvent('syntax = "proto3";\npackage other.v1;\nmessage DocumentEvent {}')).toBe(
      false,
    );
  });
});
