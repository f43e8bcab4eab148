"""The procedure's vocabulary, with no Slack: the organisation config, who holds what, errors, statuses, the
`/crisis` commands, texts in zh-TW and English, safe text and crontab expressions."""
