// Summarizes a V8 .cpuprofile (from `npm run bench -- --cpu-profile`): self
// time by category of work, and the functions and the scripts with the most
// self time.
//
//   node bench/profile-top.mjs FILE [--top N]

import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "25" } },
});
if (positionals.length !== 1) {
  console.error("usage: node bench/profile-top.mjs FILE [--top N]");
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(positionals[0], "utf8"));

// Each sample names the node that was on top of the stack; the time until
// the next sample is that node's self time.
const selfMicros = new Map();
const { samples, timeDeltas } = profile;
for (let i = 0; i < samples.length; i++) {
  const delta = timeDeltas[i + 1] ?? 0;
  selfMicros.set(samples[i], (selfMicros.get(samples[i]) ?? 0) + delta);
}
const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);

/** Shortens a script URL to the part after node_modules or the repository. */
function scriptName(url) {
  if (!url) return "(native or V8)";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) return url.slice(modules + "node_modules/".length);
  return path.relative(process.cwd(), url.replace(/^file:\/\//, ""));
}

// Categories go by the frames on a sample's stack, first match wins, so
// that time spent inside Prisma for a stream open counts as database time.
const parents = new Map();
const nodesById = new Map();
for (const node of profile.nodes) {
  nodesById.set(node.id, node);
  for (const child of node.children ?? []) parents.set(child, node.id);
}
const categories = [
  ["idle", (leaf) => leaf === "(idle)"],
  ["garbage collection", (leaf) => leaf === "(garbage collector)"],
  [
    "database (Prisma, its query compiler, better-sqlite3)",
    (_, stack) =>
      /@prisma|wasm|better-sqlite3|query_compiler|^Statement |^all /m.test(
        stack,
      ),
  ],
  [
    "app: encoding and dispatching events",
    (_, stack) =>
      /^(dispatch\w*|send\w*|endBatch|encodeOnce|formatEvent) /m.test(stack),
  ],
  [
    "writing: web streams, HTTP responses, sockets",
    (_, stack) =>
      /webstreams|_http_outgoing|writev|stream_base_commons|streams\/writable/.test(
        stack,
      ),
  ],
  ["other", () => true],
];
const byCategory = new Map();
for (const [id, micros] of selfMicros) {
  const frames = [];
  for (let at = id; at !== undefined; at = parents.get(at)) {
    const frame = nodesById.get(at).callFrame;
    frames.push(`${frame.functionName} ${frame.url}`);
  }
  const leaf = nodesById.get(id).callFrame.functionName;
  const stack = frames.join("\n");
  const [name] = categories.find(([, test]) => test(leaf, stack));
  byCategory.set(name, (byCategory.get(name) ?? 0) + micros);
}

const byFunction = new Map();
const byScript = new Map();
for (const node of profile.nodes) {
  const micros = selfMicros.get(node.id) ?? 0;
  if (micros === 0) continue;
  const frame = node.callFrame;
  const script = scriptName(frame.url);
  const name = `${frame.functionName || "(anonymous)"}  ${script}:${frame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  byScript.set(script, (byScript.get(script) ?? 0) + micros);
}

function print(title, entries) {
  console.log(`\n${title}`);
  const rows = [...entries].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [name, micros] of rows) {
    const ms = (micros / 1000).toFixed(1).padStart(9);
    const share = ((100 * micros) / total).toFixed(1).padStart(5);
    console.log(`${ms} ms ${share}%  ${name}`);
  }
}

console.log(`${(total / 1000).toFixed(0)} ms sampled`);
print("self time by category", byCategory);
print("self time by function", byFunction);
print("self time by script", byScript);
