"""Platform names as inventories write them, to the names netval's collectors use.

An inventory may say ``eos`` (NAPALM), ``cisco_ios`` (netmiko), ``arista_eos`` (scrapli),
``cisco_xr`` (netutils) or, from NetBox, ``Arista EOS``. netutils' mappers translate between
the libraries: a name is read as a scrapli name first, then as netutils' own, then as a
NAPALM, netmiko, pyATS, Ansible or ntc-templates name, then once more written in lower case
with ``_`` for spaces and dashes. Scrapli connections get the scrapli name, NAPALM the
driver name.
"""

from __future__ import annotations

from functools import cache

#: scrapli-community platforms netutils does not map
SCRAPLI_ONLY = frozenset({"cumulus_vtysh"})


def _mappers() -> tuple[dict[str, str], ...]:
    from netutils import lib_mapper as m

    return (
        m.SCRAPLI_LIB_MAPPER,
        m.MAIN_LIB_MAPPER,
        m.NAPALM_LIB_MAPPER,
        m.NETMIKO_LIB_MAPPER,
        m.PYATS_LIB_MAPPER,
        m.ANSIBLE_LIB_MAPPER,
        m.NTCTEMPLATES_LIB_MAPPER,
    )


@cache
def normalized(name: str) -> str | None:
    """netutils' name for a platform written in any library's terms (None: not known)."""
    for candidate in dict.fromkeys(
        (name, name.strip().lower().replace(" ", "_").replace("-", "_"))
    ):
        for mapper in _mappers():
            if candidate in mapper:
                return mapper[candidate]
    return None


@cache
def scrapli_platform(name: str) -> str | None:
    """The scrapli platform for ``name``, or None when there is none."""
    from netutils.lib_mapper import SCRAPLI_LIB_MAPPER, SCRAPLI_LIB_MAPPER_REVERSE

    if name in SCRAPLI_ONLY or name in SCRAPLI_LIB_MAPPER:
        return name
    found = normalized(name)
    return None if found is None else SCRAPLI_LIB_MAPPER_REVERSE.get(found)


@cache
def napalm_driver(name: str) -> str | None:
    """The NAPALM driver for ``name`` (a NAPALM name stays as it is: ``nxos_ssh``)."""
    from netutils.lib_mapper import NAPALM_LIB_MAPPER, NAPALM_LIB_MAPPER_REVERSE

    if name in NAPALM_LIB_MAPPER:
        return name
    found = normalized(name)
    return None if found is None else NAPALM_LIB_MAPPER_REVERSE.get(found)
