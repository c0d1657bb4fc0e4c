"""API tokens: issued for an account's email and password, hashed at rest, expiring, listed and
revoked by their owner, and revoked by themselves when the password changes or a membership
ends."""
