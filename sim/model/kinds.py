"""Small shared types of the model's processes.

``ProcessGenerator`` is what every SimPy process function returns (as SimPy annotates its
own processes): a generator that yields events and is resumed with their values.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

__all__ = ["ProcessGenerator"]

ProcessGenerator = Generator[simpy.Event, Any, Any]
"""The type of a SimPy process function's generator."""
