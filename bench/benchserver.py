"""The gunicorn server a benchmark drives: started in its own process group, stopped for sure."""

import os
import platform
import signal
import subprocess
import sys
import time

from loadgen import Connection, die_with_parent


def _own_group_and_die_with_parent() -> None:  # runs in the child, before exec
    os.setsid()  # Ctrl-C in the terminal reaches the benchmark only; it stops the server itself
    die_with_parent()  # and if the benchmark is killed outright, the kernel stops the server


class Server:
    def __init__(self, args, root, log_dir):
        self.args = args
        self.root = root
        self.log_path = log_dir / "gunicorn.log"
        self.process = None

    def command(self) -> list[str]:
        args = self.args
        command = [
            sys.executable, "-m", "gunicorn", "marketplace.wsgi:application",
            "--bind", f"127.0.0.1:{args.port}",
            "--workers", str(args.workers),
            "--worker-class", args.worker_class,
            "--log-level", "warning",
            "--timeout", "30",
            "--graceful-timeout", "5",
            "--keep-alive", "5",
            "--backlog", "512",
        ]  # fmt: skip
        if args.worker_class == "gthread":
            command += ["--threads", str(args.threads)]
        return command

    def start(self, timeout: float = 90) -> None:
        """Start gunicorn and wait until /healthz answers 200."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        print("Starting: " + " ".join(self.command()[1:]), flush=True)
        self.process = subprocess.Popen(
            self.command(),
            cwd=self.root,
            env=os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_own_group_and_die_with_parent,  # noqa: PLW1509 - no threads yet
        )
        log.close()
        deadline = time.time() + timeout
        last = "no answer"
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with status {self.process.returncode}; "
                    f"see {self.log_path}:\n{self.log_path.read_text()[-2000:]}"
                )
            try:
                status, _, body = Connection("127.0.0.1", self.args.port, timeout=5).get("/healthz")
                if status == 200:
                    return
                last = f"{status} {body[:200]!r}"
            except OSError as exc:
                last = str(exc)
            time.sleep(0.25)
        raise RuntimeError(f"/healthz did not answer 200 within {timeout:.0f} s (last: {last})")

    def warm_up(self, paths, requests: int = 100) -> None:
        """Load templates and code in every worker before measuring."""
        for path in paths:
            connection = Connection("127.0.0.1", self.args.port)
            for _ in range(requests):
                status, _, _ = connection.get(path)
                if status != 200:
                    raise RuntimeError(f"GET {path} answered {status} during warm-up")
            connection.close()

    def check_event_page(self, path: str, packages: int) -> None:
        """The page under test is the real one: every package shown, page cache in use."""
        connection = Connection("127.0.0.1", self.args.port)
        status, headers, body = connection.get(path)
        connection.close()
        shown = body.count(b'data-package="')
        if status != 200 or shown != packages:
            raise RuntimeError(f"GET {path}: status {status}, {shown} packages (want {packages})")
        if headers.get("x-page-cache") not in {"hit", "miss"}:
            raise RuntimeError(f"GET {path} did not go through the page cache: {headers}")

    def pids(self) -> list[int]:
        """The master and its workers."""
        if self.process is None:
            return []
        pid = self.process.pid
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                return [pid] + [int(p) for p in f.read().split()]
        except OSError:
            return [pid]

    def cpu_seconds(self) -> float:
        """User + system CPU used so far by the master and its workers (0 where /proc lacks)."""
        total = 0
        ticks = os.sysconf("SC_CLK_TCK")
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
        return total / ticks

    def stop(self) -> None:
        """Stop gunicorn and its workers (TERM, then KILL after 10 s)."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass


def describe_machine() -> dict:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": load,
    }
