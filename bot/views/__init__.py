"""Block Kit views as pure functions of state and language: `(state, lang) -> dict`."""
