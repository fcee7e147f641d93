"""Many people at once: concurrent clients against one `rag serve` on loopback (web app and HTTP API mixed).

    python benchmarks/load.py                       # 20 clients, half web (Gradio client), half API (/v1/ask)
    python benchmarks/load.py --clients 10 --web 0 # API only

What it does, bounded in count and time (issue 13's load check; a benchmark, not a timed test):

1. Ingests the bundled corpus into a fresh home (a temp folder) and starts ``rag serve`` on 127.0.0.1 at a
   free port, in its own process: the one set of loaded models the web app and the API share.
2. Asks one question alone (warm-up, then one timed answer: the time one answer takes with nobody waiting).
3. Starts ``--clients`` clients at the same moment, each asking one answerable question of
   ``eval/sets/bundled.jsonl``: web clients through Gradio's own client (the ``/ask`` event, the web app's
   line), API clients through ``POST /v1/ask``. Every client has ``--timeout`` seconds.
4. Reports errors (target 0), latency p50/p95, how latency grows with the place in line (against
   "place × one answer's time"), and the server's resident memory (after warm-up, peak during the burst,
   after), read from ``/proc`` for the server and its child processes.

The server's own line (``serve.llm_slots``, ``serve.max_waiting``) decides what waits: with more clients
than ``serve.max_waiting`` + slots the API answers 503 with Retry-After, which this benchmark counts as an
error, as a user would.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.offline import OFFLINE_ENV

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    client: int
    kind: str  # web | api
    question: str
    started: float
    finished: float
    latency: float
    ok: bool
    error: str | None = None
    abstained: bool | None = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (MB), from /proc; 0 when it is gone."""
    total, todo, seen = 0.0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
            todo.extend(int(c) for c in children)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def questions(n: int) -> list[str]:
    rows = [json.loads(x) for x in (REPO / "eval" / "sets" / "bundled.jsonl").read_text().splitlines() if x.strip()]
    qs = [r["question"] for r in rows if not r.get("unanswerable")]
    return [qs[i % len(qs)] for i in range(n)]


def ask_api(base: str, question: str, timeout: float) -> tuple[bool, str | None, bool | None]:
    import httpx

    r = httpx.post(f"{base}/v1/ask", json={"question": question}, timeout=timeout)
    if r.status_code != 200:
        return False, f"HTTP {r.status_code}: {r.text[:200]}", None
    return True, None, bool(r.json().get("abstained"))


def ask_web(base: str, question: str, timeout: float) -> tuple[bool, str | None, bool | None]:
    from gradio_client import Client

    client = Client(base + "/", verbose=False)
    job = client.submit(question, api_name="/ask")
    out = job.result(timeout=timeout)
    transcript = out[0] if isinstance(out, (list, tuple)) else out
    if not transcript or "cr-" not in str(transcript):
        return False, f"empty transcript: {str(out)[:200]}", None
    return True, None, None


def wait_ready(base: str, proc: subprocess.Popen, timeout: float) -> None:
    import httpx

    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"rag serve exited with {proc.returncode} before it was ready")
        try:
            if httpx.get(f"{base}/v1/status", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit(f"rag serve was not ready after {timeout:.0f} s")


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--web", type=float, default=0.5, help="share of clients that use the web app (rest: HTTP API)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds each client may wait for its answer")
    ap.add_argument("--out", type=Path, default=None, help="write the per-client results and the summary (JSON)")
    ap.add_argument("-o", "--override", action="append", default=[], help="KEY=VALUE settings for the server")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= 64:
        raise SystemExit("--clients must be between 1 and 64 (loopback only, bounded)")
    rag = str(REPO / ".venv" / "bin" / "rag")
    env = {**os.environ, **OFFLINE_ENV}
    with tempfile.TemporaryDirectory(prefix="corroborate-load-") as home:
        env["RAG_HOME"] = home
        overrides = [x for kv in args.override for x in ("-o", kv)]
        subprocess.run([rag, *overrides, "ingest", str(REPO / "corpus")], env=env, check=True, capture_output=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(Path(home) / "serve.log", "w")
        proc = subprocess.Popen([rag, *overrides, "serve", "--port", str(port)], env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        mem: list[tuple[float, float]] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                mem.append((time.time(), rss_mb(proc.pid)))
                stop.wait(0.5)

        try:
            wait_ready(base, proc, 300)
            threading.Thread(target=sample, daemon=True).start()
            qs = questions(args.clients + 1)
            ask_api(base, qs[-1], args.timeout)  # warm-up: models loaded, prompt cache filled
            t = time.time()
            ok, err, _ = ask_api(base, qs[0], args.timeout)
            one = time.time() - t
            if not ok:
                raise SystemExit(f"the single timed question failed: {err}")
            rss_warm = rss_mb(proc.pid)
            n_web = round(args.clients * args.web)
            results: list[Result] = []
            lock = threading.Lock()
            go = threading.Barrier(args.clients + 1)

            def client(i: int) -> None:
                kind = "web" if i < n_web else "api"
                go.wait()
                t0 = time.time()
                try:
                    ok, err, abstained = (ask_web if kind == "web" else ask_api)(base, qs[i], args.timeout)
                except Exception as e:  # a client that fails is a result, not a crash of the benchmark
                    ok, err, abstained = False, f"{type(e).__name__}: {e}"[:300], None
                t1 = time.time()
                with lock:
                    results.append(Result(i, kind, qs[i], t0, t1, t1 - t0, ok, err, abstained))

            threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
            for th in threads:
                th.start()
            burst = time.time()
            go.wait()
            for th in threads:
                th.join(args.timeout + 60)
            end = time.time()
            time.sleep(2)
            rss_after = rss_mb(proc.pid)
        finally:
            stop.set()
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
    done = sorted(results, key=lambda r: r.finished)
    lat = [r.latency for r in done if r.ok]
    # place in line = order of completion (1 = first answered); the target is latency close to place x one answer
    ratios = [r.latency / (k * one) for k, r in enumerate(done, 1) if r.ok]
    peak = max((m for t, m in mem if burst <= t <= end), default=float("nan"))
    summary = {
        "clients": args.clients, "web": n_web, "api": args.clients - n_web,
        "errors": sum(not r.ok for r in done), "error_kinds": sorted({(r.error or "")[:80] for r in done if not r.ok}),
        "one_answer_s": round(one, 2), "p50_s": round(pct(lat, 0.5), 2), "p95_s": round(pct(lat, 0.95), 2),
        "max_s": round(max(lat), 2) if lat else None, "burst_s": round(end - burst, 1),
        "latency_over_place_x_one": {"median": round(statistics.median(ratios), 2) if ratios else None,
                                     "max": round(max(ratios), 2) if ratios else None},
        "rss_mb": {"after_warm_up": round(rss_warm), "peak_during_burst": round(peak), "after": round(rss_after)},
        "overrides": args.override, "cpu_count": os.cpu_count(), "load_avg_at_end": os.getloadavg(),
    }
    print(json.dumps(summary, indent=1))
    for k, r in enumerate(done, 1):
        print(f"{k:>3} {r.kind:3} {'ok ' if r.ok else 'ERR'} {r.latency:7.1f}s  place x one = {k * one:6.1f}s  "
              f"{r.question[:60]}{'  ' + r.error if r.error else ''}")
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "results": [asdict(r) for r in done]}, indent=1))
    return 0 if summary["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
