"""Declarations of experiments and of the figures they write.

Kept apart from :mod:`nonlinear.experiments` so that modules declaring more
experiments can import these classes without importing the registry.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any


@dataclasses.dataclass(frozen=True)
class FigureSpec:
    """A figure that an experiment writes as ``figures/<name>.<ext>``.

    A published name is a promise to whoever links to or cites the figure. To
    rename a figure, list its old names in ``aliases``: the site then publishes
    a copy of every file under each old name too. ``formats`` lists the file
    formats the runner writes: every still format, or ``("gif",)`` for an
    animation.
    """

    name: str
    caption: str
    alt: str
    aliases: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("png", "svg", "pdf", "webp")


@dataclasses.dataclass(frozen=True)
class Experiment:
    """A named unit of work whose outputs are cached together."""

    name: str
    description: str
    runner: str
    config: Any
    figures: tuple[FigureSpec, ...] = ()
    uses_tensorflow: bool = False

    @property
    def runner_module(self) -> str:
        """Dotted name of the module that contains the runner function."""
        return self.runner.partition(":")[0]

    def config_json(self) -> str:
        """Return the configuration in canonical JSON, for the cache key."""
        if hasattr(self.config, "to_json"):
            return self.config.to_json()
        if dataclasses.is_dataclass(self.config):
            value = dataclasses.asdict(self.config)
        else:
            value = self.config
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
