"""Speed and memory of the scans inside a Mamba language model: ``python -m benchmarks.scan --json``.

For each length, forward + backward of a 2-layer, width-64 Mamba model (d_state 16, expand 2,
non-negative gate by default) at batch 32, once with the sequential reference scan and once with
the chunked scan (``torch.set_num_threads(2)`` unless ``--threads``). Each measurement runs in a
fresh subprocess so that its peak resident memory can be read; times are the median of
``--repeats`` runs after one warm-up. With ``mamba_ssm`` importable, its own
``selective_scan_ref`` is timed as well (``mamba_ssm_ref_s``); otherwise that field is ``null``.

Output (``--json``): a JSON list, one object per length with ``length``, ``reference_s``,
``chunked_s``, ``speedup`` (reference / chunked), ``peak_mb`` (chunked: how far the peak RSS,
or CUDA allocation, rises above its level before the first forward pass), ``reference_peak_mb``, ``sequential_s`` and
``sequential_peak_mb`` (a fair sequential baseline: the unfused ``(a, b)`` path through
:func:`ssm.scan.chunked.chunked_scan` run as one chunk, i.e. a step-by-step in-place loop with a
hand-written backward), ``mamba_ssm_ref_s`` and the settings.

Note on the reference: :func:`ssm.scan.reference.linear_scan_ref` is a plain loop under autograd;
its backward through ``a[:, t]`` allocates a full-size gradient per step, so its cost grows like
``T²`` and the speedup over it grows with the length. ``sequential_s`` shows what a careful
sequential loop achieves.
"""
from __future__ import annotations

import argparse
import json
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


def measure(scan: str, length: int, *, batch: int, width: int, layers: int, gate: str,
            repeats: int, threads: int, device: str, seed: int = 0) -> dict:
    """Time forward + backward of one model configuration in this process."""
    import torch

    from ssm.config import ModelConfig
    from ssm.model import build_model

    torch.set_num_threads(threads)
    cfg = ModelConfig(arch="mamba", gate=gate, layers=layers, width=width, vocab_size=4,
                      n_outputs=3, scan="chunked" if scan == "sequential" else scan,
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


def _in_subprocess(args: argparse.Namespace, scan: str, length: int) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.scan", "--child", scan, "--child-length", str(length),
           "--batch", str(args.batch), "--width", str(args.width), "--layers", str(args.layers),
           "--gate", args.gate, "--repeats", str(args.repeats), "--threads", str(args.threads),
           "--device", args.device]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"benchmark child failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main_body(args: argparse.Namespace) -> int:
    if args.child:
        return _child(args)
    rows = []
    for length in args.lengths:
        if length < 1:
            raise ValueError(f"lengths must be positive, got {length}")
        chunked = _in_subprocess(args, "chunked", length)
        reference = _in_subprocess(args, "reference", length)
        sequential = _in_subprocess(args, "sequential", length) if args.sequential else None
        row = {
            "length": length,
            "reference_s": round(reference["seconds"], 4),
            "chunked_s": round(chunked["seconds"], 4),
            "speedup": round(reference["seconds"] / chunked["seconds"], 2),
            "peak_mb": chunked["peak_mb"],
            "reference_peak_mb": reference["peak_mb"],
            "sequential_s": round(sequential["seconds"], 4) if sequential else None,
            "sequential_peak_mb": sequential["peak_mb"] if sequential else None,
            "mamba_ssm_ref_s": measure_mamba_ssm_ref(length, batch=args.batch, width=args.width,
                                                     repeats=args.repeats, threads=args.threads),
            "batch": args.batch, "width": args.width, "layers": args.layers, "gate": args.gate,
            "threads": args.threads, "device": args.device, "repeats": args.repeats,
        }
        rows.append(row)
        # Progress: stdout normally, stderr under --json (stdout stays pure JSON).
        print(f"T={length:5d}  reference {row['reference_s']:.3f}s  chunked "
              f"{row['chunked_s']:.3f}s  speedup {row['speedup']:.1f}x  peak "
              f"{row['peak_mb']} MB (reference {row['reference_peak_mb']} MB)"
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
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    p.add_argument("--no-sequential", dest="sequential", action="store_false",
                   help="skip the fair sequential baseline (sequential_s)")
    p.add_argument("--child", default=None, choices=["chunked", "reference", "sequential"],
                   help=argparse.SUPPRESS)
    p.add_argument("--child-length", type=int, default=0, help=argparse.SUPPRESS)
    return add_common_args(p)


def main(argv=None) -> int:
    return run_main(main_body, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
