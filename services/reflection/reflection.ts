// gRPC server reflection (grpc.reflection.v1 and v1alpha), answered from the descriptors the
// services were generated from, so grpcurl, Postman and Kreya list and call without proto files.
import {
  create,
  createRegistry,
  type DescFile,
  type DescService,
  type MessageInitShape,
  type Registry,
  toBinary,
} from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter } from "@connectrpc/connect";
import { Code } from "@connectrpc/connect";
import * as v1 from "../../gen/grpc/reflection/v1/reflection_pb.ts";
import * as v1alpha from "../../gen/grpc/reflection/v1alpha/reflection_pb.ts";

/** The two versions share one wire format; their generated types differ only in name. */
type Request = v1.ServerReflectionRequest;
type Answer = MessageInitShape<typeof v1.ServerReflectionResponseSchema>["messageResponse"];

/** What reflection answers for: `services` (listed) and every file they need. */
export class ReflectionIndex {
  private readonly registry: Registry;
  private readonly names: string[];
  /** Every file the services need, by name. */
  private readonly byName = new Map<string, DescFile>();

  constructor(services: readonly DescService[]) {
    this.names = services.map((s) => s.typeName);
    const add = (file: DescFile) => {
      if (this.byName.has(file.proto.name)) return;
      this.byName.set(file.proto.name, file);
      for (const dependency of file.dependencies) add(dependency);
    };
    for (const service of services) add(service.file);
    this.registry = createRegistry(...this.byName.values());
  }

  answer(request: Request): Answer {
    const ask = request.messageRequest;
    switch (ask.case) {
      case "listServices":
        return { case: "listServicesResponse", value: { service: this.names.map((name) => ({ name })) } };
      case "fileByFilename":
        return this.files(this.byName.get(ask.value), `file ${ask.value}`);
      case "fileContainingSymbol":
        return this.files(this.fileOf(ask.value), `symbol ${ask.value}`);
      case "fileContainingExtension": {
        const { containingType, extensionNumber } = ask.value;
        const message = this.registry.getMessage(containingType);
        const ext = message && this.registry.getExtensionFor(message, extensionNumber);
        return this.files(ext?.file, `extension ${extensionNumber} of ${containingType}`);
      }
      case "allExtensionNumbersOfType": {
        const message = this.registry.getMessage(ask.value);
        if (!message) return notFound(`type ${ask.value}`);
        const numbers: number[] = [];
        for (const desc of this.registry) {
          if (desc.kind === "extension" && desc.extendee.typeName === ask.value) numbers.push(desc.number);
        }
        return {
          case: "allExtensionNumbersResponse",
          value: { baseTypeName: ask.value, extensionNumber: numbers },
        };
      }
      default:
        return {
          case: "errorResponse",
          value: { errorCode: Code.InvalidArgument, errorMessage: "no reflection request" },
        };
    }
  }

  /** A symbol's file: types, services, extensions, and methods (`pkg.Service.Method`). */
  private fileOf(symbol: string): DescFile | undefined {
    const desc = this.registry.get(symbol);
    if (desc) return desc.file;
    const dot = symbol.lastIndexOf(".");
    const parent = this.registry.getService(symbol.slice(0, dot));
    return parent?.methods.some((m) => m.name === symbol.slice(dot + 1)) ? parent.file : undefined;
  }

  /** The file, then every file it imports, transitively: what a client needs to build it. */
  private files(file: DescFile | undefined, what: string): Answer {
    if (!file) return notFound(what);
    const ordered: DescFile[] = [];
    const visit = (f: DescFile) => {
      if (ordered.includes(f)) return;
      ordered.push(f);
      for (const dependency of f.dependencies) visit(dependency);
    };
    visit(file);
    return {
      case: "fileDescriptorResponse",
      value: { fileDescriptorProto: ordered.map((f) => toBinary(FileDescriptorProtoSchema, f.proto)) },
    };
  }
}

function notFound(what: string): Answer {
  return { case: "errorResponse", value: { errorCode: Code.NotFound, errorMessage: `${what} not found` } };
}

/** Serves both reflection versions for `services` (the reflection services list themselves too). */
export function reflectionRoutes(services: readonly DescService[]): (router: ConnectRouter) => void {
  const index = new ReflectionIndex([...services, v1.ServerReflection, v1alpha.ServerReflection]);
  return (router) => {
    router.service(v1.ServerReflection, {
      async *serverReflectionInfo(requests) {
        for await (const request of requests) {
          yield create(v1.ServerReflectionResponseSchema, {
            validHost: request.host,
            originalRequest: request,
            messageResponse: index.answer(request),
          });
        }
      },
    });
    router.service(v1alpha.ServerReflection, {
      async *serverReflectionInfo(requests) {
        for await (const request of requests) {
          // Same wire format: re-read the alpha request as v1, answer, and write the answer as alpha.
          const asV1 = create(v1.ServerReflectionRequestSchema, {
            host: request.host,
            messageRequest: request.messageRequest as Request["messageRequest"],
          });
          yield create(v1alpha.ServerReflectionResponseSchema, {
            validHost: request.host,
            originalRequest: request,
            messageResponse: index.answer(asV1) as v1alpha.ServerReflectionResponse["messageResponse"],
          });
        }
      },
    });
  };
}
