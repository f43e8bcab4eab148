"""Handling the crisis (procedure §6): the six steps, the plan, status updates, media statements, legal advice,
coordination, and the aftermath: resolve → case file (案例檔案) → close → archive."""
