"""Speed and memory of the scans inside a Mamba language model: ``python -m benchmarks.scan --json``.

For each length, forward + backward of a 2-layer, width-64 Mamba model (d_state 16, expand 2,
non-negative gate by default) at batch 32, with the chunked scan at every ``--threads`` count
(default 1 and 2), with a work-efficient log-depth parallel scan of our own as the peer
(:func:`blelloch_scan`, the up-sweep / down-sweep of Blelloch, "Prefix sums and their
applications", 1990, on the pairs ``(a, b)`` of ``h_t = a_t h_{t-1} + b_t``, differentiated by
autograd: what a pure-PyTorch parallel scan such as mamba.py's ``pscan`` does), with the
sequential reference scan (unless ``--skip-reference``) and the fair sequential loop (unless
``--no-sequential``). Each measurement runs in a fresh subprocess so that its peak resident
memory can be read; times are the median of ``--repeats`` runs after one warm-up. With
``mamba_ssm`` importable, its own ``selective_scan_ref`` is timed as well (``mamba_ssm_ref_s``);
otherwise that field is ``null``.

Output (``--json``): a JSON list, one object per length with ``length``, ``chunked_s`` (at the
first ``--threads`` count), ``chunked_s_by_threads`` and ``blelloch_s_by_threads`` (thread
count -> seconds), ``threads_ratio`` (chunked at the last count / at the first: below 1 means
more threads helped), ``blelloch_over_chunked`` (peer / ours at the first count: above 1 means
we are faster), ``reference_s``, ``speedup`` (reference / chunked), ``peak_mb`` (chunked: how
far the peak RSS, or CUDA allocation, rises above its level before the first forward pass),
``reference_peak_mb``, ``gomp_spincount`` (``--gomp-spincount``, or the inherited value), ``sequential_s`` and ``sequential_peak_mb`` (a fair sequential
baseline: the unfused ``(a, b)`` path through :func:`ssm.scan.chunked.chunked_scan` run as one
chunk, i.e. a step-by-step in-place loop with a hand-written backward), ``mamba_ssm_ref_s`` and
the settings.

The measuring subprocesses run with ``OMP_WAIT_POLICY=PASSIVE`` unless it is set already
(``--omp-wait-policy``): with OpenMP's default spinning, idle threads of every process on a busy
machine burn the cores that the working threads need, and 2 threads were 10-70x slower than 1.

``--arch deltanet`` hands the whole run to ``benchmarks.scan_delta.bench(args)`` (the DeltaNet
scan benchmark, a separate module); without that module it stops with a one-line error.

Note on the reference: :func:`ssm.scan.reference.linear_scan_ref` is a plain loop under autograd;
its backward through ``a[:, t]`` allocates a full-size gradient per step, so its cost grows like
``T²`` and the speedup over it grows with the length. ``sequential_s`` shows what a careful
sequential loop achieves.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from analyses.cli import add_common_args, run_main

DEFAULT_LENGTHS = (64, 128, 256, 512, 1024)


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    import os
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _max_rss_mb() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def blelloch_scan(a, b, h0=None):
    """``h_t = a_t h_{t-1} + b_t`` along dim 1 by a log-depth up-sweep / down-sweep.

    The up-sweep combines neighbouring pairs, ``(a1, b1) . (a2, b2) = (a1 a2, a2 b1 + b2)``,
    halving the length ``log2 T`` times; the down-sweep rebuilds every prefix from the level
    above: odd positions take the parent's prefix, even ones ``a h_(parent before) + b``.
    ``2 log2 T`` whole-tensor steps, ``O(T)`` work, plain autograd for the backward.

    >>> import torch
    >>> a = torch.tensor([[[0.5], [-1.0], [0.0], [2.0], [1.0]]]); b = torch.ones(1, 5, 1)
    >>> blelloch_scan(a, b).squeeze().tolist()
    [1.0, 0.0, 1.0, 3.0, 4.0]
    """
    import torch

    a, b = torch.broadcast_tensors(a, b)
    batch, length = b.shape[:2]
    rest = b.shape[2:]
    a = a.reshape(batch, length, -1)
    b = b.reshape(batch, length, -1)
    if h0 is not None:                      # fold the initial state into the first input
        b = torch.cat([a[:, :1] * h0.reshape(batch, 1, -1) + b[:, :1], b[:, 1:]], dim=1)
    size = 1
    while size < length:
        size *= 2
    if size > length:
        a = torch.cat([a, a.new_ones(batch, size - length, a.shape[2])], dim=1)
        b = torch.cat([b, b.new_zeros(batch, size - length, b.shape[2])], dim=1)
    levels = []
    while a.shape[1] > 1:                   # up-sweep
        levels.append((a, b))
        a0, a1 = a[:, 0::2], a[:, 1::2]
        b0, b1 = b[:, 0::2], b[:, 1::2]
        a, b = a0 * a1, a1 * b0 + b1
    h = b                                   # prefix of the whole (padded) sequence
    for a_l, b_l in reversed(levels):       # down-sweep
        before = torch.cat([h.new_zeros(batch, 1, h.shape[2]), h[:, :-1]], dim=1)
        even = a_l[:, 0::2] * before + b_l[:, 0::2]
        h = torch.stack([even, h], dim=2).reshape(batch, -1, h.shape[2])
    return h[:, :length].reshape(batch, length, *rest)


def measure(scan: str, length: int, *, batch: int, width: int, layers: int, gate: str,
            repeats: int, threads: int, device: str, seed: int = 0) -> dict:
    """Time forward + backward of one model configuration in this process."""
    import torch

    from ssm.config import ModelConfig
    from ssm.model import build_model

    torch.set_num_threads(threads)
    cfg = ModelConfig(arch="mamba", gate=gate, layers=layers, width=width, vocab_size=4,
                      n_outputs=3, scan="chunked" if scan in ("sequential", "blelloch") else scan,
                      max_len=max(length, 1))
    model = build_model(cfg, seed=seed, device=device)
    if scan == "sequential":
        # A fair sequential baseline: the generic (a, b) path with the step-by-step in-place
        # loop of ssm.scan.chunked (one chunk) and its hand-written backward, no autograd
        # graph over time steps.
        import functools

        from ssm.scan import ScanFn
        from ssm.scan.chunked import chunked_scan
        fn = ScanFn("sequential", functools.partial(chunked_scan, chunk_size=max(length, 1)))
        for block in model.layers:
            block.mixer._scan_fn = lambda device, need_states: fn
    if scan == "blelloch":                                 # the parallel-scan peer
        from ssm.scan import ScanFn
        peer = ScanFn("blelloch", blelloch_scan)
        for block in model.layers:
            block.mixer._scan_fn = lambda device, need_states: peer
    gen = torch.Generator().manual_seed(seed)
    tokens = torch.randint(1, 4, (batch, length), generator=gen).to(model.device)
    cuda = model.device.type == "cuda"

    def run_once() -> float:
        model.zero_grad(set_to_none=True)
        if cuda:
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        model(tokens).float().pow(2).mean().backward()
        if cuda:
            torch.cuda.synchronize()
        return time.perf_counter() - t0

    base = _rss_mb()                                       # before any forward pass
    if cuda:
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated() / 2**20
    run_once()                                             # warm-up
    times = [run_once() for _ in range(repeats)]
    peak = (torch.cuda.max_memory_allocated() / 2**20 if cuda else _max_rss_mb()) - base
    return {"seconds": statistics.median(times), "peak_mb": round(max(peak, 0.0), 1)}


def measure_mamba_ssm_ref(length: int, *, batch: int, width: int, repeats: int, threads: int,
                          seed: int = 0) -> float | None:
    """Forward + backward of mamba-ssm's ``selective_scan_ref`` alone, or None if unavailable."""
    import torch
    try:
        from ssm.scan.mamba_backend import load_selective_scan_ref
        ref = load_selective_scan_ref()
    except ValueError:
        return None
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(seed)
    d_inner, d_state = 2 * width, 16
    u, delta = (torch.randn(batch, d_inner, length, generator=gen).requires_grad_()
                for _ in range(2))
    A = -torch.rand(d_inner, d_state, generator=gen).requires_grad_()
    B, C = (torch.randn(batch, d_state, length, generator=gen).requires_grad_() for _ in range(2))
    times = []
    for _ in range(repeats + 1):
        t0 = time.perf_counter()
        ref(u, delta, A, B, C, delta_softplus=True).sum().backward()
        times.append(time.perf_counter() - t0)
    return statistics.median(times[1:])


def _child(args: argparse.Namespace) -> int:
    res = measure(args.child, args.child_length, batch=args.batch, width=args.width,
                  layers=args.layers, gate=args.gate, repeats=args.repeats,
                  threads=args.threads, device=args.device)
    print(json.dumps(res))
    return 0


def _in_subprocess(args: argparse.Namespace, scan: str, length: int, threads: int | None = None) -> dict:
    threads = args.threads[0] if threads is None else threads
    cmd = [sys.executable, "-m", "benchmarks.scan", "--child", scan, "--child-length", str(length),
           "--batch", str(args.batch), "--width", str(args.width), "--layers", str(args.layers),
           "--gate", args.gate, "--repeats", str(args.repeats), "--threads", str(threads),
           "--device", args.device]
    env = dict(os.environ)
    if args.omp_wait_policy != "inherit":
        env.setdefault("OMP_WAIT_POLICY", args.omp_wait_policy)
    if args.gomp_spincount is not None:
        env["GOMP_SPINCOUNT"] = str(args.gomp_spincount)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"benchmark child failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main_body(args: argparse.Namespace) -> int:
    if args.child:
        args.threads = args.threads[0]
        return _child(args)
    if args.arch == "deltanet":
        try:
            from benchmarks import scan_delta
        except ImportError:
            raise ValueError("--arch deltanet needs benchmarks/scan_delta.py, which is not "
                             "installed") from None
        return scan_delta.bench(args)
    if any(t < 1 for t in args.threads):
        raise ValueError(f"--threads must be positive, got {args.threads}")
    if args.gomp_spincount is not None and args.gomp_spincount < 0:
        raise ValueError(f"--gomp-spincount must be >= 0, got {args.gomp_spincount}")
    rows = []
    first, last = args.threads[0], args.threads[-1]
    for length in args.lengths:
        if length < 1:
            raise ValueError(f"lengths must be positive, got {length}")
        chunked = {t: _in_subprocess(args, "chunked", length, t) for t in args.threads}
        peer = {t: _in_subprocess(args, "blelloch", length, t) for t in args.threads} \
            if args.peer else {}
        reference = _in_subprocess(args, "reference", length) if args.reference else None
        sequential = _in_subprocess(args, "sequential", length) if args.sequential else None
        c0 = chunked[first]["seconds"]
        row = {
            "length": length,
            "chunked_s": round(c0, 4),
            "chunked_s_by_threads": {str(t): round(r["seconds"], 4) for t, r in chunked.items()},
            "threads_ratio": round(chunked[last]["seconds"] / c0, 3),
            "blelloch_s_by_threads": {str(t): round(r["seconds"], 4) for t, r in peer.items()},
            "blelloch_over_chunked": round(peer[first]["seconds"] / c0, 2) if peer else None,
            "reference_s": round(reference["seconds"], 4) if reference else None,
            "speedup": round(reference["seconds"] / c0, 2) if reference else None,
            "peak_mb": chunked[first]["peak_mb"],
            "reference_peak_mb": reference["peak_mb"] if reference else None,
            "blelloch_peak_mb": peer[first]["peak_mb"] if peer else None,
            "sequential_s": round(sequential["seconds"], 4) if sequential else None,
            "sequential_peak_mb": sequential["peak_mb"] if sequential else None,
            "mamba_ssm_ref_s": measure_mamba_ssm_ref(length, batch=args.batch, width=args.width,
                                                     repeats=args.repeats, threads=first),
            "batch": args.batch, "width": args.width, "layers": args.layers, "gate": args.gate,
            "threads": list(args.threads), "device": args.device, "repeats": args.repeats,
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", args.omp_wait_policy),
            "gomp_spincount": (args.gomp_spincount if args.gomp_spincount is not None
                               else os.environ.get("GOMP_SPINCOUNT")),
            "loadavg_1min": round(os.getloadavg()[0], 2),
        }
        rows.append(row)
        # Progress: stdout normally, stderr under --json (stdout stays pure JSON).
        by = "  ".join(f"{t} thr {r['seconds']:.3f}s" for t, r in chunked.items())
        print(f"T={length:5d}  chunked {by}"
              + (f"  blelloch {peer[first]['seconds']:.3f}s (x{row['blelloch_over_chunked']})"
                 if peer else "")
              + (f"  reference {row['reference_s']:.3f}s" if reference else "")
              + (f"  sequential {row['sequential_s']:.3f}s" if sequential else ""),
              file=sys.stderr if args.json else sys.stdout, flush=True)
    if args.json:
        print(json.dumps(rows, indent=1))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.scan", description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per length")
    p.add_argument("--lengths", type=int, nargs="+", default=list(DEFAULT_LENGTHS))
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--gate", default="nonnegative",
                   choices=["nonnegative", "signed", "complex", "time_invariant"])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                   help="torch thread counts to time the chunked scan and the peer at "
                        "(default 1 2); the first is the one reported as chunked_s")
    p.add_argument("--skip-reference", dest="reference", action="store_false",
                   help="skip the sequential reference scan (minutes at long lengths)")
    p.add_argument("--no-peer", dest="peer", action="store_false",
                   help="skip the Blelloch parallel-scan peer")
    p.add_argument("--omp-wait-policy", default="PASSIVE", choices=["PASSIVE", "ACTIVE", "inherit"],
                   help="OMP_WAIT_POLICY for the measuring subprocesses unless already set "
                        "(default PASSIVE: idle OpenMP threads sleep instead of spinning; on a "
                        "busy machine spinning made 2 threads 10-70x slower than 1)")
    p.add_argument("--gomp-spincount", type=int, default=None,
                   help="GOMP_SPINCOUNT for the measuring subprocesses (libgomp: how long an idle "
                        "thread spins before it sleeps; with PASSIVE it sleeps at once). On idle "
                        "cores 10000 made 2 threads 1.5x faster at length 64; on busy ones it "
                        "made them 2x slower than 1 thread")
    p.add_argument("--arch", default="mamba", choices=["mamba", "deltanet"],
                   help="mamba (this module) or deltanet (benchmarks.scan_delta)")
    p.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    p.add_argument("--no-sequential", dest="sequential", action="store_false",
                   help="skip the fair sequential baseline (sequential_s)")
    p.add_argument("--child", default=None, choices=["chunked", "reference", "sequential", "blelloch"],
                   help=argparse.SUPPRESS)
    p.add_argument("--child-length", type=int, default=0, help=argparse.SUPPRESS)
    return add_common_args(p)


def main(argv=None) -> int:
    return run_main(main_body, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
