"""Where a load run's CPU went: the web workers, the index worker, the load clients and the
rest of the machine (the database, the system), read from /proc (Linux).

On a small machine a load run is bound by its CPU, so latency alone says little about a
bigger one; CPU milliseconds a request say what each core would serve.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int) -> float:
    """User and system CPU seconds of one process so far; 0 once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICK


def machine_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores counted."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return (sum(values) - idle) / TICK, sum(values) / TICK


@dataclass(frozen=True)
class Snapshot:
    web: float
    index: float
    clients: float
    busy: float
    total: float

    @classmethod
    def take(cls, web_pids: list[int], index_pids: list[int]) -> Snapshot:
        own = os.times()
        busy, total = machine_seconds()
        return cls(
            web=sum(process_seconds(pid) for pid in web_pids),
            index=sum(process_seconds(pid) for pid in index_pids),
            clients=own.user + own.system,
            busy=busy,
            total=total,
        )

    def since(self, before: Snapshot) -> dict:
        """CPU seconds spent between two snapshots, by whom, and how busy the machine was."""
        busy = self.busy - before.busy
        spent = {
            "web": self.web - before.web,
            "index": self.index - before.index,
            "clients": self.clients - before.clients,
        }
        spent["rest"] = max(busy - sum(spent.values()), 0.0)
        spent["busy_share"] = busy / max(self.total - before.total, 1e-9)
        spent["cores"] = os.cpu_count() or 1
        return spent
