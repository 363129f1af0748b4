"""What a page that takes one file at a time shares (材料库 /hall/library, 容缺补交 /hall/owed):
the file is kept by the files service as soon as it arrives, and counts for the page's purpose
only when the page's own action saves it; a refusal (type, size, the picker's) shows beside
the file field. A state mixin, so each page keeps its own vars; ``upload_route`` is the page
whose access rule applies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import reflex as rx

from eap.db import session_scope
from eap.errors import DomainError
from eap.services.core import files

if TYPE_CHECKING:
    from eap.services.core.principal import Principal


class OneUploadMixin(rx.State, mixin=True):
    upload_route: ClassVar[str] = ""
    upload_name: str = ""
    field_errors: dict[str, str] = {}
    error: str = ""
    _upload_id: int = 0

    if TYPE_CHECKING:  # provided by the AppState subclass the mixin is combined with

        def _require(self, route: str) -> Principal: ...
        def _error(self, exc: Exception) -> str: ...
        def _tr(self, key: str, **params: object) -> str: ...

    @rx.event
    async def handle_upload(self, uploads: list[rx.UploadFile]) -> None:
        if not uploads:  # the picker refused the file: upload_refused says why
            return
        self.field_errors, self.error = {}, ""
        try:
            principal = self._require(self.upload_route)
            data = await uploads[0].read()
            with session_scope() as s:
                stored = files.store_file(
                    s, principal=principal, filename=uploads[0].name or "file", content=data
                )
                self._upload_id, self.upload_name = stored.id or 0, stored.filename
        except Exception as exc:
            message = self._error(exc)
            if isinstance(exc, DomainError) and exc.field:
                self.field_errors = {exc.field: message}
            else:
                self.error = message

    @rx.event
    def upload_refused(self, rejected: list[Any]) -> None:
        self.field_errors = {"file": self._tr("apply.file_refused")}
