"""Reasons given for a step (a return, an objection, a suspension ...), as the chain keeps them: by hash.

The contracts store and emit only a 32-byte reason hash, never the text, so
that nothing personal or confidential ends up on chain. A reason is given
either as text, whose hash is keccak-256 of its UTF-8 bytes (anyone holding
the text can recompute it), or directly as a hash (``0x`` and 64 hex digits),
for example the digest of a document kept elsewhere.
"""

from __future__ import annotations

import re

from eth_utils.crypto import keccak

from ledger.errors import ValidationError

__all__ = ["NO_REASON", "reason_hash"]

#: The hash recorded when no reason is given.
NO_REASON = bytes(32)

_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")


def reason_hash(reason: str | None) -> bytes:
    """The 32 bytes recorded for ``reason``: a given hash as is, else keccak-256 of the text."""
    if reason is None:
        return NO_REASON
    text = reason.strip()
    if not text:
        raise ValidationError("the reason is empty: write a few words, or give its hash as 0x and 64 hex digits")
    if _HASH.match(text):
        return bytes.fromhex(text[2:])
    if text.lower().startswith("0x") and re.fullmatch(r"0x[0-9a-fA-F]*", text):
        raise ValidationError(
            f"the reason {text!r} looks like a hash but is not 32 bytes; give 0x and 64 hex digits, or plain text"
        )
    return bytes(keccak(text.encode("utf-8")))
