"""Speed of the delta-rule scans: ``python -m benchmarks.scan_delta --json``.

For each length, forward + backward (of the mean squared logits) of a DeltaNet language model —
2 layers, width 64, 4 heads of 16 × 16 states, β ∈ (0, 2), batch 16 by default — once with the
sequential reference scan (:func:`ssm.scan.delta_reference.delta_rule_ref`) and once with the
chunked WY/UT scan (:func:`ssm.scan.delta_chunked.delta_rule_chunked`, chunks of 16 by default), and the same
for the scans alone on the inputs of one such layer (``scan_*`` fields). Times are medians of
``repeats`` runs after one warm-up, in this process, with ``torch.set_num_threads(threads)``.

Output: a list of dicts, one per length, with ``length``, ``reference_s``, ``chunked_s``,
``speedup`` (reference / chunked, model level), the same in CPU time of the process
(``reference_cpu_s``, ``chunked_cpu_s``, ``cpu_speedup``: on a shared machine wall time also
counts waiting for a core), ``scan_reference_s``, ``scan_chunked_s``, ``scan_speedup`` and the
settings (``reference_s``/``scan_reference_s`` are ``None`` with
``skip_reference``). :func:`bench` is the library entry point.
"""
from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import time

from analyses.cli import add_common_args, run_main

__all__ = ["bench", "main"]

DEFAULT_LENGTHS = (64, 512)


def _median_time(fn, repeats: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (``time.process_time``; on a shared
    machine the wall time also counts waiting for a core)."""
    fn()                                                   # warm-up
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def _model_time(scan: str, length: int, *, batch: int, width: int, layers: int, heads: int,
                n_householder: int, repeats: int, seed: int, chunk_size: int) -> tuple[float, float]:
    import torch

    from ssm.layers.deltanet_model import build_deltanet_model, deltanet_config

    arch = "deltanet" if n_householder == 1 else "deltaproduct"
    cfg = deltanet_config(arch, layers=layers, width=width, heads=heads, beta_range=(0, 2),
                          n_householder=n_householder, vocab_size=4, n_outputs=3, scan=scan,
                          chunk_size=chunk_size)
    model = build_deltanet_model(cfg, seed=seed, device="cpu")
    tokens = torch.randint(1, 4, (batch, length), generator=torch.Generator().manual_seed(seed))

    def run():
        model.zero_grad(set_to_none=True)
        model(tokens).pow(2).mean().backward()
    return _median_time(run, repeats)


def _scan_time(scan: str, length: int, *, batch: int, heads: int, head_dim: int, repeats: int,
               seed: int, chunk_size: int) -> tuple[float, float]:
    import torch
    import torch.nn.functional as F

    from ssm.scan.delta_chunked import delta_rule_chunked
    from ssm.scan.delta_reference import delta_rule_ref

    g = torch.Generator().manual_seed(seed)
    shape = (batch, length, heads, head_dim)
    q, k = (F.normalize(torch.randn(*shape, generator=g), dim=-1).requires_grad_() for _ in range(2))
    v = torch.randn(*shape, generator=g).requires_grad_()
    beta = (2 * torch.rand(batch, length, heads, generator=g)).requires_grad_()
    fn = delta_rule_ref if scan == "reference" else functools.partial(delta_rule_chunked,
                                                                     chunk_size=chunk_size)

    def run():
        for x in (q, k, v, beta):
            x.grad = None
        out = fn(q, k, v, beta)
        (out.o.pow(2).mean() + out.final_state.pow(2).mean()).backward()
    return _median_time(run, repeats)


def bench(lengths=DEFAULT_LENGTHS, repeats: int = 3, threads: int = 1,
          skip_reference: bool = False, *, batch: int = 16, width: int = 64, layers: int = 2,
          heads: int = 4, n_householder: int = 1, chunk_size: int = 16,
          seed: int = 0) -> list[dict]:
    """Reference vs chunked delta-rule scans, forward + backward, at each length (module doc).

    >>> rows = bench([8], repeats=1, batch=2, width=8, layers=1, heads=2)
    >>> sorted(rows[0])[:4], rows[0]["length"]
    (['arch', 'batch', 'chunk_size', 'chunked_cpu_s'], 8)
    """
    import torch

    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be a positive integer, got {repeats!r}")
    old = torch.get_num_threads()
    torch.set_num_threads(threads)
    rows = []
    try:
        for length in lengths:
            if isinstance(length, bool) or not isinstance(length, int) or length < 1:
                raise ValueError(f"lengths must be positive integers, got {length!r}")
            kw = dict(batch=batch, width=width, layers=layers, heads=heads,
                      n_householder=n_householder, repeats=repeats, seed=seed,
                      chunk_size=chunk_size)
            skw = dict(batch=batch, heads=heads, head_dim=width // heads, repeats=repeats,
                       seed=seed, chunk_size=chunk_size)
            ch, ch_cpu = _model_time("chunked", length, **kw)
            sch, _ = _scan_time("chunked", length, **skw)
            ref, ref_cpu = (None, None) if skip_reference else _model_time("reference", length, **kw)
            sref, _ = (None, None) if skip_reference else _scan_time("reference", length, **skw)
            rows.append({
                "length": length,
                "reference_s": None if ref is None else round(ref, 5),
                "chunked_s": round(ch, 5),
                "speedup": None if ref is None else round(ref / ch, 2),
                "reference_cpu_s": None if ref_cpu is None else round(ref_cpu, 5),
                "chunked_cpu_s": round(ch_cpu, 5),
                "cpu_speedup": None if ref_cpu is None else round(ref_cpu / ch_cpu, 2),
                "scan_reference_s": None if sref is None else round(sref, 5),
                "scan_chunked_s": round(sch, 5),
                "scan_speedup": None if sref is None else round(sref / sch, 2),
                "arch": "deltanet" if n_householder == 1 else "deltaproduct",
                "n_householder": n_householder, "batch": batch, "width": width,
                "layers": layers, "heads": heads, "chunk_size": chunk_size, "threads": threads,
                "repeats": repeats,
                "device": "cpu"})
    finally:
        torch.set_num_threads(old)
    return rows


def main_body(args: argparse.Namespace) -> int:
    rows = bench(args.lengths, args.repeats, args.threads, args.skip_reference, batch=args.batch,
                 width=args.width, layers=args.layers, heads=args.heads,
                 n_householder=args.n_householder, chunk_size=args.chunk_size)
    for row in rows:
        ref = "" if row["reference_s"] is None else (
            f"reference {row['reference_s']:.3f}s  speedup {row['speedup']:.1f}x  ")
        cpu = "" if row["cpu_speedup"] is None else f"(CPU time {row['cpu_speedup']:.1f}x)  "
        print(f"T={row['length']:5d}  {ref}chunked {row['chunked_s']:.3f}s  {cpu} scan only: "
              + ("" if row["scan_reference_s"] is None else
                 f"reference {row['scan_reference_s']:.3f}s  speedup {row['scan_speedup']:.1f}x  ")
              + f"chunked {row['scan_chunked_s']:.3f}s",
              file=sys.stderr if args.json else sys.stdout, flush=True)
    if args.json:
        print(json.dumps(rows, indent=1))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.scan_delta",
                                description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per length")
    p.add_argument("--lengths", type=int, nargs="+", default=list(DEFAULT_LENGTHS))
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--n-householder", type=int, default=1,
                   help="Householder steps per token (more than 1: DeltaProduct)")
    p.add_argument("--chunk-size", type=int, default=16, help="chunk length of the chunked scan")
    p.add_argument("--skip-reference", action="store_true", help="time the chunked scan only")
    return add_common_args(p)


def main(argv=None) -> int:
    return run_main(main_body, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
