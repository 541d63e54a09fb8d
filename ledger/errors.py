"""The exception tree of the ledger.

Every error the library raises derives from :class:`LedgerError`. Each message
says what is wrong and what to do next; the CLI prints it as one line on stderr
and exits with code 1.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AccountError",
    "BatchError",
    "ChainError",
    "ConfigError",
    "ContractRevertError",
    "LedgerError",
    "NodeUnavailableError",
    "NotFoundError",
    "StoreError",
    "TransactionError",
    "ValidationError",
]


class LedgerError(Exception):
    """Root of every error raised by the ledger."""


class ConfigError(LedgerError):
    """The configuration (profile, environment, deployments file) is unusable."""


class ValidationError(LedgerError):
    """Input is malformed or breaks a rule that is checked before any write."""


class NotFoundError(LedgerError):
    """A named record (member, certificate, pledge, account ...) does not exist."""


class AccountError(LedgerError):
    """A keystore is missing, unreadable, or the password is wrong."""


class ChainError(LedgerError):
    """Talking to the chain failed."""


class NodeUnavailableError(ChainError):
    """The node cannot be reached or could not be started."""


class TransactionError(ChainError):
    """A transaction could not be sent or was not mined as expected."""


class ContractRevertError(ChainError):
    """A contract refused a call with a custom error.

    ``name`` is the custom error's name (for example ``RightsSharesPledged``) and
    ``args`` its decoded arguments by parameter name.
    """

    def __init__(self, message: str, name: str, args: dict[str, Any]) -> None:
        super().__init__(message)
        self.name = name
        self.args_by_name = args


class BatchError(TransactionError):
    """Some items of a batch failed while the others went through.

    ``done`` names the records that are on chain (this run or before) and
    ``failed`` each record that failed with its error, so a caller can say
    what to fix; rerunning the same batch skips what is done.
    """

    def __init__(self, message: str, done: list[str], failed: list[tuple[str, LedgerError]]) -> None:
        super().__init__(message)
        self.done = done
        self.failed = failed


class StoreError(LedgerError):
    """The off-chain database is unreachable or not at the expected schema."""
