"""Fixtures for the procedure's tests, from the kit: `clock` (the shipped roster loaded, a moving clock), and for
the executors `chat` (a RecordingChat) and `services` over it. A module's own fixture of the same name wins."""

from tests.bot.procedure_kit import chat, clock, services

__all__ = ["chat", "clock", "services"]
