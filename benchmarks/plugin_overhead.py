"""Per-call overhead of the capture layer (the plugin's ``send`` patch and stream observers).

    python benchmarks/plugin_overhead.py [--pairs N] [--seed S]

The fake API runs in a separate process (``python -m pytest_tokenbudget.testing``). For each call
kind, N pairs are timed; within a pair the call is made once with capture installed and once
without, in random order (install/uninstall happen between calls, untimed; GC is off while timing).
Reported: median µs without / with, their ratio, and the median of the paired differences.
Streams: the difference is also divided by the number of SSE events in the stream.

Non-LLM traffic (a POST to another path, a GET) is measured on an in-process MockTransport in
blocks of calls, where the network does not drown a microsecond-sized difference.

The listener is a no-op, so this is the cost of interception itself; the ledger's own work
(attribution, pricing) comes on top and is measured by the plugin's benchmark if any.
Tests never assert timings; this script is run by hand.

Other stacks (issue 16; ``--only TEXT`` runs the rows whose name contains TEXT). Figures of
2026-12-01, null listener, input estimate on, 200 pairs, the box heavily loaded (load avg 5.6-5.9 on
2 cores: read ±30 µs); ``--only layer`` then ``--only POST`` for an httpx2 baseline:

    call                                          off µs  on µs  ratio   Δ µs   Δ/event
    raw httpx2 POST /v1/messages (baseline)          475    579  1.220   102.9
    requests POST (urllib3 layer)                    769-880  904-998  1.135-1.175  123-132
    requests stream, 21 events (urllib3 layer)      1037   1247  1.203   201.6   9.6 (3.3 beyond the POST)
    urllib.request.urlopen (http.client layer)       581    759  1.307   147.6
    aiohttp ClientSession.post (aiohttp layer)       374    500  1.335   110.8
    boto3 bedrock invoke_model (urllib3 layer)       928   1059  1.141   140.1
    non-LLM POST / GET (httpx2 mock)                 ~1-2.5 µs (and the last line of defence adds
                                                     nothing per request: it runs on connect only)

So each extra layer costs about what the httpx2 patch does (100-150 µs per call with the
tokenizer's input estimate, about half of it), i.e. well under 0.1% of a real API round trip.

Issue 17, 2026-12-01, the ledger's hot path alone (``ledger hot path alone`` rows, CPU time of the
thread, no HTTP; the box at load 6-9, so the Δ rows above were unreadable that day): before the
memoised worst cases/prices and cheaper Amounts 47-50 µs per non-streamed call, after 28-30 µs;
a 21-event stream's record 29-37 µs in the ledger = 1.4-1.8 µs per SSE event. Observer + ledger
for one 21-event stream (CPU, interleaved A/B): 102-104 µs before, 84-85 µs after (4.0 µs/event).
Deciding before sending whether a mock/cassette answers (capture.liveness): 0.7 µs per call.

Issue 17, 2026-12-02 (box at load 7.4-7.7 on 2 cores: wall-clock Δ rows unreadable, CPU figures
used). The hot-path rows now also give their ratio to the CPU time of an SDK call without the
plugin, measured in the same run. A/B against ab8aacf, alternating in one window:
ledger hot path per call 48.7-53.1 µs (0.040-0.042 x an SDK create) before, 33.6-41.6 µs
(0.035-0.037 x) after; per SSE event 2.46-2.56 µs before, 1.54-2.03 µs after (0.019-0.020 x an SDK
stream per stream). End to end (thread CPU, plugin on/off in blocks of 20, GC off, ledger listener):
anthropic sync create Δ median 392-415 µs before, 357-365 µs after; with the null listener 201 µs.
Inside the real call path the ledger's before_send + on_record take 43 + 58 µs (median), about 2.5 x
the hot loop's: the SDK's ~1 ms of CPU between calls leaves the ledger's code and data cold. The
rest of the Δ is interception, the request's JSON parse and token estimate, and the response parse.
A serial run with a session cap now stays in memory until a Python child starts: 34-40 µs CPU a
call in memory vs 324-330 µs CPU (1.5-1.7 ms wall) through the shared SQLite store.

Figures of 2026-11-24 (shared 2-core box, load 1.6-1.8, 400-500 pairs; ±20 µs between runs):

    call                               Δ µs (estimate on / off)   ratio on      Δ/event   (Δ-Δcreate)/event
    anthropic sync create                  100 /  54                1.07
    anthropic async create                  90 /  42                1.06
    anthropic sync stream, 21 events       207 / 161                1.10           9.9 / 7.7    5.1
    anthropic async stream, 21 events      223 / 161                1.08          10.6 / 7.7    6.3 / 5.7
    openai chat.completions                 96 /  45                1.06
    openai stream + usage, 19 events       210 / 218                1.08          11.0 / 11.5   6.0 / 9.1
    raw httpx2 POST                        105 /  59                1.15
    non-LLM POST / GET (mock)              ~2-3.6 / ~0.5-1.0
    observer alone                         2.4 µs per event (50 µs per 21-event stream, record included)

About half of a non-streamed call's overhead is tokens.estimate_request_tokens (tiktoken); a
listener that does not pre-flight can install with estimate_input=False.

With --listener ledger (the plugin's real Ledger, a per-test and a session budget active, so every
call is estimated, pre-flighted, reserved, priced twice and settled), same day, load ~0.9, 400 pairs:

    call                               Δ µs    ratio    Δ/event   (Δ-Δcreate)/event
    anthropic sync create              203     1.13
    anthropic async create             200     1.13
    anthropic sync stream, 21 events   323     1.15     15.4       5.7
    anthropic async stream, 21 events  331     1.13     15.8       6.2
    openai chat.completions            200     1.12
    raw httpx2 POST                    196     1.23
    non-LLM POST / GET (mock)          2.2 / 0.6

The ledger alone (before_send + on_record, no HTTP) measures ~46 µs per call in isolation; in the
real call path it costs ~100 µs more than the null listener (cold caches, Decimal arithmetic).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import anthropic
import httpx2
import openai

from pytest_tokenbudget.plugin import capture

MSG = [{"role": "user", "content": "Say something short about foxes."}]
MODEL = "claude-haiku-4-5"
TEXT = " ".join(["word"] * 15)  # 15 text deltas -> 21 SSE events per stream


class NullListener:
    def before_send(self, request):
        return None

    def on_record(self, token, record):
        pass


class CountingListener(NullListener):
    def __init__(self) -> None:
        self.events = 0
        self.records = 0

    def on_record(self, token, record):
        self.records += 1
        self.events = record.events


def ledger_listener():
    """The plugin's ledger as it runs inside a test: budgets active, so every call is pre-flighted,
    reserved and settled. Limits are high so nothing is refused; entries are dropped as they come so
    the run's memory stays flat."""
    from decimal import Decimal

    from pytest_tokenbudget.core.catalog import shipped_catalog
    from pytest_tokenbudget.plugin.ledger.ledger import Ledger, Limits, set_current

    # The OpenAI rows call gpt-4o-mini, which the Claude catalog does not price (the ledger would
    # rightly refuse it): price it here, as a user would in [tool.tokenbudget.models].
    catalog = shipped_catalog().with_overrides({"gpt-4o-mini": {"input": Decimal("0.15"), "output": Decimal("0.6"),
                                                                "max-output": 16384}},
                                               where="benchmark")
    ledger = Ledger(catalog=catalog, session_limits=Limits(usd=Decimal(10_000)))
    ledger.begin_test("bench::test", Limits(usd=Decimal(10_000)))
    set_current("bench::test", "call")

    class Bounded:
        def before_send(self, request):
            return ledger.before_send(request)

        def on_record(self, token, record):
            ledger.on_record(token, record)
            if len(ledger.entries) > 1000:
                del ledger.entries[:500]

    return Bounded()


def ledger_hot_path(url: str, events: int, reps: int = 3000, rounds: int = 9) -> None:
    """The ledger's own work, without HTTP: ``before_send`` + ``on_record`` of a realistic request
    (input estimate already made by capture) and record, CPU time of this thread, best of ``rounds``.
    A stream's record reaches the ledger once, at its end: its cost per SSE event is that / events."""
    from pytest_tokenbudget.core.tokens import estimate_request_tokens
    from pytest_tokenbudget.plugin.capture.types import CallRecord, CallRequest

    ledger = ledger_listener()
    body = {"model": MODEL, "max_tokens": 64, "messages": MSG}
    usage = {"input_tokens": 12, "output_tokens": 7, "cache_creation_input_tokens": 0,
             "cache_read_input_tokens": 0, "service_tier": "standard"}
    rows = []
    for stream in (False, True):
        req = CallRequest("anthropic", "messages", url + "/v1/messages", MODEL, 64, stream, 0,
                          body={**body, "stream": stream} if stream else body,
                          input_estimate=estimate_request_tokens(body))
        rec = CallRecord(req, 200, MODEL, usage, True, stream, True, 0.01, events=events if stream else 0)
        best = float("inf")
        for _ in range(rounds):
            t0 = time.thread_time_ns()
            for _ in range(reps):
                ledger.on_record(ledger.before_send(req), rec)
            best = min(best, (time.thread_time_ns() - t0) / reps / 1000)
        rows.append(best)
    base = _sdk_cpu(url, reps=max(50, reps // 20), rounds=rounds)
    print(f"{'ledger hot path alone (CPU, no HTTP): call':<44} {rows[0]:9.1f} µs   "
          f"= {rows[0] / base[0]:.3f} x the CPU of one SDK create without the plugin ({base[0]:.0f} µs, same run)")
    print(f"{'ledger hot path alone: stream, per SSE event':<44} {rows[1] / events:9.2f} µs/event "
          f"({rows[1]:.1f} µs per {events}-event stream = {rows[1] / base[1]:.3f} x the CPU of one SDK stream, "
          f"{base[1]:.0f} µs)")


def _sdk_cpu(url: str, reps: int, rounds: int) -> tuple[float, float]:
    """The baseline of the hot-path rows: CPU time of this thread for one SDK create / one streamed
    create against the fake server, plugin not installed, best of ``rounds`` (the server's work is
    in another process, so it is not counted)."""
    client = anthropic.Anthropic(base_url=url, api_key="bench", max_retries=0, default_headers={"x-fake-text": TEXT})

    def create():
        client.messages.create(model=MODEL, max_tokens=64, messages=MSG)

    def stream():
        for _ in client.messages.create(model=MODEL, max_tokens=64, messages=MSG, stream=True):
            pass
    out = []
    for fn in (create, stream):
        for _ in range(10):
            fn()
        best = float("inf")
        for _ in range(rounds):
            t0 = time.thread_time_ns()
            for _ in range(reps):
                fn()
            best = min(best, (time.thread_time_ns() - t0) / reps / 1000)
        out.append(best)
    client.close()
    return out[0], out[1]


def start_server() -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "pytest_tokenbudget.testing"], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        raise SystemExit(f"fake server did not start: {line!r}")
    return proc, line.split()[-1]


def timed(fn: Callable[[], object]) -> int:
    t0 = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - t0


ESTIMATE = True


def paired(fn: Callable[[], object], pairs: int, rnd: random.Random, listener) -> tuple[list[int], list[int]]:
    for _ in range(20):  # warm up both paths
        capture.install(listener, estimate_input=ESTIMATE)
        fn()
        capture.uninstall()
        fn()
    on: list[int] = []
    off: list[int] = []
    gc.collect()
    gc.disable()
    try:
        for i in range(pairs):
            order = (True, False) if rnd.random() < 0.5 else (False, True)
            for installed in order:
                if installed:
                    capture.install(listener, estimate_input=ESTIMATE)
                    on.append(timed(fn))
                    capture.uninstall()
                else:
                    off.append(timed(fn))
            if i % 200 == 199:
                gc.enable()
                gc.collect()
                gc.disable()
    finally:
        gc.enable()
        capture.uninstall()
    return on, off


def blocks(fn: Callable[[], object], n_blocks: int, per_block: int, listener) -> tuple[float, float]:
    """Median per-call ns over blocks, alternating installed / not."""
    on, off = [], []
    gc.disable()
    try:
        for b in range(n_blocks * 2):
            installed = b % 2 == 0
            if installed:
                capture.install(listener)
            t0 = time.perf_counter_ns()
            for _ in range(per_block):
                fn()
            dt = (time.perf_counter_ns() - t0) / per_block
            (on if installed else off).append(dt)
            capture.uninstall()
    finally:
        gc.enable()
        capture.uninstall()
    return statistics.median(on), statistics.median(off)


def row(name: str, on: list[int], off: list[int], events: int = 0, base: float | None = None) -> tuple[str, float]:
    """One result line; ``base`` is the same SDK's non-streamed delta, to show the per-event share."""
    mon, moff = statistics.median(on) / 1000, statistics.median(off) / 1000
    delta = statistics.median([a - b for a, b in zip(on, off)]) / 1000
    per_event = f"{delta / events:8.2f}" if events else " " * 8
    excess = f"{(delta - base) / events:10.2f}" if events and base is not None else ""
    return f"{name:<44} {moff:9.0f} {mon:9.0f} {mon / moff:7.3f} {delta:9.1f} {per_event} {excess}", delta


def _other_stacks(url: str, headers: dict, loop: asyncio.AbstractEventLoop) -> list:
    """The interception layers beyond httpx (issue 16): urllib3, http.client, aiohttp, boto3."""
    import json
    import urllib.request

    import aiohttp
    import boto3
    import requests
    import urllib3

    body = {"model": MODEL, "max_tokens": 64, "messages": MSG}
    data = json.dumps(body).encode()
    session = requests.Session()
    pool = urllib3.PoolManager()
    bedrock = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=url,
                           aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="bench")
    params = json.dumps({"max_tokens": 64, "messages": MSG})
    asession = loop.run_until_complete(_aiohttp_session(aiohttp))

    def req_post():
        session.post(url + "/v1/messages", json=body).json()

    def req_stream():
        with session.post(url + "/v1/messages", json={**body, "stream": True}, headers=headers, stream=True) as r:
            for _ in r.iter_content(None):
                pass

    def u3_post():
        pool.request("POST", url + "/v1/messages", body=data)

    def urllib_post():
        with urllib.request.urlopen(urllib.request.Request(url + "/v1/messages", data=data, method="POST")) as r:
            r.read()

    async def _aio():
        async with asession.post(url + "/v1/messages", json=body) as r:
            await r.read()

    def aio_post():
        loop.run_until_complete(_aio())

    def bedrock_invoke():
        bedrock.invoke_model(modelId="us.anthropic.claude-haiku-4-5-20251001-v1:0", body=params)["body"].read()

    _CLOSE.append(asession.close)
    return [("requests POST (urllib3 layer)", req_post, 0, None),
            ("requests stream (urllib3 layer, 21 events)", req_stream, 21, "requests POST (urllib3 layer)"),
            ("urllib3 PoolManager.request (preloaded)", u3_post, 0, None),
            ("urllib.request.urlopen (http.client layer)", urllib_post, 0, None),
            ("aiohttp ClientSession.post (aiohttp layer)", aio_post, 0, None),
            ("boto3 bedrock invoke_model (urllib3 layer)", bedrock_invoke, 0, None)]


_CLOSE: list = []


async def _aiohttp_session(aiohttp):
    return aiohttp.ClientSession()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-estimate", action="store_true",
                    help="install(estimate_input=False): no tokenizer estimate of the request body")
    ap.add_argument("--only", default="", help="run only the call kinds whose name contains this text")
    ap.add_argument("--listener", choices=("null", "ledger"), default="null",
                    help="null: interception alone; ledger: the plugin's real Ledger behind it, with a "
                         "per-test and a session budget active (attribution, pre-flight, reservation, pricing)")
    args = ap.parse_args()
    global ESTIMATE
    ESTIMATE = not args.no_estimate
    rnd = random.Random(args.seed)
    proc, url = start_server()
    listener = NullListener() if args.listener == "null" else ledger_listener()
    try:
        headers = {"x-fake-text": TEXT}
        client = anthropic.Anthropic(base_url=url, api_key="bench", max_retries=0, default_headers=headers)
        oclient = openai.OpenAI(base_url=url + "/v1", api_key="bench", max_retries=0, default_headers=headers)
        raw = httpx2.Client()
        loop = asyncio.new_event_loop()
        aclient = anthropic.AsyncAnthropic(base_url=url, api_key="bench", max_retries=0, default_headers=headers)

        def create():
            client.messages.create(model=MODEL, max_tokens=64, messages=MSG)

        def stream():
            for _ in client.messages.create(model=MODEL, max_tokens=64, messages=MSG, stream=True):
                pass

        def acreate():
            loop.run_until_complete(aclient.messages.create(model=MODEL, max_tokens=64, messages=MSG))

        async def _astream():
            async for _ in await aclient.messages.create(model=MODEL, max_tokens=64, messages=MSG, stream=True):
                pass

        def astream():
            loop.run_until_complete(_astream())

        def ocreate():
            oclient.chat.completions.create(model="gpt-4o-mini", messages=MSG, max_completion_tokens=64)

        def ostream():
            for _ in oclient.chat.completions.create(model="gpt-4o-mini", messages=MSG, stream=True,
                                                     stream_options={"include_usage": True}):
                pass

        def raw_post():
            raw.post(url + "/v1/messages", json={"model": MODEL, "max_tokens": 64, "messages": MSG})

        other_stacks = _other_stacks(url, headers, loop)

        counter = CountingListener()
        capture.install(counter)
        stream()
        capture.uninstall()
        events = counter.events
        capture.install(counter)
        ostream()
        capture.uninstall()
        oevents = counter.events

        print(f"python {sys.version.split()[0]}, anthropic {anthropic.__version__}, openai {openai.__version__}, "
              f"httpx2 {httpx2.__version__}; {args.pairs} pairs; input estimate {'on' if ESTIMATE else 'off'}; "
              f"load avg {os.getloadavg()[0]:.1f}")
        print(f"{'call':<44} {'off µs':>9} {'on µs':>9} {'ratio':>7} {'Δ µs':>9} {'Δ/event':>8} "
              f"{'(Δ-Δcreate)/event':>10}")
        cases = [
            ("anthropic sync create", create, 0, None),
            ("anthropic async create", acreate, 0, None),
            (f"anthropic sync stream ({events} SSE events)", stream, events, "anthropic sync create"),
            (f"anthropic async stream ({events} SSE events)", astream, events, "anthropic async create"),
            ("openai sync chat.completions", ocreate, 0, None),
            (f"openai sync stream + usage ({oevents} events)", ostream, oevents, "openai sync chat.completions"),
            ("raw httpx2 POST /v1/messages", raw_post, 0, None),
            *other_stacks,
        ]
        deltas: dict[str, float] = {}
        for name, fn, ev, base in cases:
            if args.only and args.only not in name:
                continue
            on, off = paired(fn, args.pairs, rnd, listener)
            line, deltas[name] = row(name, on, off, ev, deltas.get(base) if base else None)
            print(line, flush=True)

        # Non-LLM traffic: in-process mock transport, blocks of calls.
        mock = httpx2.Client(transport=httpx2.MockTransport(lambda r: httpx2.Response(200, content=b"{}")))
        other = httpx2.Request("POST", "http://127.0.0.1:1/api/v2/users", content=b'{"a":1}')
        get = httpx2.Request("GET", "http://127.0.0.1:1/v1/messages")
        for name, req in (("non-LLM POST (mock transport)", other), ("GET (mock transport)", get)):
            on_ns, off_ns = blocks(lambda req=req: mock.send(req), 15, 2000, listener)
            print(f"{name:<44} {off_ns / 1000:9.2f} {on_ns / 1000:9.2f} {on_ns / off_ns:7.3f} "
                  f"{(on_ns - off_ns) / 1000:9.2f}")

        # The observer alone: feeding one stream's chunks (per event), no I/O.
        from pytest_tokenbudget.plugin.capture.observe import Call
        from pytest_tokenbudget.plugin.capture.parse import AnthropicSSE
        from pytest_tokenbudget.plugin.capture.types import CallRequest

        with raw.stream("POST", url + "/v1/messages", headers=headers,
                        json={"model": MODEL, "max_tokens": 64, "messages": MSG, "stream": True}) as r:
            chunks = list(r.iter_raw())
        req = CallRequest("anthropic", "messages", url, MODEL, 64, True, 0)
        reps = 2000
        t0 = time.perf_counter_ns()
        for _ in range(reps):
            call = Call(listener, req)
            call.reader = AnthropicSSE("anthropic", "messages")
            for ch in chunks:
                call.feed(ch)
            call.stream_end()
        per_stream = (time.perf_counter_ns() - t0) / reps / 1000
        print(f"{'observer only: parse + record one stream':<44} {per_stream:9.1f} µs "
              f"= {per_stream / events:.2f} µs/event ({len(chunks)} chunks)")
        if args.listener == "ledger":
            ledger_hot_path(url, events)
        loop.run_until_complete(aclient.close())
        for close in _CLOSE:
            loop.run_until_complete(close())
        loop.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
