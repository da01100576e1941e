"""Tests of the benchmark scripts (what they measure and how they judge it, never how fast)."""
