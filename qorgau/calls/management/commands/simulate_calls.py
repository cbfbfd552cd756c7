"""`qorgau simulate_calls --rate R --duration S`: a phone system's CTI traffic, for demos and load
tests (bench/cti.py sends the same kind of events).

Calls start at random (Poisson arrivals, R per second on average) for S seconds; each call then
posts its events to POST {url}/api/v1/cti/events as a PBX would, one after another, at the
moments its timeline says: new_call; a wait (mean 20 s); about 8 % hang up while waiting
("abandoned"), the others are answered at one of the consultants' extensions, talk about
4 minutes, are sometimes put on hold and resumed, about 5 % are transferred to 1414, and hang up
("normal"). After an answered call hangs up, a short generated WAV is uploaded to
PUT {url}/api/v1/calls/{call_id}/recording (unless --no-recordings).

--time-scale compresses real time only: with 0.01 a 3-minute call takes 1.8 s, but the event
timestamps still say 3 minutes. Timestamps are virtual: the run starts at the real time it
starts, and a real second counts 1 / time-scale virtual seconds, so with a scale below 1 the
timestamps run ahead of the wall clock.

Only the standard library: http.client with one keep-alive connection per worker thread, a
scheduler that hands each due event to a thread pool, and the next event of a call is due only
after the previous one was answered (a call's events arrive in order, as from a real PBX).
Exit status 1 when any event got a 5xx, a network error or was rejected (4xx).
"""

from __future__ import annotations

import array
import heapq
import http.client
import io
import json
import math
import os
import random
import re
import sys
import threading
import time
import uuid
import wave
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.core.kztime import KZ_TZ

PBX_ENV_VARIABLE = "QORGAU_PBX_TOKEN"
MOBILE_PREFIXES = (*(f"70{d}" for d in range(9)), "747", "771", "775", "777", "778")
WITHHELD_SHARE = 0.10
KAZAKH_LINE_SHARE = 0.60
ABANDON_SHARE = 0.08
HOLD_SHARE = 0.15
TRANSFER_SHARE = 0.05
MEAN_WAIT_S = 20.0
MEAN_TALK_S = 240.0
NATIONAL_LINE = "1414"
SAMPLE_RATE = 8000
RECORDING_POOL = 8  # distinct WAVs generated once and reused
NO_RECORDINGS = (404, 405)  # the server has no recording endpoint


# --- what a call does --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedEvent:
    offset: float  # virtual seconds after the call's start
    body: dict[str, str]


@dataclass(frozen=True)
class CallPlan:
    call_id: str
    start: float  # real seconds after the run's start
    line: str
    outcome: str  # "abandoned", "answered" or "transferred"
    events: tuple[PlannedEvent, ...]


def kazakh_mobile(rng: random.Random) -> str:
    """A random Kazakhstan mobile number in E.164, e.g. +77011234567."""
    return f"+7{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 9_999_999):07d}"


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _timeline(
    rng: random.Random, extensions: Sequence[str]
) -> tuple[str, list[tuple[float, str, dict[str, str]]]]:
    """(outcome, [(virtual offset, event, extra fields)]) of one call, new_call first."""
    steps: list[tuple[float, str, dict[str, str]]] = [(0.0, "new_call", {})]
    wait = _clamp(rng.expovariate(1.0 / MEAN_WAIT_S), 1.0, 600.0)
    if rng.random() < ABANDON_SHARE:
        steps.append((wait, "hangup", {"cause": "abandoned"}))
        return "abandoned", steps
    at_ext = {"extension": rng.choice(list(extensions))}
    talk = _clamp(rng.gammavariate(2.0, MEAN_TALK_S / 2.0), 15.0, 1800.0)
    steps.append((wait, "answer", at_ext))
    if rng.random() < HOLD_SHARE:
        hold_at = wait + talk * rng.uniform(0.2, 0.7)
        held = _clamp(rng.expovariate(1.0 / 40.0), 5.0, 300.0)
        steps += [(hold_at, "hold", at_ext), (hold_at + held, "resume", at_ext)]
        talk += held
    end, outcome = wait + talk, "answered"
    if rng.random() < TRANSFER_SHARE:
        steps.append((end, "transfer", {**at_ext, "target": NATIONAL_LINE}))
        end, outcome = end + rng.uniform(2.0, 8.0), "transferred"
    steps.append((end, "hangup", {**at_ext, "cause": "normal"}))
    return outcome, steps


def plan_call(
    rng: random.Random,
    *,
    start: float,
    epoch: datetime,
    time_scale: float,
    extensions: Sequence[str],
) -> CallPlan:
    """One call starting `start` real seconds into the run, with virtual ISO timestamps."""
    line = "kk" if rng.random() < KAZAKH_LINE_SHARE else "ru"
    caller = "anonymous" if rng.random() < WITHHELD_SHARE else kazakh_mobile(rng)
    call_id = f"sim-{uuid.uuid4().hex}"
    began = epoch + timedelta(seconds=start / time_scale)
    outcome, steps = _timeline(rng, extensions)
    common = {"call_id": call_id, "direction": "inbound", "caller": caller, "called": "111"}
    events = tuple(
        PlannedEvent(
            offset=offset,
            body={
                "event_id": str(uuid.uuid4()),
                "event": kind,
                "at": (began + timedelta(seconds=offset)).isoformat(timespec="milliseconds"),
                **common,
                "line": line,
                **extra,
            },
        )
        for offset, kind, extra in steps
    )
    return CallPlan(call_id=call_id, start=start, line=line, outcome=outcome, events=events)


def arrivals(rng: random.Random, rate: float, duration: float) -> list[float]:
    """Start times (real seconds) of a Poisson process with `rate` per second, within
    `duration`."""
    starts: list[float] = []
    moment = rng.expovariate(rate)
    while moment < duration:
        starts.append(moment)
        moment += rng.expovariate(rate)
    return starts


def wav_bytes(rng: random.Random) -> bytes:
    """1–3 s of a tone plus noise: 8 kHz, mono, 16-bit PCM in a WAV container."""
    seconds, tone = rng.uniform(1.0, 3.0), rng.uniform(300.0, 1000.0)
    step = 2.0 * math.pi * tone / SAMPLE_RATE
    samples = array.array(
        "h",
        (
            int(_clamp(6000.0 * math.sin(step * i) + rng.gauss(0.0, 800.0), -32768, 32767))
            for i in range(int(seconds * SAMPLE_RATE))
        ),
    )
    if sys.byteorder == "big":  # WAV is little-endian
        samples.byteswap()
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(samples.tobytes())
    return out.getvalue()


# --- HTTP ------------------------------------------------------------------------------------


class NetworkError(Exception):
    """No HTTP answer: the connection failed, broke or timed out."""


class Http:
    """A bearer-token client with one keep-alive connection per thread."""

    def __init__(self, base_url: str, token: str, timeout: float) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CommandError(f"--url must be an http(s) URL, not {base_url!r}")
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port
        self.prefix = parts.path.rstrip("/")
        self.token, self.timeout = token, timeout
        self.local = threading.local()
        self.opened: list[http.client.HTTPConnection] = []  # to close them all at the end
        self.lock = threading.Lock()

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection, and whether it was used before."""
        conn = getattr(self.local, "conn", None)
        if conn is not None:
            return conn, True
        kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        conn = kind(self.host, self.port, timeout=self.timeout)
        self.local.conn = conn
        with self.lock:
            self.opened.append(conn)
        return conn, False

    def _drop(self) -> None:
        conn = getattr(self.local, "conn", None)
        if conn is not None:
            conn.close()
        self.local.conn = None

    def request(self, method: str, path: str, body: bytes, content_type: str) -> tuple[int, bytes]:
        """(status, body). Retries once on a fresh connection when a reused keep-alive
        connection turns out closed (safe: events and uploads are idempotent)."""
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": content_type,
            "Accept-Language": "en",  # error details for the developer running this
        }
        while True:
            conn, reused = self._connection()
            try:
                conn.request(method, self.prefix + path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (http.client.HTTPException, OSError) as exc:
                self._drop()
                if reused and isinstance(
                    exc, http.client.RemoteDisconnected | BrokenPipeError | ConnectionResetError
                ):
                    continue
                raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
            if response.will_close:
                self._drop()
            return response.status, data

    def close(self) -> None:
        """Close every thread's connection (call when no request is running)."""
        with self.lock:
            for conn in self.opened:
                conn.close()
            self.opened.clear()


# --- running -----------------------------------------------------------------------------------


@dataclass
class Tally:
    """What happened; every counter is changed under `lock`."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    calls: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    lines: Counter[str] = field(default_factory=Counter)
    events: int = 0
    event_status: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    recordings: Counter[str] = field(default_factory=Counter)
    lag_ms: list[float] = field(default_factory=list)
    crashes: int = 0  # calls the simulator itself could not finish
    first_error: str = ""

    def error(self, message: str) -> None:
        self.first_error = self.first_error or message

    @property
    def failed_events(self) -> int:
        return sum(n for status, n in self.event_status.items() if status != "202")

    @property
    def hard_errors(self) -> int:
        """Answers that fail the run: 5xx and network errors, of events and uploads."""
        bad = [*self.event_status.items(), *self.recordings.items()]
        hard = sum(n for status, n in bad if status == "network" or status.startswith("5"))
        return hard + self.crashes


@dataclass(order=True)
class Due:
    at: float  # time.monotonic()
    seq: int
    plan: CallPlan = field(compare=False)
    index: int = field(compare=False, default=0)  # the next event to post


class Simulator:
    """Schedules every call's events and posts them from a thread pool."""

    def __init__(
        self,
        http: Http,
        plans: list[CallPlan],
        *,
        time_scale: float,
        threads: int,
        recordings: list[bytes],
        warn: Callable[[str], None],
    ) -> None:
        self.http, self.plans, self.time_scale = http, plans, time_scale
        self.threads, self.recordings, self.warn = threads, recordings, warn
        self.tally = Tally()
        self.queue: list[Due] = []
        self.cond = threading.Condition()
        self.open_calls = 0
        self.hurry = False
        self.refused = False  # the server rejected the token: stop at once
        self.started = 0.0
        self.no_recordings_warned = False

    def run(self) -> Tally:
        self.started = time.monotonic()
        self.queue = [Due(self.started + p.start, i, p) for i, p in enumerate(self.plans)]
        heapq.heapify(self.queue)
        self.open_calls = len(self.plans)
        pool = ThreadPoolExecutor(self.threads, thread_name_prefix="simulate-calls")
        try:
            self._dispatch(pool)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return self.tally

    def _dispatch(self, pool: ThreadPoolExecutor) -> None:
        while True:
            try:
                ready = self._next_ready()
            except KeyboardInterrupt:
                self._interrupted()
                continue
            if ready is None:
                return
            for due in ready:
                pool.submit(self._step, due)

    def _next_ready(self) -> list[Due] | None:
        """The events due now (waiting for the first), or None when every call is over."""
        with self.cond:
            while True:
                if self.open_calls == 0:
                    return None
                now = time.monotonic()
                ready = []
                while self.queue and (self.hurry or self.queue[0].at <= now):
                    ready.append(heapq.heappop(self.queue))
                if ready:
                    return ready
                timeout = self.queue[0].at - now if self.queue else None
                self.cond.wait(timeout=min(timeout, 0.5) if timeout is not None else 0.5)

    def _drop_queued(self, keep: Callable[[Due], bool]) -> int:
        """Forget the queued events `keep` does not keep, ending their calls (under cond)."""
        dropped = [d for d in self.queue if not keep(d)]
        self.queue = [d for d in self.queue if keep(d)]
        heapq.heapify(self.queue)
        self.open_calls -= len(dropped)
        self.cond.notify_all()
        return len(dropped)

    def _interrupted(self) -> None:
        """Ctrl-C: start no new call, finish the calls in progress without waiting."""
        if self.hurry:
            raise KeyboardInterrupt
        with self.cond:
            self.hurry = True
            unstarted = self._drop_queued(lambda d: d.index > 0)
        self.warn(
            f"interrupted: {unstarted} calls not started; finishing the calls in "
            "progress now (Ctrl-C again to abort)"
        )

    def _step(self, due: Due) -> None:
        try:
            self._post_event(due)
            if self.refused:
                self._refused()
                return
            if due.index + 1 < len(due.plan.events):
                nxt = due.plan.events[due.index + 1]
                at = self.started + due.plan.start + nxt.offset * self.time_scale
                self._schedule(Due(at, due.seq, due.plan, due.index + 1))
                return
            if due.plan.outcome != "abandoned" and self.recordings:
                self._upload(due.plan, self.recordings[due.seq % len(self.recordings)])
        except Exception as exc:  # a bug here must not hang the run: count it, end the call
            with self.tally.lock:
                self.tally.crashes += 1
                self.tally.error(f"simulator error: {type(exc).__name__}: {exc}")
        self._call_over()

    def _refused(self) -> None:
        with self.cond:
            self._drop_queued(lambda d: False)
            self.open_calls -= 1
            self.cond.notify_all()

    def _schedule(self, due: Due) -> None:
        with self.cond:
            heapq.heappush(self.queue, due)
            self.cond.notify_all()

    def _call_over(self) -> None:
        with self.cond:
            self.open_calls -= 1
            self.cond.notify_all()

    def _post_event(self, due: Due) -> None:
        event = due.plan.events[due.index]
        lag = (time.monotonic() - due.at) * 1000.0
        body = _json(event.body)
        try:
            status, answer = self.http.request(
                "POST", "/api/v1/cti/events", body, "application/json"
            )
            outcome = str(status)
        except NetworkError as exc:
            status, answer, outcome = 0, b"", "network"
            self.tally.error(f"event {event.body['event']} of {due.plan.call_id}: {exc}")
        with self.tally.lock:
            self.tally.events += 1
            self.tally.event_status[outcome] += 1
            self.tally.lag_ms.append(lag)
            self.tally.duplicates += status == 202 and _duplicate(answer)
            if due.index == 0:
                self.tally.calls += 1
                self.tally.lines[due.plan.line] += 1
                self.tally.outcomes[due.plan.outcome] += 1
            if status and status != 202:
                self.tally.error(f"event {event.body['event']}: {status} {_detail(answer)}")
            self.refused = self.refused or status == 401

    def _upload(self, plan: CallPlan, audio: bytes) -> None:
        path = f"/api/v1/calls/{quote(plan.call_id, safe='')}/recording"
        try:
            status, answer = self.http.request("PUT", path, audio, "audio/wav")
            outcome = str(status)
        except NetworkError as exc:
            status, answer, outcome = 0, b"", "network"
            self.tally.error(f"recording of {plan.call_id}: {exc}")
        with self.tally.lock:
            self.tally.recordings[outcome] += 1
            warn_now = status in NO_RECORDINGS and not self.no_recordings_warned
            self.no_recordings_warned = self.no_recordings_warned or warn_now
            if status and status not in (200, 201, *NO_RECORDINGS):
                self.tally.error(f"recording of {plan.call_id}: {status} {_detail(answer)}")
        if warn_now:
            self.warn(
                f"the server answered {status} to a recording upload: recordings not "
                "supported by this server; continuing without them"
            )


def _json(body: dict[str, str]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def _detail(answer: bytes) -> str:
    """The error's `detail`, or the start of the body."""
    try:
        return str(json.loads(answer)["detail"])
    except (ValueError, KeyError, TypeError):
        return repr(answer[:200])


def _duplicate(answer: bytes) -> bool:
    try:
        return json.loads(answer).get("duplicate") is True
    except (ValueError, AttributeError):
        return False


# --- the command -------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100.0 * len(ordered)) - 1)] if ordered else 0.0


def summary_lines(tally: Tally, seconds: float) -> list[str]:
    """The report; `key: value` lines (tests and scripts parse them)."""
    ok_recordings = tally.recordings["200"] + tally.recordings["201"]
    unsupported = sum(tally.recordings[str(s)] for s in NO_RECORDINGS)
    failed_recordings = sum(tally.recordings.values()) - ok_recordings - unsupported
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(tally.event_status.items())) or "-"
    o = tally.outcomes
    return [
        f"calls started: {tally.calls}",
        f"outcomes played: answered {o['answered'] + o['transferred']} "
        f"(transferred to {NATIONAL_LINE}: {o['transferred']}), abandoned: {o['abandoned']}",
        f"lines: kk {tally.lines['kk']}, ru {tally.lines['ru']}",
        f"events posted: {tally.events} in {seconds:.1f} s, duplicates: {tally.duplicates}",
        f"event answers by status: {statuses}",
        f"recordings uploaded: {ok_recordings}, not supported: {unsupported}, "
        f"failed: {failed_recordings}",
        f"errors: {tally.failed_events + failed_recordings} (5xx or network: {tally.hard_errors})",
        f"lag behind schedule: p95 {percentile(tally.lag_ms, 95):.0f} ms, "
        f"max {max(tally.lag_ms, default=0.0):.0f} ms",
    ]


class Command(BaseCommand):
    help = (
        "Simulate the phone system: start calls at --rate per second for --duration seconds and "
        "post their CTI events (and recordings) to a running Qorgau."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Qorgau's base URL")
        auth = parser.add_mutually_exclusive_group()
        auth.add_argument(
            "--token", default=None, help=f"the phone system's token (${PBX_ENV_VARIABLE})"
        )
        auth.add_argument(
            "--register",
            metavar="NAME",
            default=None,
            help="give phone system NAME (created if new) a new token in the configured database",
        )
        parser.add_argument("--rate", type=float, default=1.0, help="calls started per second")
        parser.add_argument("--duration", type=float, default=60.0, help="seconds to start calls")
        parser.add_argument(
            "--extensions",
            default="101,102,103,104",
            help="consultants' extensions, comma-separated",
        )
        parser.add_argument("--seed", type=int, default=None, help="for a repeatable scenario")
        parser.add_argument("--no-recordings", action="store_true", help="upload no recordings")
        parser.add_argument(
            "--time-scale",
            type=float,
            default=1.0,
            help="real seconds per call second (0.01: a 3-minute call in 1.8 s)",
        )
        parser.add_argument("--threads", type=int, default=16, help="concurrent requests")
        parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        checked = self._checked(options)
        token = self._token(options)
        rng = random.Random(options["seed"])
        epoch = datetime.now(KZ_TZ)
        plans = [
            plan_call(
                rng,
                start=s,
                epoch=epoch,
                time_scale=checked["time_scale"],
                extensions=checked["extensions"],
            )
            for s in arrivals(rng, checked["rate"], checked["duration"])
        ]
        audio = [] if options["no_recordings"] else [wav_bytes(rng) for _ in range(RECORDING_POOL)]
        http = Http(options["url"], token, checked["timeout"])
        self.stderr.write(
            f"simulating {len(plans)} calls against {options['url']} "
            f"(rate {checked['rate']:g}/s for {checked['duration']:g} s, "
            f"time scale {checked['time_scale']:g})"
        )
        began = time.monotonic()
        simulator = Simulator(
            http,
            plans,
            time_scale=checked["time_scale"],
            threads=checked["threads"],
            recordings=audio,
            warn=lambda m: self.stderr.write(f"warning: {m}"),
        )
        tally = simulator.run()
        http.close()
        for line in summary_lines(tally, time.monotonic() - began):
            self.stdout.write(line)
        if tally.hard_errors or tally.failed_events:
            raise CommandError(f"some events failed; first: {tally.first_error}", returncode=1)

    def _checked(self, options: dict[str, Any]) -> dict[str, Any]:
        extensions = [e.strip() for e in options["extensions"].split(",") if e.strip()]
        if not extensions or any(not re.fullmatch(r"[0-9A-Za-z*#+]{1,20}", e) for e in extensions):
            raise CommandError("--extensions: give one or more extensions, e.g. 101,102")
        for name in ("rate", "duration", "time_scale", "timeout"):
            if not options[name] > 0:
                raise CommandError(f"--{name.replace('_', '-')} must be positive")
        if options["threads"] < 1:
            raise CommandError("--threads must be at least 1")
        return {
            **{k: options[k] for k in ("rate", "duration", "time_scale", "timeout", "threads")},
            "extensions": extensions,
        }

    def _token(self, options: dict[str, Any]) -> str:
        if options["register"]:
            from qorgau.calls.auth import phone_system_register

            _system, token = phone_system_register(name=options["register"])
            self.stderr.write(f"phone system {options['register']!r} has a new token")
            return token
        token = options["token"] or os.environ.get(PBX_ENV_VARIABLE, "")
        if not token:
            raise CommandError(
                f"give --token, set {PBX_ENV_VARIABLE}, or --register a phone system"
            )
        return str(token)
