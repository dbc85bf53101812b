"""Errors an action refuses with. Their messages are shown to the officer as they are."""


class WorkflowError(Exception):
    """An action was refused; `message` says why in words for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class NotPermitted(WorkflowError):
    """The actor does not hold the role this action needs in this unit."""


class StepNotCurrent(WorkflowError):
    """The step is not the one waiting: not reached yet, already done, or just done by someone else."""


class StepInputInvalid(WorkflowError):
    """The step's inputs did not validate; `errors` maps field names to messages."""

    def __init__(self, message, errors: dict[str, list[str]]):
        super().__init__(message)
        self.errors = errors
