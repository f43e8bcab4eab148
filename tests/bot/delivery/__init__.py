"""Tests of the due-work contract and its alerts."""
