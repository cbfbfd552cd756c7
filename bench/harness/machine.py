"""What the machine does during a measurement, from /proc: CPU time per process and for the
whole machine, the CPU shares of groups of processes between two snapshots, and the memory of
a process; plus the thread that samples something at a fixed interval while a phase runs."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass

CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Proc:
    ppid: int
    comm: str
    cpu_seconds: float  # user + system of the process and of its reaped children


# Picks the processes of a group, from their pid and /proc entry.
Picker = Callable[[int, Proc], bool]


def proc_stats() -> Iterator[tuple[int, str, list[str]]]:
    """(pid, name, the fields after the name) from /proc/<pid>/stat of every process; field 1 is
    the parent's pid, 11-14 utime, stime, cutime and cstime in clock ticks."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.find("(") + 1 : stat.rfind(")")]
        yield int(entry.name), comm, stat[stat.rfind(")") + 2 :].split()


def proc_table() -> dict[int, Proc]:
    """Every process's parent, name and CPU time: its own user + system time plus that of its
    reaped children, so that the CPU of a child that exits during a measurement is still counted
    (in its parent's)."""
    table: dict[int, Proc] = {}
    for pid, comm, rest in proc_stats():
        cpu = sum(int(v) for v in rest[11:15]) / CLK_TCK  # utime, stime, cutime, cstime
        table[pid] = Proc(ppid=int(rest[1]), comm=comm, cpu_seconds=cpu)
    return table


def is_postgres(pid: int, proc: Proc) -> bool:
    return proc.comm == "postgres"


def pid_in(pids: Collection[int]) -> Picker:
    """The processes with these pids."""
    return lambda pid, proc: pid in pids


def family_of(master: int) -> Picker:
    """A server's master process and its workers (its children)."""
    return lambda pid, proc: pid == master or proc.ppid == master


def children_of(master: int, table: Mapping[int, Proc] | None = None) -> list[int]:
    """The pids of a process's children: a server's workers."""
    table = proc_table() if table is None else table
    return sorted(pid for pid, p in table.items() if p.ppid == master)


def cpu_used(before: Mapping[int, Proc], after: Mapping[int, Proc], belongs: Picker) -> float:
    """CPU seconds the processes that `belongs` picks used between two proc_tables. A process
    new since the first counts in full; one that exited in between is in its parent's reaped
    time by the second, so when the parent is in the group too, the time the exited one had
    already used at the first is taken off again."""
    total = 0.0
    for pid, proc in after.items():
        if belongs(pid, proc):
            old = before.get(pid)
            total += proc.cpu_seconds - (old.cpu_seconds if old else 0.0)
    for pid, proc in before.items():
        parent = after.get(proc.ppid)
        if pid not in after and belongs(pid, proc) and parent and belongs(proc.ppid, parent):
            total -= proc.cpu_seconds
    return total


def cpu_ticks() -> list[int]:
    """The machine's CPU time in clock ticks, from the first line of /proc/stat: user, nice,
    system, idle, iowait, irq, softirq, steal, guest, guest_nice."""
    with open("/proc/stat", encoding="ascii") as f:
        return [int(v) for v in f.readline().split()[1:]]


def busy_idle(ticks: list[int]) -> tuple[int, int]:
    """(busy, idle) ticks of cpu_ticks(): idle is idle + iowait, busy user .. steal without it
    (guest time is already in user)."""
    idle = ticks[3] + ticks[4]
    return sum(ticks[:8]) - idle, idle


def busy_percent(seconds: float = 1.0) -> float:
    """How busy the machine is (all processes), in % of one core, over `seconds`."""
    before = cpu_snapshot()
    time.sleep(seconds)
    after = cpu_snapshot()
    return 100.0 * (after.busy - before.busy) / (after.wall - before.wall)


@dataclass(frozen=True)
class CpuSnapshot:
    wall: float
    procs: dict[int, Proc]
    busy: float  # s the machine has been busy, all cores
    idle: float  # s idle or waiting for I/O
    irq: float  # s in irq and softirq: loopback TCP, mostly
    own: float  # s of user + system time of this process


def cpu_snapshot() -> CpuSnapshot:
    ticks = cpu_ticks()
    busy, idle = busy_idle(ticks)
    times = os.times()
    return CpuSnapshot(
        wall=time.monotonic(),
        procs=proc_table(),
        busy=busy / CLK_TCK,
        idle=idle / CLK_TCK,
        irq=(ticks[5] + ticks[6]) / CLK_TCK,
        own=times.user + times.system,
    )


def cpu_shares(
    before: CpuSnapshot,
    after: CpuSnapshot,
    groups: Mapping[str, Picker],
    own: str | None = None,
) -> dict[str, float]:
    """CPU used between two snapshots in % of one core (a 2-core machine has 200 %): by each
    named group of processes; by this process, under the name `own` if one is given; by
    everything else ("other": the kernel and other processes, of which "irq" in interrupts);
    and by nothing ("idle"). "busy" is the whole machine and "capacity" all its cores."""
    wall = after.wall - before.wall
    used = {name: cpu_used(before.procs, after.procs, pick) for name, pick in groups.items()}
    if own:
        used[own] = after.own - before.own
    busy = after.busy - before.busy
    shares = {name: 100.0 * seconds / wall for name, seconds in used.items()}
    shares["other"] = 100.0 * max(0.0, busy - sum(used.values())) / wall
    shares["irq"] = 100.0 * (after.irq - before.irq) / wall
    shares["idle"] = 100.0 * (after.idle - before.idle) / wall
    shares["busy"] = 100.0 * busy / wall
    shares["capacity"] = 100.0 * (os.cpu_count() or 1)
    return shares


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in kB, or (0, 0) if the process is gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


class Sampler(threading.Thread):
    """Calls `sample` every `every` seconds, on a thread of its own, from `start` until `finish`;
    `session` is held open meanwhile (a database connection, say). A failure ends the sampling
    and is kept in `error`."""

    def __init__(self, every: float) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.stopped = threading.Event()
        self.error = ""

    def session(self) -> contextlib.AbstractContextManager[object]:
        return contextlib.nullcontext()

    def sample(self) -> None:
        raise NotImplementedError

    def run(self) -> None:
        try:
            with self.session():
                while not self.stopped.wait(self.every):
                    self.sample()
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"

    def finish(self) -> None:
        self.stopped.set()
        if self.is_alive():
            self.join(timeout=10)


class RssSampler(Sampler):
    """Peak RSS and VmHWM of each child of `master` (the server's workers)."""

    def __init__(self, master: int, every: float = 0.5) -> None:
        super().__init__(every)
        self.master = master
        self.peak_rss_kb: dict[int, int] = {}
        self.hwm_kb: dict[int, int] = {}

    def sample(self) -> None:
        for pid in children_of(self.master):
            rss, hwm = memory_kb(pid)
            if rss:
                self.peak_rss_kb[pid] = max(self.peak_rss_kb.get(pid, 0), rss)
                self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), hwm)

    def figures(self) -> dict[str, float]:
        """Workers sampled, and their peak RSS (max and mean) and VmHWM (max) in MB."""
        peaks = [kb / 1024.0 for kb in self.peak_rss_kb.values()]
        return {
            "workers sampled": len(peaks),
            "peak RSS max": max(peaks, default=0.0),
            "peak RSS mean": sum(peaks) / len(peaks) if peaks else 0.0,
            "VmHWM max": max(self.hwm_kb.values(), default=0) / 1024.0,
        }
