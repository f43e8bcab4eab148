"""Benchmarks: measured as ratios against a baseline in the same run, never as timed assertions in tests."""
