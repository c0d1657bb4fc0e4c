"""Pledges: holds on package slots, their state machine and audit log (sponsor accounts issue)."""
