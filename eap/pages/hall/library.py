"""The company's material library (/hall/library): every copy on file, its end date and where
it came from; what needs renewing first; renew, add and withdraw."""

from __future__ import annotations

import reflex as rx

from eap.components.cases import feedback, localized
from eap.components.confirm import confirm_button
from eap.components.forms import field_error
from eap.components.shell import shell
from eap.components.tables import table_header
from eap.services.hall.library import LibrarySource, LibraryStatus
from eap.state.hall.library import LibraryState as L

T = L.t
UPLOAD_ID = "library_upload"

_STATUS = {
    LibraryStatus.VALID: ("library.status.valid", "green"),
    LibraryStatus.EXPIRING: ("library.status.expiring", "amber"),
    LibraryStatus.EXPIRED: ("library.status.expired", "red"),
    LibraryStatus.REVOKED: ("library.status.revoked", "gray"),
}
_SOURCE = {
    LibrarySource.UPLOAD: "library.source.upload",
    LibrarySource.CASE: "library.source.case",
    LibrarySource.INTERMEDIARY: "library.source.intermediary",
    LibrarySource.CERTIFICATE: "library.source.certificate",
    LibrarySource.LICENCE: "library.source.licence",
}


def _status(row: rx.Var) -> rx.Component:
    return rx.match(
        row["status"],
        *[
            (int(s), rx.badge(T[key], color_scheme=colour, class_name="library-status"))  # type: ignore[arg-type]
            for s, (key, colour) in _STATUS.items()
        ],
        rx.fragment(),
    )


def _source(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.match(
            row["source"],
            *[(int(s), rx.text(T[key], size="2")) for s, key in _SOURCE.items()],
            rx.fragment(),
        ),
        rx.cond(row["reference"] != "", rx.text(row["reference"], size="1", color_scheme="gray")),
        spacing="0",
    )


def _actions(row: rx.Var) -> rx.Component:
    view = rx.cond(
        row["certificate_id"] != 0,
        rx.link(
            T["library.view"],
            href="/documents/certificate/" + row["certificate_id"].to(str) + ".pdf",
            is_external=True,
            size="2",
        ),
        rx.link(
            T["library.view"],
            href="/files/" + row["file_id"].to(str),
            is_external=True,
            size="2",
        ),
    )
    return rx.hstack(
        view,
        rx.cond(
            row["entry_id"] != 0,
            rx.hstack(
                rx.button(
                    T["library.renew"],
                    size="1",
                    variant=rx.cond(row["status"] == int(LibraryStatus.VALID), "soft", "solid"),
                    on_click=L.start_renewal(row["entry_id"]),
                    class_name="library-renew",
                ),
                confirm_button(
                    T["library.withdraw"],
                    T["library.withdraw_consequence"],
                    L.withdraw(row["entry_id"]),
                    class_name="library-withdraw",
                    color_scheme="red",
                ),
                spacing="2",
            ),
            rx.text(T["library.issued_here"], size="1", color_scheme="gray"),
        ),
        spacing="3",
        align="center",
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(row["code"], " ", localized(row, "name"), weight="medium", size="2"),
        ),
        rx.table.cell(
            rx.cond(
                row["project"] != "",
                rx.text(row["project"], size="2"),
                rx.badge(T["library.company_wide"], color_scheme="blue"),
            )
        ),
        rx.table.cell(_source(row)),
        rx.table.cell(
            rx.vstack(
                _status(row),
                rx.text(
                    rx.cond(row["valid_until"] != "", row["valid_until"], T["verify.long_term"]),
                    size="1",
                ),
                spacing="1",
            )
        ),
        rx.table.cell(_actions(row)),
        class_name="library-row",
        id=rx.cond(
            row["entry_id"] != 0,
            "library-entry-" + row["entry_id"].to(str),
            "library-certificate-" + row["certificate_id"].to(str),
        ),
    )


def _editor() -> rx.Component:
    """Renew one entry or add a company-wide material: the file, then its end date."""
    return rx.card(
        rx.vstack(
            rx.heading(
                rx.cond(L.renew_entry != 0, T["library.renew_title"], T["library.add_title"]),
                size="4",
            ),
            rx.cond(
                L.renew_entry != 0,
                rx.text(L.renew_label, weight="medium", id="library-renewing"),
                rx.vstack(
                    rx.select.root(
                        rx.select.trigger(id="library-material", width="100%"),
                        rx.select.content(
                            rx.foreach(
                                L.addable,
                                lambda m: rx.select.item(
                                    m["code"] + " " + localized(m, "name"), value=m["code"]
                                ),
                            )
                        ),
                        value=L.add_code,
                        on_change=L.set_add_code,
                    ),
                    field_error(L, "material"),
                    spacing="1",
                    width="100%",
                ),
            ),
            rx.hstack(
                rx.upload(
                    rx.button(T["apply.choose_file"], variant="soft"),
                    id=UPLOAD_ID,
                    max_files=1,
                    multiple=False,
                    accept={
                        "application/pdf": [".pdf"],
                        "image/png": [".png"],
                        "image/jpeg": [".jpg", ".jpeg"],
                    },
                    on_drop=L.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
                    on_drop_rejected=L.upload_refused,
                ),
                rx.cond(
                    L.upload_name != "",
                    rx.badge(L.upload_name, color_scheme="blue", id="library-upload-name"),
                    rx.text(T["apply.file_rules"], size="1", color_scheme="gray"),
                ),
                align="center",
                wrap="wrap",
            ),
            field_error(L, "file"),
            rx.vstack(
                rx.text(T["library.valid_until"], size="2", weight="medium"),
                rx.input(
                    type="date",
                    value=L.valid_until,
                    on_change=L.set_valid_until,
                    id="library-valid-until",
                ),
                rx.text(T["library.valid_until_hint"], size="1", color_scheme="gray"),
                field_error(L, "valid_until"),
                spacing="1",
            ),
            rx.hstack(
                rx.button(T["library.save"], on_click=L.save, id="library-save"),
                rx.button(
                    T["confirm.back"],
                    variant="soft",
                    color_scheme="gray",
                    on_click=L.cancel_editing,
                ),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="library-editor",
    )


def library_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.hstack(
                rx.heading(T["library.title"], size="6", id="home-title"),
                rx.spacer(),
                rx.cond(
                    L.addable.length() > 0,
                    rx.button(
                        T["library.add"], on_click=L.start_adding, variant="soft", id="library-add"
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.text(T["library.intro"], size="2", color_scheme="gray"),
            feedback(L.message, L.error),
            rx.cond(
                L.renewals > 0,
                rx.callout(
                    rx.hstack(
                        rx.text(L.renewals, " ", T["library.renewals"]),
                        rx.switch(
                            checked=L.only_renewals,
                            on_change=L.set_only_renewals,
                            id="library-only-renewals",
                        ),
                        rx.text(T["library.only_renewals"], size="2"),
                        align="center",
                    ),
                    color_scheme="amber",
                    icon="clock",
                    id="library-renewals",
                ),
            ),
            rx.cond(L.editing, _editor()),
            rx.cond(
                L.shown.length() > 0,
                rx.table.root(
                    table_header(
                        "library.material",
                        "library.scope",
                        "library.source",
                        "library.valid_until",
                        actions=True,
                    ),
                    rx.table.body(rx.foreach(L.shown, _row)),
                    width="100%",
                    id="library-table",
                ),
                rx.text(T["library.empty"], color_scheme="gray"),
            ),
            width="100%",
            spacing="4",
        )
    )
