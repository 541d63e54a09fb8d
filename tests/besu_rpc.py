"""A small real JSON-RPC server that answers as Besu documents, for protocol tests of dal's client.

anvil does not implement Besu's qbft_* and perm_* methods and Besu cannot run here, so this server
answers them as Besu's API reference documents
(https://besu.hyperledger.org/private-networks/reference/api): qbft_getValidatorsByBlockNumber takes
a block number or tag and returns the validators' addresses; qbft_proposeValidatorVote takes an
address and true to add or false to remove, and returns true; perm_reloadPermissionsFromFile takes
no parameters and returns "Success"; a method whose API is not enabled is refused with code
-32604, "Method not enabled". It serves the blocks it is given for eth_getBlockByNumber, and records
every request, so a test checks the exact requests dal sends.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

VALIDATORS = ["0x647bfdd19655e51e69d35454ff3a92f8828e6302", "0xa5c8416b9d13417b45b45ada76408f39d1e504ef"]


class BesuLike:
    """A JSON-RPC server answering the qbft_* methods as Besu documents them; it records every request."""

    def __init__(self, *, qbft_enabled: bool = True, chain_id: int = 2026,
                 blocks: dict[str, dict[str, Any]] | None = None) -> None:
        self.requests: list[dict[str, Any]] = []
        self.qbft_enabled = qbft_enabled
        self.chain_id = chain_id
        self.blocks = blocks or {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.requests.append(request)
                body = json.dumps({"jsonrpc": "2.0", "id": request["id"], **owner.answer(request)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        method = request["method"]
        if method == "eth_chainId":
            return {"result": hex(self.chain_id)}
        if method == "eth_getBlockByNumber":
            return {"result": self.blocks.get(request["params"][0])}
        if method.startswith("qbft_") and not self.qbft_enabled:
            return {"error": {"code": -32604, "message": "Method not enabled"}}
        if method == "qbft_getValidatorsByBlockNumber":
            return {"result": VALIDATORS}
        if method == "qbft_proposeValidatorVote":
            return {"result": True}
        if method == "perm_reloadPermissionsFromFile":
            return {"result": "Success"}
        return {"error": {"code": -32601, "message": "Method not found"}}

    def qbft_requests(self, prefix: str = "qbft_") -> list[tuple[str, list[Any]]]:
        return [(r["method"], r["params"]) for r in self.requests if r["method"].startswith(prefix)]

    def __enter__(self) -> Self:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


