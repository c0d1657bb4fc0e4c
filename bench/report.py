"""Figures of the catalogue benchmark: rounds merged, and the table printed at the end."""

from loadgen import percentile

TARGET_RATIO = 0.5


def print_table(title, rows, ratio, cpu_ratio, staleness_max, seconds, trials):
    print()
    print(title)
    header = (
        f"{'target':<28}{'requests':>9}{'errors':>7}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'srv CPU ms/req':>16}{'cache hit/miss':>16}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        cache = row.get("cache", {})
        cpu = row.get("server_cpu_ms_per_request")
        print(
            f"{row['target']:<28}{row['requests']:>9}{row['errors']:>7}"
            f"{row['requests_per_second']:>9.0f}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
            f"{row['p99_ms']:>9.1f}{(f'{cpu:.2f}' if cpu is not None else '-'):>16}"
            f"{cache.get('hit', 0):>9}/{cache.get('miss', 0):<6}"
        )
    verdict = "PASS" if ratio >= TARGET_RATIO else "FAIL"
    print(
        f"\nthroughput ratio event page / minimal view: {ratio:.2f} "
        f"(target >= {TARGET_RATIO}) {verdict}"
    )
    if cpu_ratio is not None:
        print(
            f"same ratio from the server's CPU per request: {cpu_ratio:.2f} (what a dedicated "
            "machine would give; throughput also depends on whatever else runs here)"
        )
    if staleness_max is None:
        print(
            f"availability staleness: a change did NOT show within the wait ({trials} trials) FAIL"
        )
    else:
        verdict = "PASS" if staleness_max <= seconds else "FAIL"
        print(
            f"availability staleness: max {staleness_max:.2f} s over {trials} changes under "
            f"load (limit {seconds} s) {verdict}"
        )


def merge_rounds(name, rounds, latencies):
    latencies = sorted(latencies)
    requests = sum(r["requests"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    cache = {}
    for r in rounds:
        for k, v in r["cache"].items():
            cache[k] = cache.get(k, 0) + v
    cpu = [r["server_cpu_ms_per_request"] for r in rounds if r["server_cpu_ms_per_request"]]
    return {
        "target": name,
        "path": rounds[0]["path"],
        "requests": requests,
        "errors": sum(r["errors"] for r in rounds),
        "statuses": rounds[0]["statuses"],
        "cache": cache,
        "seconds": seconds,
        "requests_per_second": requests / seconds if seconds else 0.0,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "server_cpu_ms_per_request": sum(cpu) / len(cpu) if cpu else None,
        "mean_body_bytes": rounds[0]["mean_body_bytes"],
        "rounds": rounds,
    }
