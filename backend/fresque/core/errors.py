"""The one error type of the board rules: a stable machine-readable code and a plain sentence."""


class RuleError(Exception):
    """A change that the board's rules refuse. `code` is part of the wire protocol: never rename one."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
