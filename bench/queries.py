"""Queries per request, for the benchmarks' "queries per request" line: the same request sent
a few times through Django's test client in the benchmark's own process (same settings and
database as the server it starts), each counted with CaptureQueriesContext."""

HOST = "127.0.0.1"


def queries_per_request(send, requests: int = 5) -> dict:
    """Call `send(i)` (which sends one request and checks its answer) once to warm up, then
    `requests` times counted; returns {"mean", "min", "max"} queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    send(-1)
    counts = []
    for i in range(requests):
        with CaptureQueriesContext(connection) as captured:
            send(i)
        counts.append(len(captured))
    return {"mean": sum(counts) / len(counts), "min": min(counts), "max": max(counts)}


def describe(name: str, figures: dict) -> str:
    spread = "" if figures["min"] == figures["max"] else f" ({figures['min']}–{figures['max']})"
    return f"queries per request, {name}: {figures['mean']:.1f}{spread}"
