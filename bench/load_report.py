"""What bench/load.py prints: one run's report, and a run set beside the framework's floor."""

from __future__ import annotations

# Issue 18's targets for 16 writers and 4 searchers, in the order the table shows them.
TARGETS = {
    "writes_per_second": "≥ 100",
    "write_p50_ms": "< 150 ms",
    "write_p95_ms": "< 500 ms",
    "read_p50_ms": "",
    "search_p50_ms": "< 50 ms",
}
LABELS = {
    "writes_per_second": "writes a second",
    "write_p50_ms": "write p50",
    "write_p95_ms": "write p95",
    "read_p50_ms": "read p50 (the written annotation)",
    "search_p50_ms": "search p50 under load",
}


def report(r: dict) -> str:
    killed = (
        f"; web worker {r['killed_worker']} killed with SIGKILL half way"
        if r["killed_worker"]
        else ""
    )
    ratio = r["write_p50_ms"] / r["read_p50_ms"] if r["read_p50_ms"] else float("nan")
    lag = r["lag_at_stop"]
    lines = [
        f"{r['requests']:,} requests in {r['seconds']:.0f} s from {r['writers']} writers and "
        f"{r['searchers']} searchers, index updates {r['index_updates']}{killed}",
        "",
        "| kind | requests | p50 | p95 |",
        "| --- | --- | --- | --- |",
    ]
    for kind, (count, p50, p95) in sorted(r["by_kind"].items()):
        lines.append(f"| {kind} | {count:,} | {p50:.0f} ms | {p95:.0f} ms |")
    lines += [
        "",
        f"- writes: **{r['writes_per_second']:.0f}/s**, p50 **{r['write_p50_ms']:.0f} ms** "
        f"(**{ratio:.1f}×** a read's {r['read_p50_ms']:.0f} ms), "
        f"p95 **{r['write_p95_ms']:.0f} ms**; searches p50 **{r['search_p50_ms']:.0f} ms**",
        f"- errors: **{r['error_count']}** {r['errors'] or ''}",
        f"- acknowledged creates {r['acknowledged_creates']:,}, "
        f"deletes {r['acknowledged_deletes']:,} (and {r['deletes_unanswered']} unanswered); "
        f"lost writes: **{r['lost_writes']}**; "
        f"deleted but still stored: {r['deleted_but_present']}; "
        f"stored without an acknowledgement: {r['unacknowledged_but_stored']}",
        cpu_line(r),
        f"- index lag when the clients stopped: {lag['pending']} updates pending, the oldest "
        f"{lag['oldest_seconds']:.2f} s old; caught up {r['caught_up_seconds']:.1f} s later; "
        f"drift then: **{r['drift']}** ({r['pending_at_end']} pending)",
    ]
    return "\n".join(lines)


def web_ms_a_request(r: dict) -> float:
    """The web workers' CPU milliseconds a request served."""
    return 1000 * r["cpu"]["web"] / (r["requests"] or 1)


def cpu_line(r: dict) -> str:
    cpu = r["cpu"]
    return (
        f"- CPU ({cpu['cores']} cores, {cpu['busy_share']:.0%} busy): web workers "
        f"{cpu['web']:.0f} s (**{web_ms_a_request(r):.1f} ms a request**), index "
        f"worker {cpu['index']:.0f} s, load clients {cpu['clients']:.0f} s, the rest "
        f"(database, system) {cpu['rest']:.0f} s"
    )


def beside_floor(floor: dict, ours: dict) -> str:
    """Commonplace and the framework alone, one row a figure, with their ratio."""
    lines = [
        "| 16 writers, 4 searchers | the framework alone | Commonplace | ratio | target |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key, target in TARGETS.items():
        unit = "" if key == "writes_per_second" else " ms"
        ratio = ours[key] / floor[key] if floor[key] else float("nan")
        lines.append(
            f"| {LABELS[key]} | {floor[key]:,.0f}{unit} | {ours[key]:,.0f}{unit} "
            f"| {ratio:.2f}× | {target} |"
        )
    for name, r in (("the framework alone", floor), ("Commonplace", ours)):
        lines.append(
            f"\n{name}: {r['requests']:,} requests in {r['seconds']:.0f} s, errors "
            f"{r['error_count']}, web workers' CPU {web_ms_a_request(r):.1f} ms a "
            f"request, machine {r['cpu']['busy_share']:.0%} busy"
        )
    return "\n".join(lines)
