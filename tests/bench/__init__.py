"""Benchmark scripts (``make bench``); not tests: CI never runs them."""
