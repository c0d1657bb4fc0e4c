"""Stripe's balance side for tests: payouts, balance transactions (listed a page at a time,
with `has_more` and `starting_after`, as the API does) and the balance, answered through the
real SDK's transport like `tests/payments/stripe_fake.FakeStripe`."""

import json
import secrets
import time
from urllib.parse import parse_qsl, urlsplit

from tests.payments.stripe_fake import FakeStripe

DAY = 86400


def txn_id() -> str:
    return "txn_" + secrets.token_hex(12)


def balance_transaction(
    *,
    amount,
    fee,
    currency="chf",
    type="charge",
    source=None,
    payout=None,
    created=None,
    reporting_category=None,
    id=None,
):
    """A `balance_transaction` object as Stripe's API returns it (minor units; `source` the
    expanded charge or refund, or its id)."""
    created = created or int(time.time())
    return {
        "id": id or txn_id(),
        "object": "balance_transaction",
        "amount": amount,
        "available_on": created + 2 * DAY,
        "created": created,
        "currency": currency,
        "description": None,
        "exchange_rate": None,
        "fee": fee,
        "fee_details": (
            [
                {
                    "amount": fee,
                    "application": None,
                    "currency": currency,
                    "description": "Stripe processing fees",
                    "type": "stripe_fee",
                }
            ]
            if fee
            else []
        ),
        "net": amount - fee,
        "reporting_category": reporting_category
        or {"charge": "charge", "refund": "refund", "payout": "payout"}.get(type, type),
        "source": source,
        "status": "available",
        "type": type,
        "_payout": payout,  # which payout lists it (the fake's own bookkeeping, stripped)
    }


def charge(payment_intent, amount, currency="chf"):
    return {
        "id": "ch_" + secrets.token_hex(12),
        "object": "charge",
        "amount": amount,
        "currency": currency,
        "payment_intent": payment_intent,
        "paid": True,
        "status": "succeeded",
    }


def refund(refund_id, payment_intent, amount, currency="chf"):
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "currency": currency,
        "payment_intent": payment_intent,
        "status": "succeeded",
    }


def payout(amount, *, currency="chf", status="paid", descriptor="ITU-D SPONSORSHIP", id=None):
    created = int(time.time())
    return {
        "id": id or "po_" + secrets.token_hex(12),
        "object": "payout",
        "amount": amount,
        "arrival_date": created + DAY,
        "automatic": True,
        "balance_transaction": txn_id(),
        "created": created,
        "currency": currency,
        "description": "STRIPE PAYOUT",
        "destination": "ba_" + secrets.token_hex(8),
        "livemode": False,
        "metadata": {},
        "method": "standard",
        "reconciliation_status": "completed",
        "statement_descriptor": descriptor,
        "status": status,
        "type": "bank_account",
    }


class FakeStripeBalance(FakeStripe):
    """`payouts` {id: payout}, `transactions` (in Stripe's order, newest first), `balance`
    {"available": [...], "pending": [...]}; lists answer `page_size` items a page."""

    def __init__(self, page_size=2):
        super().__init__()
        self.page_size = page_size
        self.payouts = {}
        self.transactions = []
        self.balance = {"available": [], "pending": []}

    def add_payout(self, obj, transactions):
        """Stripe's payout and the balance transactions it pays out (its own included)."""
        self.payouts[obj["id"]] = obj
        own = balance_transaction(
            amount=-obj["amount"],
            fee=0,
            currency=obj["currency"],
            type="payout",
            source=obj["id"],
            id=obj["balance_transaction"],
            payout=obj["id"],
        )
        for txn in [*transactions, own]:
            txn["_payout"] = obj["id"]
            if txn not in self.transactions:
                self.transactions.append(txn)
        return obj

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        path = parts.path.lstrip("/")
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if method != "get" or not path.startswith(("v1/payouts", "v1/balance")):
            return super().request(method, url, headers, post_data, _usage=_usage)
        self.requests.append((method, "/" + path, dict(headers or {}), query))
        if path == "v1/balance":
            body = {"object": "balance", "livemode": False, **self.balance}
            return json.dumps(body), 200, {"Request-Id": "req_fake"}
        if path.startswith("v1/payouts/"):
            found = self.payouts.get(path.rsplit("/", 1)[-1])
            if found is None:
                error = {"type": "invalid_request_error", "code": "resource_missing"}
                return json.dumps({"error": error}), 404, {}
            return json.dumps(found), 200, {"Request-Id": "req_fake"}
        if path == "v1/payouts":
            rows = [p for p in self.payouts.values() if p["status"] == query.get("status", "paid")]
            return self._page("/v1/payouts", rows, query)
        rows = self.transactions
        if "payout" in query:
            rows = [t for t in rows if t["_payout"] == query["payout"]]
        if "created[gte]" in query:
            rows = [t for t in rows if t["created"] >= int(query["created[gte]"])]
        expand = "data.source" in query.values()
        return self._page("/v1/balance_transactions", rows, query, expand=expand)

    def _page(self, url, rows, query, *, expand=False):
        start = 0
        if query.get("starting_after"):
            ids = [row["id"] for row in rows]
            start = ids.index(query["starting_after"]) + 1
        page = rows[start : start + self.page_size]
        data = []
        for row in page:
            row = {k: v for k, v in row.items() if not k.startswith("_")}
            if not expand and isinstance(row.get("source"), dict):
                row["source"] = row["source"]["id"]
            data.append(row)
        body = {
            "object": "list",
            "data": data,
            "has_more": start + self.page_size < len(rows),
            "url": url,
        }
        return json.dumps(body), 200, {"Request-Id": "req_fake"}
