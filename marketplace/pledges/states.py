"""Pledge states and the moves allowed between them."""

# States in which a pledge keeps its slots out of the package's availability.
SLOT_HOLDING_STATES = (
    "held",
    "awaiting_approval",
    "awaiting_payment",
    "paid",
    "partially_refunded",
)
