"""Shared fixtures of the finance workflow tests (rights, licences, pledges, verification)."""
