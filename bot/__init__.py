"""crisisbot: the procedure — services, organisation config, settings, app factory, CLI and messages."""
