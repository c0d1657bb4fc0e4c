"""What the apps above contribute to an organisation's admin page: declared here, filled in by
them (the sponsors app may not import them).

`ORGANISATION_STORY` gathers the sections shown below the organisation's own facts (contacts,
team, screening, due-diligence history). Each step is called as `step(organisation, user=...)`
and returns a `marketplace.core.story.StorySection` — or None when the reader may not see it —
whose audit entries join the page's one timeline; a step runs a bounded number of queries:

    ORGANISATION_STORY  10 pledges                 (pledges: its pledges, and the pledge story's
                                                    sections across them)
                        20 partnership agreements  (register)
"""

from marketplace.core.hooks import Steps

ORGANISATION_STORY = Steps("organisation story")
