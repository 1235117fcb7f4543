"""Writes of the registry: each function is atomic, journaled, and enqueues its tasks on commit."""
