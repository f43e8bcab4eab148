"""What the bot runs on: settings, the chat port (procedure verbs, no Slack types) and its one Slack adapter,
people's languages and e-mail look-ups, logging, and the `Services` every area shares."""
