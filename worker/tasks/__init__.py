"""The infrastructure's own tasks: send a logged email (`mail`), flush the outbox and purge the
mail log (`maintenance`). The apps' tasks live beside their services, in each app's `tasks.py`."""

from worker.tasks import mail, maintenance  # noqa: F401 - found by autodiscovery as a package
