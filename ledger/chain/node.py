"""The local development node: an anvil process that the ledger starts itself.

Only the local profile uses this module. Everything else talks standard
JSON-RPC, so the same code runs against a Besu QBFT network.
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ledger.config import Profile
from ledger.errors import ConfigError, NodeUnavailableError

__all__ = ["LocalNode", "find_anvil", "free_port", "node_for", "rpc_ready"]

# The node's log is kept for start-up failures; past this size it starts over.
_LOG_LIMIT = 16 * 1024 * 1024

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


def find_anvil() -> Path:
    """Locate the anvil binary: ``DAL_ANVIL``, the npm package, then ``PATH``."""
    override = os.environ.get("DAL_ANVIL")
    if override:
        return Path(override)
    arch = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine(), "amd64")
    packaged = _PROJECT_ROOT / "node_modules" / "@foundry-rs" / f"anvil-linux-{arch}" / "bin" / "anvil"
    if packaged.exists():
        return packaged
    on_path = shutil.which("anvil")
    if on_path:
        return Path(on_path)
    raise NodeUnavailableError(
        "anvil is not installed: run `make setup` (it installs @foundry-rs/anvil from npm) "
        "or set DAL_ANVIL to an anvil binary"
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rpc_ready(url: str, timeout: float = 1.0) -> bool:
    """True when a JSON-RPC node at ``url`` answers ``eth_chainId``."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return "result" in json.loads(response.read())
    except (OSError, urllib.error.URLError, ValueError):
        return False


@dataclass
class LocalNode:
    """An anvil node bound to 127.0.0.1.

    With ``data_dir`` set, the node keeps its pid, log and state there, so the
    chain survives restarts (``--state`` loads at start and dumps at exit, and
    ``--state-interval`` dumps while it runs). Without it, the node is ephemeral
    (tests). ``block_time`` makes it mine a block every that many seconds
    instead of one per transaction, as a production network does;
    ``gas_limit`` sets the block gas limit.
    """

    port: int
    chain_id: int = 31337
    data_dir: Path | None = None
    block_time: float | None = None
    gas_limit: int | None = None
    mining: bool = True
    _process: subprocess.Popen[bytes] | None = None
    #: Where an ephemeral node keeps the states it evicts from memory; removed when it stops.
    _cache_dir: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path | None:
        return self.data_dir / "anvil.pid" if self.data_dir else None

    def _command(self) -> list[str]:
        command = [
            str(find_anvil()),
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--chain-id", str(self.chain_id),
            "--gas-price", "0",
            "--base-fee", "0",
        ]
        if self.block_time:
            command += ["--block-time", str(self.block_time)]
        if self.gas_limit:
            command += ["--gas-limit", str(self.gas_limit)]
        if not self.mining:
            command += ["--no-mining"]  # blocks only on request (tests of pending transactions)
        # anvil moves the states it evicts from memory to disk (otherwise into ~/.foundry/anvil/tmp, which it
        # never cleans): into the data directory for a kept chain, into a directory removed at stop otherwise.
        if self.data_dir:
            command += ["--state", str(self.data_dir / "anvil-state.json"), "--state-interval", "2",
                        "--cache-path", str(self.data_dir / "states")]
        else:
            self._cache_dir = Path(tempfile.mkdtemp(prefix="dal-anvil-states-"))
            command += ["--silent", "--cache-path", str(self._cache_dir)]
        return command

    @property
    def log_file(self) -> Path | None:
        return self.data_dir / "anvil.log" if self.data_dir else None

    def _launcher(self) -> list[str]:
        """What the node is started through.

        An ephemeral node must not outlive whoever started it (a test run that
        was killed): where util-linux ``setpriv`` exists, it asks the kernel to
        stop the node when its parent ends, then becomes the node (same pid).
        (The kernel means the starting thread: start ephemeral nodes from a
        thread that lives as long as they should.) A node with a data
        directory is meant to outlive `dal chain up`.
        """
        if self.data_dir is not None:
            return []
        setpriv = shutil.which("setpriv")
        return [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []

    def running_pid(self) -> int | None:
        """The pid of the node started from ``data_dir``, if it is still alive."""
        if self._process is not None and self._process.poll() is None:
            return self._process.pid
        if self.pid_file is None or not self.pid_file.exists():
            return None
        try:
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError, PermissionError):
            return None
        if not _is_anvil(pid):
            return None  # the recorded pid was reused by an unrelated process
        return pid

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Serialise starts and stops of the node of one data directory across processes."""
        if self.data_dir is None:
            yield
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.data_dir / "node.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def ensure_running(self, timeout: float = 20.0) -> None:
        """Start the node unless it already answers (safe when several commands race)."""
        with self._exclusive():
            if rpc_ready(self.url, timeout=0.5):
                return
            self._start(timeout)

    def start(self, timeout: float = 20.0) -> None:
        """Start anvil and wait until it answers JSON-RPC."""
        with self._exclusive():
            if self.running_pid() is not None and rpc_ready(self.url):
                return
            self._start(timeout)

    def _start(self, timeout: float) -> None:
        if rpc_ready(self.url, timeout=0.5):
            raise NodeUnavailableError(
                f"another program already answers on {self.url}; stop it, or move the local "
                "node to a free port with DAL_RPC_URL=http://127.0.0.1:<port>"
            )
        log: int | IO[bytes] = subprocess.DEVNULL
        if self.data_dir and self.log_file:
            if self.log_file.exists() and self.log_file.stat().st_size > _LOG_LIMIT:
                self.log_file.replace(self.log_file.with_suffix(".log.old"))
            log = open(self.log_file, "ab")  # noqa: SIM115 - handed to the child, closed below
        try:
            self._process = subprocess.Popen(
                self._launcher() + self._command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            if not isinstance(log, int):
                log.close()
        if self.pid_file:
            self.pid_file.write_text(str(self._process.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                if self.pid_file and self.pid_file.exists():
                    self.pid_file.unlink()
                raise NodeUnavailableError(
                    f"the local node exited at start (code {self._process.returncode}); "
                    f"see {self.log_file or 'its output'}"
                )
            if rpc_ready(self.url, timeout=0.5):
                if self.data_dir is not None:
                    self._keep_clock()
                return
            time.sleep(0.05)
        self.stop()
        raise NodeUnavailableError(f"the local node did not answer on {self.url} within {timeout:.0f}s")

    def _rpc(self, method: str, params: list[Any]) -> Any:
        """One JSON-RPC call to the node; ``None`` when it cannot be reached or refuses."""
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
        request = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return json.loads(response.read()).get("result")
        except (OSError, urllib.error.URLError, ValueError):
            return None

    def _keep_clock(self) -> None:
        """Never let a restarted chain's clock run behind its own blocks.

        anvil reloads the blocks from its state file but restarts its clock
        from the machine's: a chain whose clock was moved forward (``dal chain
        advance``) would then mine blocks older than the last one, so deadlines
        passed before the restart would appear not to have passed. The clock
        is set to the last block's time when that is ahead of the machine's.
        """
        latest = self._rpc("eth_getBlockByNumber", ["latest", False])
        if not isinstance(latest, dict) or "timestamp" not in latest:
            return
        last = int(str(latest["timestamp"]), 16)
        if last >= int(time.time()):
            self._rpc("evm_setTime", [last + 1])

    def mine_pending(self) -> None:
        """Mine a block now, taking every ready transaction.

        anvil's auto-miner can miss transactions that became ready while it
        was mining (a known anvil defect, seen under bursts of transactions
        from one sender); they stay ready but unmined until a block is mined.
        The sender calls this when its transactions stop being mined.
        """
        self._rpc("evm_mine", [])  # a node that is gone answers None: the sender reports what was not mined

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the node gracefully (anvil dumps its state on SIGTERM)."""
        with self._exclusive():
            self._stop(timeout)

    def _stop(self, timeout: float) -> None:
        pid = self.running_pid()
        if pid is not None:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pid = None
        if pid is not None:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self._process is not None and self._process.pid == pid:
                    if self._process.poll() is not None:
                        break
                elif _exited(pid):
                    break
                time.sleep(0.05)
            else:
                os.kill(pid, signal.SIGKILL)
        self._process = None
        if self.pid_file and self.pid_file.exists():
            self.pid_file.unlink()
        if self._cache_dir is not None:
            shutil.rmtree(self._cache_dir, ignore_errors=True)
            self._cache_dir = None


def _exited(pid: int) -> bool:
    """True once ``pid`` has ended (reaping it if it is a child of this process)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
    except ChildProcessError:
        pass  # not our child: its parent reaps it
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] == "Z"  # ended, waiting for its parent
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False


def _is_anvil(pid: int) -> bool:
    """True unless the system says ``pid`` runs something other than anvil."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        return b"anvil" in cmdline.read_bytes()
    except OSError:
        return not cmdline.parent.parent.exists()  # no /proc here: trust the pid file


def node_for(profile: Profile) -> LocalNode:
    """The managed node of the local profile, keeping its state in ``<home>/node``."""
    if not profile.managed_node:
        raise ConfigError(
            f"profile {profile.name!r} is a remote network; only the local profile has a node "
            "that dal starts and stops"
        )
    return LocalNode(port=profile.local_port, chain_id=profile.chain_id, data_dir=profile.node_dir)
