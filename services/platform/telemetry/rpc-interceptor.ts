// Server side of every RPC: a SERVER span that continues the caller's W3C trace context (from the
// traceparent header, which Envoy passes through), and the RPC rate, latency and error metrics by
// method and code. Runs first, so rejected calls (authentication, rate limits, validation) count too.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { instruments } from "./instruments.ts";

const headerGetter = {
  keys: (carrier: Headers) => [...carrier.keys()],
  get: (carrier: Headers, key: string) => carrier.get(key) ?? undefined,
};

export function telemetryInterceptor(): Interceptor {
  const tracer = trace.getTracer("docmesh.rpc");
  return (next) => async (req) => {
    const method = `${req.service.typeName}/${req.method.name}`;
    const parent = propagation.extract(context.active(), req.header, headerGetter);
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          "rpc.system": "connect_rpc",
          "rpc.service": req.service.typeName,
          "rpc.method": req.method.name,
        },
      },
      parent,
    );
    const started = performance.now();
    const finish = (error?: unknown) => {
      const code = error === undefined ? "ok" : codeToString(ConnectError.from(error).code);
      span.setAttribute("rpc.connect_rpc.error_code", code);
      if (error !== undefined) {
        // Client mistakes are the caller's; only server-side codes mark the span as failed.
        if (isServerFault(ConnectError.from(error).code)) span.setStatus({ code: SpanStatusCode.ERROR });
        span.recordException(error as Error);
      }
      span.end();
      const labels = { method, code };
      instruments().rpcRequests.add(1, labels);
      instruments().rpcSeconds.record((performance.now() - started) / 1000, labels);
    };
    try {
      const res = await context.with(trace.setSpan(parent, span), () => next(req));
      if (!res.stream) {
        finish();
        return res;
      }
      // A server stream ends when its messages do, fail, or the client goes away.
      const messages = res.message;
      return {
        ...res,
        message: (async function* () {
          let failure: unknown;
          try {
            yield* messages;
          } catch (error) {
            failure = error;
            throw error;
          } finally {
            finish(failure);
          }
        })(),
      };
    } catch (error) {
      finish(error);
      throw error;
    }
  };
}

function isServerFault(code: Code): boolean {
  return (
    code === Code.Internal ||
    code === Code.Unknown ||
    code === Code.Unavailable ||
    code === Code.DataLoss ||
    code === Code.DeadlineExceeded ||
    code === Code.Unimplemented
  );
}
