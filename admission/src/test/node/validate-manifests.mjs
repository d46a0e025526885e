// Validates Kubernetes objects against the JSON schemas generated from the Kubernetes OpenAPI
// specification, as the npm package kubernetes-models ships them (one validator per kind).
// Input on stdin: a JSON array of {"file": name, "object": {...}}. Prints one line per object,
// "ok FILE KIND NAME" or "invalid FILE KIND NAME: errors", and exits 1 if any object is invalid
// or of a kind no validator exists for.
import { readFileSync } from "node:fs";

const docs = JSON.parse(readFileSync(0, "utf8"));
let failed = 0;
for (const { file, object } of docs) {
  const apiVersion = object.apiVersion || "";
  const kind = object.kind || "";
  const name = (object.metadata && object.metadata.name) || "";
  const group = apiVersion.includes("/") ? apiVersion : `v1`;
  const module = apiVersion.includes("/") ? `kubernetes-models/${group}/${kind}` : `kubernetes-models/v1/${kind}`;
  let Model;
  try {
    Model = (await import(module))[kind];
  } catch (e) {
    console.log(`invalid ${file} ${kind} ${name}: no schema for ${apiVersion} ${kind} (${e.message})`);
    failed++;
    continue;
  }
  try {
    new Model(object).validate();
    console.log(`ok ${file} ${kind} ${name}`);
  } catch (e) {
    console.log(`invalid ${file} ${kind} ${name}: ${e.message}`);
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
