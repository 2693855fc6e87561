// Writes the licence notices of every package bundled into editor.js next to the bundle.
import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const parts = ["Licence notices for web/static/editor/editor.js (built by `make editor`).\n"];
for (const [path, info] of Object.entries(lock.packages).sort()) {
  if (!path || path.includes("esbuild")) { continue; } // esbuild builds, it is not bundled
  const dir = path;
  const file = existsSync(dir) ? readdirSync(dir).find((f) => /^licen[cs]e/i.test(f)) : null;
  const text = file ? readFileSync(join(dir, file), "utf8").trim() : `Licence: ${info.license}`;
  parts.push(`${"=".repeat(72)}\n${path.replace("node_modules/", "")} ${info.version} (${info.license})\n\n${text}\n`);
}
writeFileSync("../static/editor/LICENSES.txt", parts.join("\n"));
