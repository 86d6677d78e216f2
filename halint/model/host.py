"""What a host's own files say about it: its interfaces and addresses, and its identity.

* :class:`Interfaces` - /etc/network/interfaces with the files it sources: ``stanzas``
  (:class:`IfaceStanza`: name, family, method, :class:`Address` list, gateway, name servers,
  every option), ``autos``, ``allows``, ``problems``; ``addresses()`` lists every configured
  address (``Address.network`` is a netaddr.IPNetwork: ``.ip`` the address, ``.cidr`` the
  subnet).
* :class:`MachineId` - /etc/machine-id: ``value`` or ``problem``.

The records are built by the readers while they read (halint/parse/interfaces.py and
halint/parse/machine_id.py; the import direction lets the model use the parse layer, not the
other way round).
"""
from __future__ import annotations

from halint.parse.interfaces import Address, HostAddress, IfaceStanza, Interfaces, Option, Problem, Word
from halint.parse.machine_id import MachineId

__all__ = ["Address", "HostAddress", "IfaceStanza", "Interfaces", "MachineId", "Option", "Problem", "Word"]
