"""Due work, the contract every area keeps: a `Job` and its verdicts (`NotReady`, `GiveUp`), the one enum of
work kinds. Posting that a retry never repeats is the chat port's `_once` verbs (`bot.platform.chat`)."""
