// The Helm chart, as CI validates it: `helm template` with the default, small and large values,
// `kubeconform -strict` against the Kubernetes and KEDA schemas (scripts/kubernetes/check.sh, every
// tool and schema from a package registry). The rendered chart has a Deployment, probes, an HPA
// and a PDB per public service, and a KEDA ScaledObject per stage; stages take no ingress.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { SERVICE_ROLES } from "../../../services/runtime.ts";
import { REPO } from "../edge/edge.ts";

const run = promisify(execFile);
const STAGES = ["classifier", "extractor", "indexer"];
const manifests = mkdtempSync(join(tmpdir(), "docmesh-k8s-"));
let output = "";

beforeAll(async () => {
  // The first run installs helm and kubeconform (go install) and the schemas into the cache.
  const { stdout, stderr } = await run("bash", ["scripts/kubernetes/check.sh"], {
    cwd: REPO,
    env: { ...process.env, DOCMESH_K8S_MANIFESTS: manifests },
    timeout: 1_500_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  output = stdout + stderr;
}, 1_600_000);

/** The rendered documents of one values file, as "kind name" lines plus their text. */
function documents(values: string): { kind: string; name: string; text: string }[] {
  return readFileSync(join(manifests, `manifests-${values}`), "utf8")
    .split(/^---$/m)
    .map((text) => ({
      kind: /^kind: (\S+)/m.exec(text)?.[1] ?? "",
      name: /^ {2}name: (\S+)/m.exec(text)?.[1] ?? "",
      text,
    }))
    .filter((d) => d.kind);
}

describe("deploy/kubernetes/docmesh", () => {
  it("renders valid manifests for every values file", () => {
    const summaries = output.match(/Summary: .*/g) ?? [];
    expect(summaries, output).toHaveLength(3);
    for (const summary of summaries) {
      expect(summary).toMatch(/Valid: \d{2,}, Invalid: 0, Errors: 0, Skipped: 0/);
    }
  });

  it("gives every public service its Deployment with gRPC probes, an HPA, a PDB and a policy", () => {
    for (const values of ["values.yaml", "values-small.yaml", "values-large.yaml"]) {
      const docs = documents(values);
      for (const role of SERVICE_ROLES) {
        const named = docs.filter((d) => d.name === `docmesh-${role}`).map((d) => d.kind);
        expect(named.sort(), `${values}: ${role}`).toEqual(
          ["Deployment", "HorizontalPodAutoscaler", "NetworkPolicy", "PodDisruptionBudget", "Service"].sort(),
        );
        const deployment = docs.find((d) => d.kind === "Deployment" && d.name === `docmesh-${role}`);
        expect(deployment?.text).toMatch(/readinessProbe:\n\s+grpc:\n\s+port: 8080\n\s+service: docmesh\./);
        expect(deployment?.text).toContain(`--role=${role}`);
      }
    }
  });

  it("scales each stage with KEDA on its consumer group's lag and lets nothing in", () => {
    const docs = documents("values.yaml");
    for (const stage of STAGES) {
      const scaled = docs.find((d) => d.kind === "ScaledObject" && d.name === `docmesh-${stage}`);
      expect(scaled?.text).toContain("type: kafka");
      expect(scaled?.text).toContain(`consumerGroup: "docmesh.${stage}"`);
    }
    const stagesPolicy = docs.find((d) => d.kind === "NetworkPolicy" && d.name === "docmesh-stages");
    expect(stagesPolicy?.text).toMatch(/ingress: \[\]/);
    expect(stagesPolicy?.text).toContain('docmesh.io/stage: "true"');
  });

  it("takes its settings from one ConfigMap and one Secret, as environment variables", () => {
    const docs = documents("values.yaml");
    expect(docs.find((d) => d.kind === "Secret")?.text).toContain("DOCMESH_PAGE_TOKEN_SECRET");
    expect(docs.find((d) => d.kind === "ConfigMap" && d.name === "docmesh-config")?.text).toContain(
      "DOCMESH_KAFKA_BROKERS",
    );
  });

  it("fails manifests that break the Kubernetes or the KEDA schema", async () => {
    const bad = [
      "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: bad}\nspec:\n  scaleTargetRef: {name: x}\n  minReplicaCount: one\n  triggers: [{type: kafka, metadata: {topic: t}}]",
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\nspec:\n  replica: 2\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: i}]}",
    ].join("\n---\n");
    const child = spawn("bash", ["scripts/kubernetes/check.sh", "--stdin"], { cwd: REPO });
    let text = "";
    child.stdout.on("data", (d) => (text += d));
    child.stderr.on("data", (d) => (text += d));
    child.stdin.end(bad);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).not.toBe(0);
    expect(text).toMatch(/minReplicaCount/);
    expect(text).toMatch(/additional properties 'replica' not allowed/);
    expect(text).toMatch(/Invalid: 2/);
  }, 120_000);
});
