"""Fulfilment of visibility benefits: each benefit of a paid pledge becomes tracked tasks.

A Django app of its own (label `fulfilment`) inside `events/`, so its migrations never collide
with the catalogue's. The rules: `kinds.py` (team and sponsor asset per benefit kind),
`states.py` (allowed moves), `services.py` (creating and moving tasks, assets), `wall.py` (the
event page's sponsor wall), `reminders.py` and `report.py` (emails from beat).
"""
