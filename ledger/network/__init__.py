"""The consortium's own network: a Hyperledger Besu QBFT network that the ledger runs on.

One module per idea:

- :mod:`ledger.network.extra_data`: QBFT's ``extraData`` (validators, vote, round, commit seals),
  encoded and decoded as Besu does;
- :mod:`ledger.network.genesis`: the QBFT genesis file and how its block gas limit is sized;
- :mod:`ledger.network.keys`: the validator nodes' secp256k1 keys, in the files Besu reads;
- :mod:`ledger.network.permissions`: ``permissions_config.toml`` (the nodes' and accounts'
  allowlists);
- :mod:`ledger.network.compose`: the ``docker-compose.yml`` that runs the validators, PostgreSQL,
  the oracle and the HTTP service;
- :mod:`ledger.network.profile`: the ``dal`` profile that points at the network;
- :mod:`ledger.network.layout`: ``dal network init``, writing all of the above into one folder;
- :mod:`ledger.network.deployment`: ``dal network deploy``, the suite onto the network under its
  multisig wallet;
- :mod:`ledger.network.seals`: whether a quorum of trusted validators sealed a block;
- :mod:`ledger.network.validators`: the validator set from the chain and votes to change it
  (Besu's ``qbft_*`` JSON-RPC methods).
"""
