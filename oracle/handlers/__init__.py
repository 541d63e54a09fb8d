"""One handler per chain event, in a registry keyed by (contract, event).

A handler turns one event into read-model rows, using nothing but the event:
no contract calls. Handlers are applied in chain order, inside the database
transaction of their block window. Events without a handler (ERC-1155 approval
and URI events, which the ledger never uses) are kept in the raw event log
only; :data:`LOG_ONLY` names them so that a new event in a contract's ABI
without a handler is noticed by the tests.
"""

from __future__ import annotations

from oracle.handlers import anchors, certificates, due_process, members, pledges, rights
from oracle.handlers.registry import LOG_ONLY, Handler, HandlerRegistry, default_registry

__all__ = ["LOG_ONLY", "Handler", "HandlerRegistry", "default_registry"]

# The modules register their handlers on import.
_MODULES = (anchors, certificates, due_process, members, pledges, rights)
