"""Declared hooks: how a higher layer reacts to a lower one without the lower one importing it.

A lower app declares a `Steps` list for something that happens in it (for example "pledge
paid" in `marketplace/pledges/hooks.py`); higher apps register what must follow, in their
`AppConfig.ready`, each with an order number and a name:

    from marketplace.pledges.hooks import PLEDGE_PAID

    @PLEDGE_PAID.register(10, "issue the receipt")
    def issue_receipt_step(pledge, **context): ...

The lower app runs the list where the thing happens, inside its transaction, so every step
commits or rolls back with it: a failing step undoes the whole move. Steps run in ascending
order; `describe()` lists them, which is what the README and a test pin.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    order: int
    name: str
    handler: Callable


class Steps:
    def __init__(self, name: str):
        self.name = name
        self._steps: list[Step] = []

    def __repr__(self) -> str:
        return f"<Steps {self.name!r}: {self.describe()}>"

    def register(self, order: int, name: str):
        """Decorator adding `handler` as the step `name` at position `order`. Registering the
        same handler again (an app's `ready()` run twice, as `override_settings(INSTALLED_APPS)`
        does) is a no-op; another handler with a taken order or name is a programming error."""

        def decorator(handler: Callable) -> Callable:
            for step in self._steps:
                if step.handler is handler:
                    return handler
                if step.order == order or step.name == name:
                    raise ValueError(
                        f"{self.name}: step {order} {name!r} clashes with "
                        f"{step.order} {step.name!r}."
                    )
            self._steps.append(Step(order, name, handler))
            self._steps.sort(key=lambda step: step.order)
            return handler

        return decorator

    def run(self, *args, **kwargs) -> None:
        """Run every step in order, in the caller's transaction."""
        for step in list(self._steps):
            step.handler(*args, **kwargs)

    def collect(self, *args, **kwargs) -> list:
        """Run every step in order and return what each returned, leaving out None: for
        hooks whose steps contribute something (the sections of a pledge's story)."""
        results = (step.handler(*args, **kwargs) for step in list(self._steps))
        return [result for result in results if result is not None]

    def first(self, *args, **kwargs):
        """Run the steps in order until one returns something, and return that (None when
        none does): for hooks whose steps each may claim the subject (a bank line's matchers)."""
        for step in list(self._steps):
            result = step.handler(*args, **kwargs)
            if result is not None:
                return result
        return None

    def describe(self) -> list[tuple[int, str]]:
        return [(step.order, step.name) for step in self._steps]
