"""Block Kit shared by every area: every block / action / callback id, common builders, form readers and the
display names of roles, levels and categories."""
