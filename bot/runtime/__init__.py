"""The composition root: builds the bot from settings (database, roster, chat port, Bolt app, tick, HTTP server)
and the `crisisbot` command line. The only code that wires handlers/ and scheduler/ together."""
