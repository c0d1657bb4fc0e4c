"""Bank statements: import (CAMT.053, MT940, CSV profiles), matching of each line to a pledge,
a Stripe payout or the unallocated list, and finance's review screens. It lives in finance,
not payments, because matching feeds finance's unallocated money and the one balance."""
