"""The whole tree as one model: hosts, VRRP clusters, node addresses, routers' NAT, zone records
and services, indexed for the cross-file (HA) rules. Built once from a
:class:`~halint.project.loader.Project` by :func:`halint.inventory.build.build`; read-only.

``failover`` holds keepalived's priority arithmetic (who holds a VIP, and when each check fails).
"""
