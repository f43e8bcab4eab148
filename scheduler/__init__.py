"""The clock's owner: the tick that claims and runs due work, the ticker that drives it, the cron jobs (the
monthly drill draw) and the one kind → executor table."""
