"""``python -m eap keys rotate``: re-encrypt every sealed value under the current data key
(after EAP_DATA_KEY/EAP_DATA_KEY_ID were changed and the old key listed in
EAP_DATA_KEYS_OLD). Prints one JSON object: values re-sealed per table."""

from __future__ import annotations

import argparse
import json


def cmd_rotate(_args: argparse.Namespace) -> int:
    from eap.db import session_scope
    from eap.services.admin.data_keys import rotate

    with session_scope() as session:
        counts = rotate(session)
    print(json.dumps(counts, ensure_ascii=False))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    keys = sub.add_parser("keys").add_subparsers(dest="sub", required=True)
    keys.add_parser(
        "rotate", help="re-encrypt personal data under the current EAP_DATA_KEY"
    ).set_defaults(fn=cmd_rotate)
