"""KA006 weak-authentication: VRRP PASS authentication and weak passwords.

keepalived copies auth_pass into an 8-byte field (vrrp_parser.c, vrrp_auth_pass_handler():
"Truncating auth_pass to 8 characters"); PASS puts it in every advertisement in clear text.
The password itself never appears in a message: only its length.
"""
from __future__ import annotations

from halint.formats.keepalived.model import KaUnit, strict_mode
from halint.rules.base import rule
from halint.rules.keepalived.common import vrrp_version, with_hidden
from halint.rules.phrases import and_list

AUTH_DATA_LEN = 8
COMMON = {
    "password", "passw0rd", "secret", "keepalived", "changeme", "admin", "root", "vrrp",
    "pass", "qwerty", "letmein", "default", "test", "cisco", "master", "backup",
}


def weaknesses(password: str, vrid: int | None) -> list[tuple[str, str]]:
    """Each weakness of ``password``, short (for the message) and in full (for the note)."""
    reasons = []
    if len(password) > AUTH_DATA_LEN:
        reasons.append((
            f"only its first {AUTH_DATA_LEN} characters count",
            f"keepalived keeps only its first {AUTH_DATA_LEN} characters, and peers compare only those",
        ))
    elif len(password) < AUTH_DATA_LEN:
        reasons.append((f"under {AUTH_DATA_LEN} characters", f"it is shorter than {AUTH_DATA_LEN} characters"))
    kept = password[:AUTH_DATA_LEN]
    if kept.isdigit():
        reasons.append(("all digits", "it is all digits"))
    elif kept.lower() in COMMON or password.lower() in COMMON:
        reasons.append(("a common word", "it is a common word"))
    if vrid is not None and kept == str(vrid):
        reasons.append(("equal to the VRID", "it equals the virtual_router_id"))
    return reasons


@rule("KA006")
def weak_authentication(unit: KaUnit, ctx):
    for instance in unit.intended.instances:
        if instance.authentication is None:
            continue
        if strict_mode(unit.intended, instance) or vrrp_version(unit.intended, instance) == 3:
            # keepalived ignores the block and sends no authentication (vrrp.c,
            # vrrp_complete_instance(), v2.2.7): KA008 says so; nothing is on the wire to weaken
            continue
        reasons = []
        if instance.auth_type is not None and instance.auth_type.text == "PASS":
            reasons.append(("sent in clear text", "auth_type PASS sends it in clear text in every VRRP advertisement"))
        password = instance.auth_pass
        if password is None:
            continue
        vrid = int(instance.vrid.value) if instance.vrid is not None else None
        reasons.extend(weaknesses(password.text, vrid))
        if not reasons:
            continue
        # the message is this finding's fingerprint (a secret's line is never hashed): it keeps
        # the length, the instance and the weaknesses, never the password
        ctx.report(
            f"auth_pass ({len(password.text)} characters, redacted) of `{instance.name.text}`: "
            + and_list(short for short, _ in reasons),
            instance.auth_pass_setting.keyword.span,
            note=with_hidden("; ".join(full for _, full in reasons), instance.hidden_by),
        )
