"""Scheduling: the tick that sweeps due work, and the cron jobs (monthly drill draw)."""
