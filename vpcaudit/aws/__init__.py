"""Talking to AWS safely: the client factory, the read-only guard, call accounting, error classes."""
