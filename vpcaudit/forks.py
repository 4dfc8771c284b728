"""Whether this process may fork: the one question the audit's and the collection's workers share.

Why a leaf of its own: both the engine (rules over forked workers) and the collectors (Regions
collected by forked children) ask it, and neither layer may import the other.
"""

from __future__ import annotations

import os
import threading


def can_fork() -> bool:
    """Forking is possible here and cannot deadlock a child on a lock some other thread holds
    (a forked child inherits every lock, but not the threads that would release them)."""
    return hasattr(os, "fork") and threading.active_count() == 1
