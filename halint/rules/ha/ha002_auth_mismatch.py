"""HA002 auth-mismatch: peers of one cluster differ in auth_type, or in auth_pass as keepalived
compares it: only the first 8 characters are kept (vrrp_parser.c, vrrp_auth_pass_handler():
"Truncating auth_pass to 8 characters"), so passwords that differ only after character 8 do
NOT differ. VRRPv2 drops an advert whose auth type differs ("received a 1 auth, expecting 0!")
or whose password differs (vrrp.c, vrrp_check_packet(): "received an invalid passwd!"); VRRPv3 has no
authentication (keepalived ignores it), so version-3 peers are not compared. In strict mode
keepalived drops the authentication block ("Strict mode does not support authentication") and
so does it for AH where AH cannot apply (IPv6, no password): such a peer sends no
authentication, which a peer that uses it rejects.

A password is a secret: messages and notes give its length only (a message about one says
"redacted": the SARIF fingerprint of such a finding is its message). The unsafe fix aligns
auth_type; a differing password has no fix (halint never writes a password)."""
from __future__ import annotations

from halint.core.diagnostic import Edit, Fix, Related, Safety
from halint.formats.keepalived.model import ah_in_force, strict_mode
from halint.rules.base import rule
from halint.rules.ha.common_peers import host_name, once_prefix, reference, version_of

AUTH_LEN = 8


def auth_key(config, instance) -> tuple[str | None, str | None] | None:
    """(auth_type, first 8 characters of auth_pass) as the instance sends them; None for VRRPv3."""
    if instance is None or version_of(config, instance) != 2:
        return None
    if instance.authentication is None or instance.auth_type is None:
        return (None, None)
    kind = instance.auth_type.text
    if kind not in ("PASS", "AH"):
        return (None, None)  # keepalived: unknown authentication type, none used (KA003)
    if strict_mode(config, instance) or (kind == "AH" and not ah_in_force(config, instance)):
        return (None, None)  # dropped by vrrp_complete_instance(): no authentication is sent
    password = instance.auth_pass.text[:AUTH_LEN] if instance.auth_pass is not None else ""
    return (kind, password)


def _length(instance) -> int:
    return len(instance.auth_pass.text) if instance.auth_pass is not None else 0


def _describe(key) -> str:
    """What a peer sends, for the message: "auth_type AH", "no authentication"."""
    return "no authentication" if key[0] is None else f"auth_type {key[0]}"


def _detail(key, instance, config, host: str) -> str:
    """What the note adds about a peer: why a written block is not sent, or its password's
    length (never the password)."""
    if key[0] is None:
        if instance.auth_type is not None and instance.auth_type.text in ("PASS", "AH"):
            why = "strict mode" if strict_mode(config, instance) else "AH cannot apply there"
            return f"{host} sends no authentication (keepalived drops its authentication block: {why})"
        return ""
    return f"{host}'s auth_pass: {_length(instance)} characters, redacted"


@rule("HA002")
def check(inv, ctx):
    for cluster in inv.clusters:
        nodes = [n for n in cluster.nodes if auth_key(n.config, n.instance) is not None]
        if len({auth_key(n.config, n.instance) for n in nodes}) < 2:
            continue
        ref, why = reference(nodes, lambda n: auth_key(n.config, n.instance))
        want = auth_key(ref.config, ref.instance)
        for node in nodes:
            have = auth_key(node.config, node.instance)
            if have == want or node.host == ref.host:
                continue
            effective = (
                node.effective is not None and ref.effective is not None
                and auth_key(node.unit.effective, node.effective) != auth_key(ref.unit.effective, ref.effective)
            )
            instance = node.instance
            fix = None
            tail = ""
            if have[0] != want[0]:
                what = (f"`{instance.name.text}` on {host_name(node)} uses {_describe(have)}, "
                        f"but {host_name(ref)} ({why}) uses {_describe(want)}")
                details = [d for d in (_detail(have, instance, node.config, host_name(node)),
                                       _detail(want, ref.instance, ref.config, host_name(ref))) if d]
                effect = "each drops the other's adverts (auth type mismatch)"
                tail = "".join(f"; {d}" for d in details)
                span = instance.auth_type.span if instance.auth_type is not None else (
                    instance.authentication.keyword.span if instance.authentication is not None else instance.name.span)
                if instance.auth_type is not None and want[0] is not None and have[1] == want[1]:
                    fix = Fix((Edit(instance.auth_type.span, want[0]),), Safety.UNSAFE,
                              f"set auth_type to {want[0]}, as on {host_name(ref)}")
            else:
                what = (
                    f"the auth_pass of `{instance.name.text}` on {host_name(node)} ({_length(instance)} characters, redacted) "
                    f"differs from {host_name(ref)}'s in its first {AUTH_LEN} characters"
                )
                effect = "each drops the other's adverts (\"received an invalid passwd\")"
                tail = (f"; the first {AUTH_LEN} characters of auth_pass are the only ones keepalived keeps; "
                        f"{_detail(want, ref.instance, ref.config, host_name(ref))}")
                span = instance.auth_pass_setting.keyword.span if instance.auth_pass_setting is not None else instance.name.span
            if ref.instance.auth_pass_setting is not None:
                related = (Related(ref.instance.auth_pass_setting.keyword.span, f"{host_name(ref)}'s auth_pass (redacted)"),)
            elif ref.instance.auth_type is not None:
                related = (Related(ref.instance.auth_type.span, f"{host_name(ref)}'s auth_type {ref.instance.auth_type.text}"),)
            else:
                related = (Related(ref.instance.name.span, f"`{ref.instance.name.text}` on {host_name(ref)}: no authentication"),)
            note = f"{once_prefix([node, ref], effective)}{effect}, so both become MASTER and {cluster.both_hold()}{tail}"
            ctx.report(what, span, related, fix, note=note)
