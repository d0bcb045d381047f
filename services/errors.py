"""What a use-case can refuse, in the clinic's words; api/ turns these into problems."""


class ServiceError(Exception):
    """Base of every refusal a service makes on purpose."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(ServiceError):
    """The object does not exist or belongs to someone the caller may not see."""

    def __init__(self, detail: str = "Not found.") -> None:
        super().__init__(detail)


class PermissionDenied(ServiceError):
    """The caller's role may not do this."""


class AuthenticationFailed(ServiceError):
    """Wrong credentials, or a missing, expired or revoked token."""

    def __init__(self, detail: str = "Sign in to continue.") -> None:
        super().__init__(detail)


class InvalidInput(ServiceError):
    """Input that passed the schema but breaks a rule; `errors` maps fields to messages."""

    def __init__(
        self, errors: dict[str, list[str]], detail: str = "The request has invalid fields."
    ) -> None:
        super().__init__(detail)
        self.errors = errors


class ConflictError(ServiceError):
    """The request conflicts with the current state (for example a used invitation)."""


class Throttled(ServiceError):
    """Too many attempts; `retry_after` is in seconds."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
