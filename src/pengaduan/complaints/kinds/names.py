"""The names of the step kinds the code provides; an SOP step names one of these."""

KIND_NAMES = frozenset({"intake", "clarify", "decide", "draft_answer", "deliver", "review"})
