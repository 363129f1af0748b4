"""Domain errors carry a message-catalogue key, never a user-facing string."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the user can act on; ``key`` is looked up in ``eap.i18n``."""

    def __init__(self, key: str, field: str | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.params = params

    def translate(self, lang: str) -> str:
        from eap.i18n import t

        return t(self.key, lang, **self.params)


class PermissionDenied(DomainError):
    def __init__(self, key: str = "error.forbidden", **params: Any) -> None:
        super().__init__(key, **params)


class ConflictError(DomainError):
    """Someone else changed the record first (optimistic version check)."""


class FieldErrors(DomainError):
    """Every refusal a form's fields earned, checked in one pass, so each is shown under its
    own field at once instead of one at a time. Reads as the first when caught as one."""

    def __init__(self, errors: list[DomainError]) -> None:
        first = errors[0]
        super().__init__(first.key, first.field, **first.params)
        self.errors = errors

    def by_field(self, lang: str) -> dict[str, str]:
        """field → its translated message (the first one where a field earned several)."""
        out: dict[str, str] = {}
        for err in self.errors:
            out.setdefault(err.field or "form", err.translate(lang))
        return out
