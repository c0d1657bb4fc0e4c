"""What follows a pledge's moves in the apps above it: declared here, filled in by them.

Each list runs inside the transaction that makes the move, in ascending order, so a failing
step rolls the whole move back (nothing half-done). Higher apps register their steps in their
`AppConfig.ready` (`<app>/pledge_steps.py`); `describe()` lists them:

    PLEDGE_PAID        10 issue the receipt            (finance)
                       20 create the benefit tasks     (fulfilment)
                       30 prepare the agreement        (agreements)
                       40 post to the ledger           (finance)
    PLEDGE_APPROVED    10 prepare the agreement        (agreements; only under an "on approval"
                                                        policy, for a bank-transfer pledge)
    PLEDGE_CLOSED      10 void the open invoice        (finance; cancelled, expired or rejected)

Steps are called as `step(pledge, actor=..., **context)` with the locked pledge; `PLEDGE_PAID`
adds `payment` (the payment that completed it, or None); `PLEDGE_CLOSED` adds `to_state`.
Steps that need work done outside the request enqueue it through the outbox, in this same
transaction.

`PLEDGE_STORY` is not a move: it gathers the sections of a pledge's admin page (and of an
organisation's, across its pledges). Each step is called as `step(pledges, user=...)` with the
pledges the reader may see (one for a pledge's page) and returns a
`marketplace.core.story.StorySection` — its rows, the actions the reader may take now and its
audit entries for the page's one timeline — or None when the reader may not see it. A step
runs a fixed number of queries whatever the number of payments, documents, versions or tasks
(the balance is read per pledge; an organisation's page shows at most 25 of them):

    PLEDGE_STORY       10 balance and documents        (finance)
                       20 payments and refunds         (payments)
                       30 agreement and versions       (agreements)
                       40 benefit tasks                (fulfilment)
"""

from marketplace.core.hooks import Steps

PLEDGE_PAID = Steps("pledge paid")
PLEDGE_APPROVED = Steps("pledge approved")
PLEDGE_CLOSED = Steps("pledge closed unpaid")
PLEDGE_STORY = Steps("pledge story")
