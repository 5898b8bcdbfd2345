"""Rerunnable speed and memory benchmarks (`python -m benchmarks.X --json`)."""
