"""A small HTTP/1.1 load generator for the benchmarks: standard library only, no Django.

Each client process runs a few threads; each thread owns one connection and sends its requests
one after another (a closed loop), reusing the connection while the server keeps it alive and
reconnecting when the server closes it (gunicorn's sync workers close after every response). It
speaks just enough HTTP for our own server: a pre-built GET request, a response with
`Content-Length` (Django's CommonMiddleware always sets it), or one that ends when the
connection closes. Kept lean so the client, which shares the machine with the server, costs less
CPU than the requests it measures.
"""

import ctypes
import math
import multiprocessing
import os
import resource
import signal
import socket
import threading
import time
from collections import Counter

RECV_SIZE = 256 * 1024
MAX_ERRORS_IN_A_ROW = 100  # the server is gone: stop rather than spin
PR_SET_PDEATHSIG = 1


class ProtocolError(Exception):
    pass


class NoResponse(ProtocolError):
    """The connection closed before the response began."""


class Connection:
    def __init__(self, host: str, port: int, timeout: float = 30.0, cookie: str = ""):
        self.address = (host, port)
        self.timeout = timeout
        self.sock = None
        self.host_header = f"{host}:{port}"
        self.cookie_header = f"Cookie: {cookie}\r\n" if cookie else ""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """Send one GET and return (status, headers with lower-case names, body). A kept-alive
        connection the server has meanwhile closed is reopened once."""
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {self.host_header}\r\n"
            f"Accept: text/html\r\nAccept-Language: en\r\nUser-Agent: bench\r\n"
            f"{self.cookie_header}\r\n"
        ).encode()
        reused = self.sock is not None
        try:
            return self._exchange(request)
        except (ConnectionError, NoResponse):
            if not reused:
                raise
            return self._exchange(request)

    def _exchange(self, request: bytes):
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=self.timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self.sock.sendall(request)
            return self._read_response()
        except BaseException:
            self.close()
            raise

    def _read_response(self):
        sock = self.sock
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(RECV_SIZE)
            if not chunk:
                raise NoResponse("connection closed before the response headers")
            buffer += chunk
        head, _, body = buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            raise ProtocolError("chunked responses are not supported by this client")
        closing = headers.get("connection", "").lower() == "close"
        length = headers.get("content-length")
        if length is not None:
            remaining = int(length) - len(body)
            parts = [body]
            while remaining > 0:
                chunk = sock.recv(min(RECV_SIZE, remaining))
                if not chunk:
                    raise ProtocolError("connection closed in the middle of the body")
                parts.append(chunk)
                remaining -= len(chunk)
            body = b"".join(parts)
        else:
            parts = [body]
            while chunk := sock.recv(RECV_SIZE):
                parts.append(chunk)
            body, closing = b"".join(parts), True
        if closing:
            self.close()
        return status, headers, body


def _thread_loop(host, port, path, count, deadline, stop, sink, lock, cookie=""):
    """Send up to `count` requests (or until `deadline` / `stop`), recording each latency.
    `{i}` in the path becomes a token unique to the request; `cookie` is sent with each."""
    connection = Connection(host, port, cookie=cookie)
    prefix = f"{os.getpid()}-{threading.get_ident()}-"
    latencies, statuses, cache, errors, received, in_a_row = [], Counter(), Counter(), 0, 0, 0
    for i in range(count):
        if (stop is not None and stop.is_set()) or time.time() > deadline:
            break
        started = time.perf_counter()
        try:
            status, headers, body = connection.get(path.format(i=f"{prefix}{i}"))
        except (OSError, ProtocolError, ValueError):
            errors += 1
            in_a_row += 1
            if in_a_row >= MAX_ERRORS_IN_A_ROW:
                break
            continue
        in_a_row = 0
        latencies.append(time.perf_counter() - started)
        statuses[status] += 1
        cache[headers.get("x-page-cache", "-")] += 1
        received += len(body)
    connection.close()
    with lock:
        sink["latencies"].extend(latencies)
        sink["statuses"].update(statuses)
        sink["cache"].update(cache)
        sink["errors"] += errors
        sink["bytes"] += received


def client_process(
    host, port, path, count, threads, max_seconds, barrier, stop, results, cookie=""
):
    """One client process: `threads` connections sharing `count` requests. Puts its figures on
    the `results` queue. Ctrl-C is left to the parent, which stops its children itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    sink = {"latencies": [], "statuses": Counter(), "cache": Counter(), "errors": 0, "bytes": 0}
    lock = threading.Lock()
    per_thread = [count // threads + (1 if i < count % threads else 0) for i in range(threads)]
    barrier.wait(timeout=60)
    began = time.time()
    deadline = began + max_seconds
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    workers = [
        threading.Thread(
            target=_thread_loop,
            args=(host, port, path, n, deadline, stop, sink, lock, cookie),
        )
        for n in per_thread
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    sink["cpu_seconds"] = (cpu_after.ru_utime - cpu_before.ru_utime) + (
        cpu_after.ru_stime - cpu_before.ru_stime
    )
    sink["began"], sink["ended"] = began, time.time()
    sink["statuses"], sink["cache"] = dict(sink["statuses"]), dict(sink["cache"])
    results.put(sink)


def die_with_parent() -> None:
    """Ask Linux to stop this process if the benchmark dies without cleaning up (kill -9)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return math.nan
    rank = max(math.ceil(fraction * len(sorted_values)), 1)
    return sorted_values[rank - 1]


class Load:
    """Client processes driving one path; `start()` returns once they are sending requests."""

    def __init__(
        self, host, port, path, *, requests, processes, connections, max_seconds, cookie=""
    ):
        self.context = multiprocessing.get_context("spawn")
        self.results = self.context.Queue()
        self.stop_event = self.context.Event()
        self.barrier = self.context.Barrier(processes + 1)
        threads = max(connections // processes, 1)
        shares = [
            requests // processes + (1 if i < requests % processes else 0) for i in range(processes)
        ]
        self.processes = [
            self.context.Process(
                target=client_process,
                args=(
                    host,
                    port,
                    path,
                    share,
                    threads,
                    max_seconds,
                    self.barrier,
                    self.stop_event,
                    self.results,
                    cookie,
                ),
                daemon=True,
            )
            for share in shares
        ]
        self.max_seconds = max_seconds
        self.began = None
        self.latencies: list[float] = []

    def start(self) -> "Load":
        for process in self.processes:
            process.start()
        self.barrier.wait(timeout=60)
        self.began = time.time()
        return self

    def stop(self) -> None:
        self.stop_event.set()

    def collect(self) -> dict:
        """Wait for every client, then merge their figures."""
        parts = [self.results.get(timeout=self.max_seconds + 60) for _ in self.processes]
        for process in self.processes:
            process.join(timeout=10)
        latencies = sorted(v for part in parts for v in part["latencies"])
        statuses, cache = Counter(), Counter()
        for part in parts:
            statuses.update(part["statuses"])
            cache.update(part["cache"])
        elapsed = max(part["ended"] for part in parts) - self.began
        done = len(latencies)
        self.latencies = latencies
        return {
            "requests": done,
            "errors": sum(part["errors"] for part in parts),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "cache": dict(cache),
            "seconds": elapsed,
            "requests_per_second": done / elapsed if elapsed > 0 else 0.0,
            "p50_ms": percentile(latencies, 0.50) * 1000,
            "p95_ms": percentile(latencies, 0.95) * 1000,
            "p99_ms": percentile(latencies, 0.99) * 1000,
            "mean_body_bytes": sum(part["bytes"] for part in parts) / done if done else 0,
            "client_cpu_seconds": sum(part["cpu_seconds"] for part in parts),
        }

    def terminate(self) -> None:
        """Stop every client process still running (safe to call more than once)."""
        self.stop_event.set()
        for process in self.processes:
            if process.pid is not None and process.is_alive():
                process.terminate()
        for process in self.processes:
            if process.pid is not None:
                process.join(timeout=5)
                if process.is_alive():
                    process.kill()
