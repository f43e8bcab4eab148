"""A local Slack-compatible workspace for development, tests and the no-token demo.

``SandboxServer`` serves Slack's Web API on loopback and calls the bot the way Slack does; ``Sandbox`` (the
driver) lets a test act as the workspace's people.  See ``sandbox/server.py`` and ``sandbox/driver.py``.
"""

from sandbox.driver import Conversation, Message, Person, Sandbox, ViewHandle
from sandbox.faults import Faults
from sandbox.interactions import Outcome
from sandbox.server import SandboxServer
from sandbox.workspace import SlackError, Workspace

__all__ = [
    "Conversation",
    "Faults",
    "Message",
    "Outcome",
    "Person",
    "Sandbox",
    "SandboxServer",
    "SlackError",
    "ViewHandle",
    "Workspace",
]
