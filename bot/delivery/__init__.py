"""Due work, the contract every area keeps: a `Job` and its verdicts (`NotReady`, `GiveUp`), the one enum of
work kinds, and posting that a retry never repeats."""
