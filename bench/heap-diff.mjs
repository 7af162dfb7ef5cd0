// Compares two V8 heap snapshots (as `npm run bench -- --heap-snapshot`
// writes them) and lists what grew, grouped by node type and constructor
// or function name, with self sizes per stream. Closures are grouped by
// function name and the script that defines them, to separate the
// framework's per-request closures from the app's.
//
// Usage: node --max-old-space-size=8192 bench/heap-diff.mjs \
//          BEFORE.heapsnapshot AFTER.heapsnapshot STREAMS [ROWS]
import { readFileSync } from "node:fs";

const [beforeFile, afterFile, streamsText, rowsText = "40"] =
  process.argv.slice(2);
const streams = Number(streamsText);
if (!beforeFile || !afterFile || !Number.isInteger(streams) || streams <= 0) {
  console.error(
    "Usage: node bench/heap-diff.mjs BEFORE.heapsnapshot AFTER.heapsnapshot " +
      "STREAMS [ROWS]",
  );
  process.exit(1);
}

const stringTypes = new Set(["string", "concatenated string", "sliced string"]);

/** Returns a function that names the script defining a closure node. */
function scriptNamer(snapshot) {
  const meta = snapshot.snapshot.meta;
  const nodeWidth = meta.node_fields.length;
  const edgeWidth = meta.edge_fields.length;
  const edgeCountAt = meta.node_fields.indexOf("edge_count");
  const edgeTypes = meta.edge_types[0];
  const { nodes, edges, strings } = snapshot;
  const firstEdge = new Uint32Array(nodes.length / nodeWidth);
  for (let node = 0, edge = 0; node < firstEdge.length; node++) {
    firstEdge[node] = edge;
    edge += nodes[node * nodeWidth + edgeCountAt] * edgeWidth;
  }
  const target = (offset, edgeName) => {
    const first = firstEdge[offset / nodeWidth];
    const count = nodes[offset + edgeCountAt];
    for (
      let edge = first;
      edge < first + count * edgeWidth;
      edge += edgeWidth
    ) {
      if (edgeTypes[edges[edge]] !== "internal") continue;
      if (strings[edges[edge + 1]] === edgeName) return edges[edge + 2];
    }
    return -1;
  };
  return (offset) => {
    const shared = target(offset, "shared");
    if (shared === -1) return "?";
    const script = target(shared, "script_or_debug_info");
    if (script === -1) return "?";
    const name = strings[nodes[script + 1]].replace(`${process.cwd()}/`, "");
    return name.length > 70 ? `...${name.slice(-67)}` : name;
  };
}

/** Returns Map<"type name", { count, bytes }> of one snapshot's nodes. */
function aggregate(file) {
  const snapshot = JSON.parse(readFileSync(file, "utf8"));
  const fields = snapshot.snapshot.meta.node_fields;
  const typeNames = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const { nodes, strings } = snapshot;
  const scriptOf = scriptNamer(snapshot);
  const groups = new Map();
  for (let offset = 0; offset < nodes.length; offset += width) {
    const type = typeNames[nodes[offset + typeAt]];
    let name = strings[nodes[offset + nameAt]];
    if (stringTypes.has(type)) name = "(all strings)";
    else if (type === "code") name = "(all code)";
    else if (type === "number") name = "(all heap numbers)";
    else if (type === "closure") {
      name = `${name.slice(0, 40) || "(anonymous)"} @ ${scriptOf(offset)}`;
    } else if (name.length > 60) name = `${name.slice(0, 57)}...`;
    const key = `${type}\t${name}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += nodes[offset + sizeAt];
    groups.set(key, group);
  }
  return groups;
}

const before = aggregate(beforeFile);
const after = aggregate(afterFile);
const rows = [];
let totalBytes = 0;
for (const [key, grown] of after) {
  const base = before.get(key) ?? { count: 0, bytes: 0 };
  const bytes = grown.bytes - base.bytes;
  totalBytes += bytes;
  rows.push({ key, count: grown.count - base.count, bytes });
}
for (const [key, base] of before) {
  if (!after.has(key)) {
    totalBytes -= base.bytes;
    rows.push({ key, count: -base.count, bytes: -base.bytes });
  }
}
rows.sort((a, b) => b.bytes - a.bytes);

console.log(
  `Heap growth: ${(totalBytes / 1024 / 1024).toFixed(1)} MiB in total, ` +
    `${(totalBytes / streams).toFixed(0)} bytes per stream for ${streams} streams.`,
);
console.log("\nbytes/stream  objects/stream  type  name");
for (const row of rows.slice(0, Number(rowsText))) {
  const [type, name] = row.key.split("\t");
  console.log(
    `${(row.bytes / streams).toFixed(0).padStart(12)}  ` +
      `${(row.count / streams).toFixed(2).padStart(14)}  ${type}  ${name}`,
  );
}
