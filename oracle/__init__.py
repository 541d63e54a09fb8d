"""The oracle: keeps the chain and the off-chain store honest with each other.

It indexes the suite's events into the read model (:mod:`oracle.indexer`),
anchors batches of off-chain records on chain (:mod:`oracle.anchoring`) and
reports every drift between the two (:mod:`oracle.reconcile`).
"""
