#!/usr/bin/env node
// The docmesh CLI. Node 20 cannot run TypeScript itself, so tsx's loader is registered first.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
