// The DocumentEvent codec: Confluent Protobuf wire format around the protobuf-es binary.
//
//   ConfluentEventCodec  cluster mode: the schema is registered in the schema registry on startup
//                        (subject `<topic>-value`, TopicNameStrategy, compatibility BACKWARD, the .proto
//                        imports registered as references under their import paths); values carry the
//                        registry's schema id; decoding looks the id up and accepts only a
//                        docmesh.events.v1.DocumentEvent schema.
//   PlainEventCodec      embedded mode: the same framing with the fixed schema id 0 (LOCAL_SCHEMA_ID;
//                        registries hand out ids from 1, so 0 never collides with a registered one).
//
// A value that cannot be decoded (bad framing, unknown schema id, another message type, bad protobuf)
// is a non-retriable DocmeshError, so the consumer dead-letters it instead of looping.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { type DocumentEvent, DocumentEventSchema } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import { DocmeshError } from "../errors.ts";
import { type SchemaReference, SchemaRegistryClient } from "./registry.ts";
import { DOCUMENT_EVENTS_TOPIC, valueSubject } from "./topics.ts";
import { frame, unframe } from "./wire.ts";

export interface EventCodec {
  encode(event: DocumentEvent): Promise<Uint8Array>;
  decode(bytes: Uint8Array): Promise<DocumentEvent>;
}

export const LOCAL_SCHEMA_ID = 0;
/** DocumentEvent is the first message of document_event.proto. */
export const DOCUMENT_EVENT_MESSAGE_INDEXES = [0] as const;
const FULL_NAME = "docmesh.events.v1.DocumentEvent";

function parsePayload(payload: Uint8Array): DocumentEvent {
  try {
    return fromBinary(DocumentEventSchema, payload);
  } catch (error) {
    throw new DocmeshError("invalid", `undecodable ${FULL_NAME}: ${(error as Error).message}`, false, {
      cause: error,
    });
  }
}

function checkIndexes(indexes: number[]): void {
  if (indexes.length !== 1 || indexes[0] !== 0) {
    throw new DocmeshError("invalid", `message indexes [${indexes}] do not name ${FULL_NAME}`, false);
  }
}

export class PlainEventCodec implements EventCodec {
  async encode(event: DocumentEvent): Promise<Uint8Array> {
    return frame(LOCAL_SCHEMA_ID, DOCUMENT_EVENT_MESSAGE_INDEXES, toBinary(DocumentEventSchema, event));
  }
  async decode(bytes: Uint8Array): Promise<DocumentEvent> {
    const { schemaId, messageIndexes, payload } = unframe(bytes);
    if (schemaId !== LOCAL_SCHEMA_ID) {
      throw new DocmeshError("invalid", `schema id ${schemaId} is unknown to the embedded codec`, false);
    }
    checkIndexes(messageIndexes);
    return parsePayload(payload);
  }
}

/** Imports the registry resolves itself (Confluent and Apicurio both ship google/protobuf/*). */
const isWellKnown = (path: string) => path.startsWith("google/protobuf/");

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_PROTO_ROOTS = [join(here, "../../../proto"), join(here, "../../../third_party/proto")];

async function readProto(roots: string[], path: string): Promise<string> {
  for (const root of roots) {
    const text = await readFile(join(root, path), "utf8").catch(() => undefined);
    if (text !== undefined) return text;
  }
  throw new DocmeshError("not_found", `${path} not found under ${roots.join(", ")}`, false);
}

const importsOf = (text: string): string[] =>
  [...text.matchAll(/^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/gm)].map((m) => m[1] ?? "");

export interface ConfluentCodecOptions {
  /** Schema registry base URL (DOCMESH_SCHEMA_REGISTRY_URL; Apicurio: .../apis/ccompat/v7). */
  registryUrl: string;
  topic?: string;
  /** Where the .proto sources live. Default: proto/ and third_party/proto/ of this repository. */
  protoRoots?: string[];
  fetch?: typeof fetch;
}

export class ConfluentEventCodec implements EventCodec {
  private constructor(
    readonly registry: SchemaRegistryClient,
    /** The id our encoder writes. */
    readonly schemaId: number,
    readonly subject: string,
  ) {}

  /**
   * Registers document_event.proto (and, first, its non-well-known imports as referenced subjects),
   * sets compatibility BACKWARD on each subject, and returns a codec writing the resulting schema id.
   */
  static async create(options: ConfluentCodecOptions): Promise<ConfluentEventCodec> {
    const registry = new SchemaRegistryClient(options.registryUrl, options.fetch);
    const roots = options.protoRoots ?? DEFAULT_PROTO_ROOTS;
    const subject = valueSubject(options.topic ?? DOCUMENT_EVENTS_TOPIC);
    const versions = new Map<string, number>();
    const registerFile = async (
      path: string,
      subjectName: string,
    ): Promise<{ id: number; version: number }> => {
      const text = await readProto(roots, path);
      const references: SchemaReference[] = [];
      for (const dep of importsOf(text)) {
        if (isWellKnown(dep)) continue;
        let version = versions.get(dep);
        if (version === undefined) {
          version = (await registerFile(dep, dep)).version;
          versions.set(dep, version);
        }
        references.push({ name: dep, subject: dep, version });
      }
      await registry.setCompatibility(subjectName, "BACKWARD");
      return registry.register(subjectName, text, references);
    };
    const { id } = await registerFile("docmesh/events/v1/document_event.proto", subject);
    return new ConfluentEventCodec(registry, id, subject);
  }

  async encode(event: DocumentEvent): Promise<Uint8Array> {
    return frame(this.schemaId, DOCUMENT_EVENT_MESSAGE_INDEXES, toBinary(DocumentEventSchema, event));
  }

  async decode(bytes: Uint8Array): Promise<DocumentEvent> {
    const { schemaId, messageIndexes, payload } = unframe(bytes);
    if (schemaId !== this.schemaId) {
      let schema: Awaited<ReturnType<SchemaRegistryClient["schemaById"]>>;
      try {
        schema = await this.registry.schemaById(schemaId);
      } catch (error) {
        if (error instanceof DocmeshError && error.retriable) throw error; // registry down: retry in place
        throw new DocmeshError(
          "invalid",
          `unknown schema id ${schemaId}: ${(error as Error).message}`,
          false,
          {
            cause: error,
          },
        );
      }
      if (schema.schemaType !== "PROTOBUF" || !describesDocumentEvent(schema.schema)) {
        throw new DocmeshError(
          "invalid",
          `schema id ${schemaId} (${schema.schemaType}) is not a ${FULL_NAME} schema`,
          false,
        );
      }
    }
    checkIndexes(messageIndexes);
    return parsePayload(payload);
  }
}

/** The schema text declares package docmesh.events.v1 and DocumentEvent as its first message. */
export function describesDocumentEvent(schema: string): boolean {
  const pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(schema)?.[1];
  const first = /^\s*message\s+(\w+)/m.exec(schema)?.[1];
  return pkg === "docmesh.events.v1" && first === "DocumentEvent";
}
