"""Every Block Kit block id, action id and view callback id the bot uses, in one place.

Handlers register on these and views render them, so a renamed id cannot leave a button without a listener.
"""

from __future__ import annotations

# Block ids
HELP_HEADER = "help_header"
HELP_COMMANDS = "help_commands"

# Action ids (none yet in this slice; each feature adds its own here)

# View callback ids (none yet in this slice)

ACTION_IDS: frozenset[str] = frozenset()
CALLBACK_IDS: frozenset[str] = frozenset()
