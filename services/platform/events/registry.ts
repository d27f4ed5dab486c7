// A minimal Confluent Schema Registry client (plain fetch; works against Confluent and Apicurio's
// /apis/ccompat/v7). Only what the event codec needs: compatibility per subject, registration with
// references, and schema lookup by id. Failures to reach the registry are retriable (`unavailable`);
// an unknown schema id is not.
import { DocmeshError, unavailable } from "../errors.ts";

export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

export interface RegisteredSchema {
  schema: string;
  schemaType: string;
  references: SchemaReference[];
}

export type Compatibility = "BACKWARD" | "BACKWARD_TRANSITIVE" | "FORWARD" | "FULL" | "NONE";

const CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

export class SchemaRegistryError extends DocmeshError {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: number | undefined,
    retriable: boolean,
  ) {
    super(status === 404 ? "not_found" : retriable ? "unavailable" : "invalid", message, retriable);
  }
}

export class SchemaRegistryClient {
  private readonly base: string;
  private readonly byId = new Map<number, Promise<RegisteredSchema>>();

  constructor(
    baseUrl: string,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    this.base = baseUrl.replace(/\/+$/, "");
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.base}${path}`, {
        method,
        headers: { accept: CONTENT_TYPE, ...(body === undefined ? {} : { "content-type": CONTENT_TYPE }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw unavailable(`schema registry ${this.base} unreachable (${method} ${path})`, error);
    }
    const text = await response.text();
    if (!response.ok) {
      let code: number | undefined;
      let message = text;
      try {
        const parsed = JSON.parse(text) as { error_code?: number; message?: string };
        code = parsed.error_code;
        message = parsed.message ?? text;
      } catch {}
      throw new SchemaRegistryError(
        `schema registry ${method} ${path}: HTTP ${response.status}: ${message}`,
        response.status,
        code,
        response.status >= 500 || response.status === 429,
      );
    }
    return JSON.parse(text) as T;
  }

  async setCompatibility(subject: string, compatibility: Compatibility): Promise<void> {
    const put = () => this.call("PUT", `/config/${encodeURIComponent(subject)}`, { compatibility });
    try {
      await put();
    } catch (error) {
      // Apicurio answers 409 when another process created the subject's rule at the same moment
      // (several processes starting together); the rule exists now, so setting it is an update.
      if (!(error instanceof SchemaRegistryError && error.status === 409)) throw error;
      await put();
    }
  }

  async getCompatibility(subject: string): Promise<string> {
    const r = await this.call<{ compatibilityLevel?: string; compatibility?: string }>(
      "GET",
      `/config/${encodeURIComponent(subject)}`,
    );
    return r.compatibilityLevel ?? r.compatibility ?? "";
  }

  /** Registers (or finds) the schema under the subject; returns its global id and the subject version. */
  async register(
    subject: string,
    schema: string,
    references: SchemaReference[] = [],
  ): Promise<{ id: number; version: number }> {
    const body = { schemaType: "PROTOBUF", schema, references };
    const { id } = await this.call<{ id: number }>(
      "POST",
      `/subjects/${encodeURIComponent(subject)}/versions`,
      body,
    );
    const found = await this.call<{ id: number; version: number }>(
      "POST",
      `/subjects/${encodeURIComponent(subject)}`,
      body,
    );
    return { id, version: found.version };
  }

  schemaById(id: number): Promise<RegisteredSchema> {
    let cached = this.byId.get(id);
    if (!cached) {
      cached = this.call<Partial<RegisteredSchema>>("GET", `/schemas/ids/${id}`).then((r) => ({
        schema: r.schema ?? "",
        schemaType: r.schemaType ?? "AVRO",
        references: r.references ?? [],
      }));
      this.byId.set(id, cached);
      // Do not cache failures: a registry outage must not poison the cache.
      cached.catch(() => this.byId.delete(id));
    }
    return cached;
  }
}
