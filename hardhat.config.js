// Hardhat builds the contracts offline with the npm `solc` package (solcjs).
// Compiler version and settings come from contracts/compiler.json, the one
// place every build path reads (see ledger/chain/compiler.py).
const { subtask } = require("hardhat/config");
const { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } = require("hardhat/builtin-tasks/task-names");
const compiler = require("./contracts/compiler.json");
const solc = require("solc");

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args, hre, runSuper) => {
  if (args.solcVersion !== compiler.version) {
    return runSuper();
  }
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: compiler.version,
    longVersion: solc.version(),
  };
});

/** @type import('hardhat/config').HardhatUserConfig */
module.exports = {
  solidity: {
    version: compiler.version,
    // The storage layout goes into the build info, where the upgrade-safety check reads it.
    settings: {
      ...compiler.settings,
      outputSelection: {
        "*": {
          "*": ["abi", "evm.bytecode", "evm.deployedBytecode", "evm.methodIdentifiers", "metadata", "storageLayout"],
          "": ["ast"],
        },
      },
    },
  },
  paths: {
    sources: "./contracts",
    artifacts: "./build/hardhat/artifacts",
    cache: "./build/hardhat/cache",
  },
};
