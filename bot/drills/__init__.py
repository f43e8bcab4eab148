"""Drills (procedure §7, annex 2): the monthly draw by verifiable lottery, the plan, the drill report form,
the evaluation, its approval and circulation."""
