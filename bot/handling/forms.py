"""The handling modals' fields: the service's field names → the modals' blocks, for its refusals shown inline."""

from __future__ import annotations

from bot.blockkit import ids

BLOCKS = {"kind": ids.H_KIND}
