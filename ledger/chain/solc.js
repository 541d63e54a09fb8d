#!/usr/bin/env node
// A solc command line for py-solc-x, backed by the npm `solc` package (the official compiler built to
// WebAssembly). It answers the two calls py-solc-x makes:
//   --version        -> the same banner as the native binary, so the version check works;
//   --standard-json  -> compiles the Standard JSON read from stdin and writes the output JSON to stdout.
// Imports that are not in the input (for example "@openzeppelin/contracts/...") are read from the project
// directory (the working directory) or its node_modules.
"use strict";

const fs = require("fs");
const path = require("path");

const searchPaths = [process.cwd(), __dirname];
const solc = require(require.resolve("solc", { paths: searchPaths }));

function findImports(importPath) {
  const candidates = [path.resolve(process.cwd(), importPath)];
  try {
    candidates.push(require.resolve(importPath, { paths: searchPaths }));
  } catch (error) {
    // Not a package path; the project-relative candidate is the only one.
  }
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) {
      return { contents: fs.readFileSync(candidate, "utf8") };
    }
  }
  return { error: `File not found: ${importPath}` };
}

function main(argv) {
  if (argv.includes("--version")) {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
    return 0;
  }
  if (argv.includes("--standard-json")) {
    const input = fs.readFileSync(0, "utf8");
    process.stdout.write(solc.compile(input, { import: findImports }));
    return 0;
  }
  process.stderr.write("usage: solc.js --version | --standard-json < input.json\n");
  return 2;
}

process.exitCode = main(process.argv.slice(2));
