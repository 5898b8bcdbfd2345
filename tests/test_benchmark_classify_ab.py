"""benchmarks.classify_ab: an earlier commit's ``automata`` unpacked beside the working tree's
and both timed on the same inputs, alternating."""
from __future__ import annotations

import subprocess

import pytest

from benchmarks import classify_ab as ab


def _in_git_checkout() -> bool:
    try:
        return subprocess.run(["git", "-C", str(ab.ROOT), "rev-parse", "HEAD"],
                              capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


needs_git = pytest.mark.skipif(not _in_git_checkout(), reason="not a git checkout")


def test_absolute_imports_are_renamed_and_nothing_else():
    text = ("import automata.budgets as budgets\nfrom automata.dfa import DFA\n"
            "    from automata import languages\nx = 'automata.dfa'\nimport automatic\n")
    assert ab.rename_imports(text) == (
        "import automata_base.budgets as budgets\nfrom automata_base.dfa import DFA\n"
        "    from automata_base import languages\nx = 'automata.dfa'\nimport automatic\n")


def test_bad_arguments_answer_in_one_line(capsys):
    assert ab.main(["--base", "HEAD", "--cases", "nonsense"]) == 1
    assert ab.main(["--base", "HEAD", "--repeats", "0"]) == 1
    assert ab.main(["--base", "HEAD", "--cases", "mlregtest_tiny"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("classify_ab: ") for line in err)


@needs_git
def test_unknown_commit_answers_in_one_line(capsys):
    assert ab.main(["--base", "no-such-revision-xyz", "--cases", "random"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"classify_ab: unknown commit 'no-such-revision-xyz' in {ab.ROOT}"]


@needs_git
def test_head_against_itself(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOMATA_JIT", "0")          # no kernels to compile for the copy
    rows = ab.run("HEAD", ["word_problem_a5", "random"], repeats=1, cache=str(tmp_path))
    assert [r["case"] for r in rows] == ["word_problem_a5", "random"]
    assert [r["inputs"] for r in rows] == [1, 5]
    assert all(r["differ"] == 0 and r["base_us"] > 0 and r["head_us"] > 0 for r in rows)
    sha = ab.resolve("HEAD")
    assert (tmp_path / sha / ab.BASE_NAME / "__init__.py").exists()
    assert ab.unpack(sha, tmp_path) == tmp_path / sha              # unpacked once, reused


def test_compare_alternates_and_reports_differences():
    calls = []

    class _Result:
        def __init__(self, x):
            self.x = x
            self.monoid_size = x + 10

        def to_dict(self):
            return {"x": self.x}

    def package(tag, answer):
        return {"classify": lambda d: calls.append((tag, d)) or _Result(answer(d)),
                "clear": lambda: None}

    base = package("base", lambda d: d)
    head = package("head", lambda d: d if d != 2 else -1)         # differs on input 2 only
    res = ab.compare(base, head, [0, 1, 2], [0, 1, 2], repeats=2)
    assert res["diff_at"] == [False, False, True]
    assert res["sizes"] == [10, 11, 9]                            # the head's sizes
    assert len(res["base"]) == len(res["head"]) == 3
    # each input timed twice per package, the order swapped from one input to the next
    assert [t for t, _ in calls[:6]] == ["base", "head", "head", "base", "base", "head"]
    assert len(calls) == 12
