"""Fixtures for the procedure's tests: the kit's `clock` (the shipped roster loaded, a moving clock)."""

from tests.bot.procedure_kit import clock

__all__ = ["clock"]
