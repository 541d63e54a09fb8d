#!/usr/bin/env node
// Checks that every upgradeable contract of a Hardhat build is upgrade safe, and that every contract annotated
// `@custom:oz-upgrades-from X` keeps X's storage layout, with OpenZeppelin's upgrades-core (its `validate` command).
//
// Usage: node ledger/chain/upgrade-safety.js BUILD_INFO_DIR [options of `upgrades-core validate`]
//
// The suite keeps its state in ERC-7201 namespaces. The command reads the layout of a namespace only from a second
// compilation in which upgrades-core's `makeNamespacedInput` turns each namespaced struct into a state variable (what
// OpenZeppelin's Hardhat and Foundry plugins do before calling it); without it a reordered namespace goes unseen. This
// script adds that compilation, with the same npm solc as every other build path, then runs the command.
"use strict";

const path = require("path");

const searchPaths = [process.cwd(), __dirname];
const load = (name) => require(require.resolve(name, { paths: searchPaths }));
const solc = load("solc");
const core = load("@openzeppelin/upgrades-core");
const run = load("@openzeppelin/upgrades-core/dist/validate/run.js");
const { main } = load("@openzeppelin/upgrades-core/dist/cli/validate.js");

const plainValidate = run.validate;
run.validate = (output, decodeSrc, solcVersion, input, namespacedOutput) => {
  if (namespacedOutput === undefined && input !== undefined) {
    const namespacedInput = core.makeNamespacedInput(input, output, solcVersion);
    namespacedOutput = JSON.parse(solc.compile(JSON.stringify(namespacedInput)));
    const failures = (namespacedOutput.errors || []).filter((entry) => entry.severity === "error");
    if (failures.length > 0) {
      throw new Error(`the namespaced layout compilation failed: ${failures[0].formattedMessage}`);
    }
  }
  return plainValidate(output, decodeSrc, solcVersion, input, namespacedOutput);
};

main(["validate", ...process.argv.slice(2)]).catch((error) => {
  process.stderr.write(`${error.message || error}\n`);
  process.exitCode = 1;
});
