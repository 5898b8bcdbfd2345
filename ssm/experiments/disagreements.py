"""Every cell where verdict and observation disagree, with what the same sweep can check.

For each decided (language, cell) that disagrees by best-of-k or by majority of seeds
(:mod:`ssm.experiments.agreement`, :mod:`ssm.experiments.seed_stats`), :func:`read_disagreements`
gathers the evidence the sweep already holds and names the gap by a fixed rule, the same for
every cell (nothing here is tuned to a cell or a verdict):

- a **yes** that was not learned:

  * ``seed reliability`` when the best-of-k run (picked on bin 1) solves it but most seeds do
    not: the model class learns it at this budget, not reliably;
  * ``capacity`` when the same architecture and gate with *more layers* solves the language
    in this sweep (by majority of its seeds): the verdict's model exists, but at this width,
    depth and budget training found it only in the deeper model;
  * else ``learnability (does not fit the training set)`` when no seed reaches the threshold on
    its own training strings: optimization failed before length mattered;
  * else ``learnability (length generalization)``: some seed fits its training strings but
    fails the longer ones.

- a **no** that was solved: ``verdict challenged up to length N`` (N the longest test string).
  The impossibility results are statements about *every* length (finite precision, a fixed
  model, unboundedly long inputs), so a model right up to length N does not refute them; the
  row says how far the test went and what the longest bin shows. Only a verdict that fails a
  check at every length tried should be read as wrong: test longer (``--set`` the bins' lengths)
  before concluding.

Beside the reading, each row lists the *peers*: other cells of the sweep on the same language
whose verdict is yes and that solve it by majority (e.g. the LSTM), which shows whether the
data and budget suffice for some model at all.

>>> def run(cell, seed, train, b2):
...     return {"language": "p", "cell": cell, "seed": seed, "error": None,
...             "train_string_accuracy": train, "group": "g",
...             "bins": [{"string_accuracy": 1.0, "max_length": 50},
...                      {"string_accuracy": b2, "max_length": 100}]}
>>> vm = {"p": {"ssm_signed": {"label": "yes", "layers": 1}}}
>>> rows = [run("mamba-signed-L1", s, 0.5, 0.1) for s in range(3)]
>>> rows += [run("mamba-signed-L2", s, 1.0, 1.0) for s in range(3)]
>>> [d["reading"] for d in read_disagreements(rows, vm)]
['capacity']
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from ssm.experiments.agreement import THRESHOLD, agreement
from ssm.experiments.grid import get_cell
from ssm.experiments.seed_stats import majority_agreement, seed_statistics
from ssm.experiments.selection import select_best

__all__ = ["read_disagreements", "reading_counts", "READINGS"]

#: The readings, in the order the rule tries them.
SEEDS, CAPACITY, NO_FIT, LENGTH, CHALLENGED = (
    "seed reliability (best-of-k solves, most seeds do not)", "capacity",
    "learnability (does not fit the training set)", "learnability (length generalization)",
    "verdict challenged")
READINGS = (SEEDS, CAPACITY, NO_FIT, LENGTH, CHALLENGED)


def _solved_by_majority(st: Mapping[str, Any]) -> bool:
    return st["fraction"] > 0.5


def _fits(st: Mapping[str, Any], threshold: float) -> int:
    return sum(1 for _, a in st["train"] if a is not None and a >= threshold)


def _longest(rows: Iterable[dict]) -> int | None:
    lengths = [b.get("max_length") for r in rows for b in r.get("bins", ())
               if b.get("max_length") is not None]
    return max(lengths) if lengths else None


def read_disagreements(rows: Iterable[dict], verdict_map: Mapping[str, Mapping[str, dict]],
                       threshold: float = THRESHOLD, stats: Mapping | None = None
                       ) -> list[dict[str, Any]]:
    """One dict per disagreeing decided cell (either reading), sorted by language and cell:
    ``language, cell, family, verdict, best_of_k_agrees, majority_agrees, seeds`` (per seed:
    ``seed, train, bin2, last_bin``), ``fits_train`` (seeds fitting their training strings),
    ``deeper`` (``[(cell, solved, k)]``: the same architecture and gate with more layers),
    ``peers`` (``[(cell, solved, k)]``: other yes cells solving the language by majority),
    ``longest`` (longest test length), ``best_run`` (the best-of-k run's id), ``reading``
    (one of :data:`READINGS`, the last one written ``verdict challenged up to length N``) and
    ``evidence`` (one sentence)."""
    rows = list(rows)
    stats = seed_statistics(rows, threshold) if stats is None else stats
    best = select_best(rows)
    by_best = {(c["language"], c["cell"]): c["agrees"]
               for c in agreement(best, verdict_map, threshold)["cells"]}
    by_major = {(c["language"], c["cell"]): c["agrees"]
                for c in majority_agreement(stats, verdict_map)["cells"]}
    out = []
    for key in sorted(stats):
        a_best, a_major = by_best.get(key), by_major.get(key)
        if a_best is not False and a_major is not False:
            continue
        lang, cell = key
        st, c = stats[key], get_cell(cell)
        verdict = verdict_map.get(lang, {}).get(c.family, {}).get("label")
        lang_rows = [r for r in rows if r["language"] == lang]
        deeper, peers = [], []
        for (l2, other), st2 in sorted(stats.items()):
            if l2 != lang or other == cell:
                continue
            c2 = get_cell(other)
            entry = (other, st2["solved"], st2["n_seeds"])
            if (c2.arch, c2.gate, c2.options) == (c.arch, c.gate, c.options) and c2.layers > c.layers:
                deeper.append(entry)
            elif (verdict_map.get(lang, {}).get(c2.family, {}).get("label") == "yes"
                  and _solved_by_majority(st2)):
                peers.append(entry)
        fits = _fits(st, threshold)
        longest = _longest(lang_rows)
        k = st["n_seeds"]
        if verdict == "yes" and a_best is True:
            reading = SEEDS
            evidence = (f"{st['solved']}/{k} seeds solve it; the best-of-k run reaches "
                        f"{100 * (st['best_bin2'] or 0.0):.1f} % in bin 2")
        elif verdict == "yes":
            solving_deeper = [d for d in deeper if _solved_by_majority(stats[(lang, d[0])])]
            if solving_deeper:
                reading = CAPACITY
                evidence = (f"{solving_deeper[0][0]} solves it with {solving_deeper[0][1]}/"
                            f"{solving_deeper[0][2]} seeds; {fits}/{k} seeds of this cell fit "
                            "their training strings")
            elif fits == 0:
                reading = NO_FIT
                best_train = max((a for _, a in st["train"] if a is not None), default=None)
                evidence = (f"no seed fits its training strings (best "
                            f"{'–' if best_train is None else f'{100 * best_train:.1f} %'})")
            else:
                reading = LENGTH
                evidence = f"{fits}/{k} seeds fit their training strings; bin 2 fails"
        else:
            reading = f"{CHALLENGED} up to length {longest}"
            last = [a for _, a in st["last_bin"] if a is not None]
            evidence = (f"{st['solved']}/{k} seeds reach {100 * threshold:.0f} % in bin 2; "
                        f"longest bin (to length {longest}): "
                        + (f"best {100 * max(last):.1f} %" if last else "–"))
        out.append({"language": lang, "cell": cell, "family": c.family, "verdict": verdict,
                    "best_run": None if st.get("best") is None else st["best"].get("run_id"),
                    "best_of_k_agrees": a_best, "majority_agrees": a_major,
                    "seeds": [{"seed": s, "train": t, "bin2": b, "last_bin": lb}
                              for (s, b), (_, t), (_, lb) in zip(st["seeds"], st["train"],
                                                                   st["last_bin"])],
                    "fits_train": fits, "deeper": deeper, "peers": peers, "longest": longest,
                    "reading": reading, "evidence": evidence})
    return out


def reading_counts(disagreements: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many disagreements each reading explains (``verdict challenged`` pooled over
    lengths), in :data:`READINGS` order."""
    counts = {r: 0 for r in READINGS}
    for d in disagreements:
        key = CHALLENGED if d["reading"].startswith(CHALLENGED) else d["reading"]
        counts[key] = counts.get(key, 0) + 1     # readings refined by follow-up checks
    return counts
