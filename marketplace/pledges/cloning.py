"""What the pledges app copies when an event's catalogue is cloned (`events/cloning.py`): the
newest version of the event's terms, published as version 1 of the new event's."""

from events.cloning import EVENT_CLONED
from marketplace.pledges.rules import current_terms, publish_terms


@EVENT_CLONED.register(10, "copy the terms")
def copy_terms(source, copy, *, actor=None, **context) -> None:
    terms = current_terms(source)
    if terms is not None:
        publish_terms(copy, terms.text, actor)
