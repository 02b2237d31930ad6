"""PrivateNetwork and WorkspaceEndpoints: VNet injection and Private Link for the workspace.

`NetworkSpec` is also the stack config's `network` section: its rules below are the ones config
is checked with (paths relative to the section: `hostSubnet`, `existing.virtualNetworkId`).

What a private stack's network is (Learn, azure/databricks/security/network/classic/vnet-inject
and .../private-link, "simplified deployment": one `databricks_ui_api` endpoint in the
workspace's own VNet serves both the front end and the back end):

- a VNet (or an existing one) with a host and a container subnet, each delegated to
  `Microsoft.Databricks/workspaces` with a network security group of its own, and a third
  subnet for private endpoints, which may not share the workspace's two;
- on a created VNet, a NAT gateway for the clusters' outbound traffic: secure cluster
  connectivity gives nodes no public IP, and Azure retired implicit ("default") outbound access
  for new subnets;
- the private DNS zone `privatelink.azuredatabricks.net` (or an existing one, for central DNS),
  linked to the VNet;
- after the workspace (`WorkspaceEndpoints`): the `databricks_ui_api` private endpoint and the
  region's `browser_authentication` endpoint, each registered in the zone by a DNS zone group.
"""

# Args module read by Pulumi's component analyzer: no `from __future__ import annotations`.
# validation.parse fills every default, so keys with a default are read with [].
# pyright: reportTypedDictNotRequiredAccess=false

import functools
import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any, TypedDict

import pulumi
import pulumi_azure_native.network as network
import pulumi_azure_native.privatedns as privatedns
from typing_extensions import NotRequired

from . import outputs, validation
from .arm import RESOURCE_GROUP_NAME, TAGS, any_case
from .validation import check, checks, rule, rules

DNS_ZONE = "privatelink.azuredatabricks.net"
"""The private DNS zone of Azure Databricks' `databricks_ui_api` and `browser_authentication`
sub-resources (Learn, private-link/private-endpoint-dns.md, "Analytics")."""
DATABRICKS_DELEGATION = "Microsoft.Databricks/workspaces"
"""The service both workspace subnets are delegated to (Learn, vnet-inject: "Subnet delegation
... to the Microsoft.Databricks/workspaces service")."""

UI_API = "databricks_ui_api"
"""The sub-resource of the workspace's front-end and back-end private endpoint."""
BROWSER_AUTHENTICATION = "browser_authentication"
"""The sub-resource of the region's SSO-callback private endpoint."""

HOST_SUBNET = "host"
CONTAINER_SUBNET = "container"
ENDPOINT_SUBNET = "private-endpoints"
"""Subnet names in a VNet the stack creates."""

VNET_PREFIXES = (16, 24)
"""Prefix lengths a workspace's VNet may have: "A CIDR block between /16 and /24 for the VNet"
(Learn, vnet-inject, "Virtual network requirements")."""
WORKSPACE_SUBNET_PREFIX = 26
"""The longest prefix of the host and container subnets: "Each subnet should use a CIDR block
that is at least /26" (ibid.)."""
SMALLEST_SUBNET_PREFIX = 29
"""Azure's smallest IPv4 subnet, /29: it reserves five addresses of every subnet (Learn,
virtual-network/virtual-networks-faq.md, "How small and how large can virtual networks and
subnets be?"), which the endpoint subnet's two endpoints must fit next to."""

_SUBSCRIPTION_GROUP = (
    f"^/{any_case('subscriptions')}/[0-9a-fA-F-]{{36}}/{any_case('resourceGroups')}/[-\\w.()]+"
    f"/{any_case('providers')}/{any_case('Microsoft.Network')}"
)
# Learn, azure-resource-manager/management/resource-name-rules, Microsoft.Network:
# virtualNetworks 2-64 and subnets 1-80 characters of letters, digits, _ . -, a letter or
# digit first, a letter, digit or _ last.
_VNET_NAME = r"[A-Za-z0-9][-\w.]{0,62}\w"
_SUBNET_NAME = r"[A-Za-z0-9](?:[-\w.]{0,78}\w)?"
VIRTUAL_NETWORK_ID = f"{_SUBSCRIPTION_GROUP}/{any_case('virtualNetworks')}/{_VNET_NAME}$"
"""A virtual network's ARM id (ARM ids are case-insensitive)."""
SUBNET_ID = (
    f"{_SUBSCRIPTION_GROUP}/{any_case('virtualNetworks')}/{_VNET_NAME}/{any_case('subnets')}/{_SUBNET_NAME}$"
)
"""A subnet's ARM id."""
DNS_ZONE_ID = f"{_SUBSCRIPTION_GROUP}/{any_case('privateDnsZones')}/{any_case(DNS_ZONE)}$"
"""The ARM id of a `privatelink.azuredatabricks.net` private DNS zone."""
CIDR = r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$"
"""The shape of an IPv4 CIDR block; `ipaddress` then says whether it is one."""

DEFAULT_BROWSER_AUTHENTICATION = True

CREATED_KEYS = ("addressSpace", "hostSubnet", "containerSubnet", "endpointSubnet")
"""NetworkSpec keys of a network the stack creates, in the order they are checked."""

_CIDR_RULE = rule("an IPv4 CIDR block like 10.0.0.0/16", pattern=CIDR)


@rules(
    virtual_network_id=rule(
        "/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>",
        pattern=VIRTUAL_NETWORK_ID,
    ),
    host_subnet_id=rule("a subnet's ARM id (.../virtualNetworks/<vnet>/subnets/<name>)", pattern=SUBNET_ID),
    container_subnet_id=rule(
        "a subnet's ARM id (.../virtualNetworks/<vnet>/subnets/<name>)", pattern=SUBNET_ID
    ),
    endpoint_subnet_id=rule(
        "a subnet's ARM id (.../virtualNetworks/<vnet>/subnets/<name>)", pattern=SUBNET_ID
    ),
)
class ExistingNetwork(TypedDict):
    """A VNet and subnets created outside the stack (hub-and-spoke teams bring their own)."""

    virtual_network_id: str
    """ARM id of the VNet, in the workspace's region and subscription."""
    host_subnet_id: str
    """ARM id of the host (public) subnet: delegated to Microsoft.Databricks/workspaces, with a
    network security group, /26 or larger, used by nothing else."""
    container_subnet_id: str
    """ARM id of the container (private) subnet, set up like the host subnet."""
    endpoint_subnet_id: str
    """ARM id of the subnet the private endpoints go in (not one of the workspace's two)."""


@rules(
    address_space=_CIDR_RULE,
    host_subnet=_CIDR_RULE,
    container_subnet=_CIDR_RULE,
    endpoint_subnet=_CIDR_RULE,
    dns_zone_id=rule(
        f"/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/privateDnsZones/{DNS_ZONE}",
        pattern=DNS_ZONE_ID,
    ),
    linked_network_ids=rule(
        "a list of distinct virtual network ids",
        uniqueItems=True,
        items=rule(
            "/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>",
            pattern=VIRTUAL_NETWORK_ID,
        ),
    ),
    browser_authentication=rule(default=DEFAULT_BROWSER_AUTHENTICATION),
)
class NetworkSpec(TypedDict):
    """The workspace's own VNet (created or existing), its private endpoints and their DNS."""

    address_space: NotRequired[str]
    """Address space of the VNet the stack creates, /16 to /24: the sizes Azure Databricks takes
    (e.g. 10.20.0.0/22). Each subnet below lies inside it and none overlaps another. Required to
    create the network; not with `existing`."""
    host_subnet: NotRequired[str]
    """The host (public) subnet inside addressSpace, /26 or larger (e.g. 10.20.0.0/24):
    delegated to Microsoft.Databricks/workspaces, with an NSG of its own and the NAT gateway for
    egress. Its size bounds the cluster nodes (one address each)."""
    container_subnet: NotRequired[str]
    """The container (private) subnet inside addressSpace, /26 or larger (e.g. 10.20.1.0/24),
    set up like the host subnet."""
    endpoint_subnet: NotRequired[str]
    """The private endpoints' subnet inside addressSpace, /29 (Azure's smallest subnet) or
    larger (e.g. 10.20.2.0/27): the workspace's two subnets may hold nothing else."""
    existing: NotRequired[ExistingNetwork]
    """Inject the workspace into this existing VNet and its subnets instead of creating one."""
    dns_zone_id: NotRequired[str]
    """An existing privatelink.azuredatabricks.net zone (central DNS) to register the endpoints
    in; its VNet links are then its owner's. The stack creates the zone when unset."""
    linked_network_ids: NotRequired[list[str]]
    """Other VNets to link the created zone to, e.g. the peered VNet of the CI runner that
    deploys the stack (not with dnsZoneId)."""
    browser_authentication: NotRequired[bool]
    """Create the region's browser_authentication endpoint (default true). There is one per
    region and DNS zone: a second workspace there sets false and shares the first's."""


def _created_or_existing(key: str, spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "existing" in spec and key in spec:
        yield key, "applies to a network the stack creates, not with network.existing"
    elif "existing" not in spec and key not in spec:
        yield key, "is required to create the network (or give network.existing)"


# Reads only whether `existing` is there, so a broken `existing` does not hide these.
for _key in CREATED_KEYS:
    check(NetworkSpec, functools.partial(_created_or_existing, _key), _key)


def _network(value: str) -> ipaddress.IPv4Network | str:
    """The block a CIDR string names, or why it names none."""
    try:
        return ipaddress.IPv4Network(value)
    except ipaddress.NetmaskValueError:
        return f"expected a prefix length from /0 to /32, got {value!r}"
    except ipaddress.AddressValueError as error:
        return f"expected an IPv4 CIDR block, got {value!r} ({error})"
    except ValueError:
        # Host bits set: Azure takes only the block's own address.
        block = ipaddress.IPv4Network(value, strict=False)
        return f"{value!r} has host bits set: the block is {block}"


def _size(key: str, block: ipaddress.IPv4Network) -> str | None:
    """Azure's and Azure Databricks' size limits of one block."""
    if key == "addressSpace" and not VNET_PREFIXES[0] <= block.prefixlen <= VNET_PREFIXES[1]:
        return (
            f"expected a VNet address space from /{VNET_PREFIXES[0]} to /{VNET_PREFIXES[1]}, got"
            f" {block}: Azure Databricks takes a VNet of that size only (Learn, vnet-inject)"
        )
    if key in ("hostSubnet", "containerSubnet") and block.prefixlen > WORKSPACE_SUBNET_PREFIX:
        return (
            f"expected a /{WORKSPACE_SUBNET_PREFIX} or larger subnet, got {block}: Azure"
            f" Databricks' host and container subnets are at least /{WORKSPACE_SUBNET_PREFIX}"
            " (Learn, vnet-inject)"
        )
    if key == "endpointSubnet" and block.prefixlen > SMALLEST_SUBNET_PREFIX:
        return f"expected a /{SMALLEST_SUBNET_PREFIX} or larger subnet, got {block}: Azure's smallest subnet"
    return None


def _block(key: str, spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if key not in spec:
        return
    block = _network(spec[key])
    problem = block if isinstance(block, str) else _size(key, block)
    if problem:
        yield key, problem


for _key in CREATED_KEYS:
    check(NetworkSpec, functools.partial(_block, _key), _key)


@checks(NetworkSpec, *CREATED_KEYS)
def _address_plan(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Each subnet inside the address space, and no two overlapping (Azure refuses both:
    "NetcfgSubnetRangeOutsideVnet", "NetcfgSubnetRangesOverlap")."""
    blocks = {k: _network(spec[k]) for k in CREATED_KEYS if k in spec}
    if any(isinstance(b, str) for b in blocks.values()) or "addressSpace" not in blocks:
        return  # reported by _block, or by _created_or_existing
    space = blocks.pop("addressSpace")
    assert not isinstance(space, str)
    seen: list[tuple[str, ipaddress.IPv4Network]] = []
    for key, block in blocks.items():
        assert not isinstance(block, str)
        if not block.subnet_of(space):
            yield key, f"{block} is outside addressSpace {space}"
            continue
        clash = next((other for other, taken in seen if block.overlaps(taken)), None)
        if clash:
            yield key, f"{block} overlaps {clash} ({spec[clash]}): every subnet needs a block of its own"
            continue
        seen.append((key, block))


@checks(ExistingNetwork, "virtualNetworkId", "hostSubnetId", "containerSubnetId", "endpointSubnetId")
def _existing_subnets(existing: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """The three subnets belong to the VNet, and are three: "You can't share subnets across
    workspaces or deploy other Azure resources on the subnets used by your Azure Databricks
    workspace" (Learn, vnet-inject)."""
    vnet = existing["virtualNetworkId"].lower()
    seen: dict[str, str] = {}
    for key in ("hostSubnetId", "containerSubnetId", "endpointSubnetId"):
        subnet = existing[key].lower()
        if subnet.rsplit("/subnets/", 1)[0] != vnet:
            yield key, "is not a subnet of existing.virtualNetworkId"
        elif subnet in seen:
            yield key, f"is the same subnet as existing.{seen[subnet]}: each needs a subnet of its own"
        else:
            seen[subnet] = key


@checks(NetworkSpec, "dnsZoneId", "linkedNetworkIds", "existing")
def _links_of_a_created_zone(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "dnsZoneId" in spec and "linkedNetworkIds" in spec:
        yield (
            "linkedNetworkIds",
            "applies to the zone the stack creates, not with network.dnsZoneId (its owner links it)",
        )
    existing = spec.get("existing", {})
    own = existing.get("virtualNetworkId", "").lower() if isinstance(existing, Mapping) else ""
    names: dict[str, int] = {"workspace": -1}
    for i, vnet in enumerate(spec.get("linkedNetworkIds", [])):
        link = vnet.rsplit("/", 1)[-1].lower()
        if own and vnet.lower() == own:
            yield f"linkedNetworkIds[{i}]", "is the workspace's own VNet, which the zone is linked to already"
        elif link in names:
            taken = "the workspace VNet's link" if names[link] < 0 else f"linkedNetworkIds[{names[link]}]"
            yield f"linkedNetworkIds[{i}]", f"is named like {taken}: the zone's links are named by their VNet"
        else:
            names[link] = i


@rules(
    name=rule("a virtual network name (2-64 letters, digits, _ . -)", pattern=f"^{_VNET_NAME}$"),
    resource_group_name=RESOURCE_GROUP_NAME,
    tags=TAGS,
)
class PrivateNetworkArgs(TypedDict):
    """Inputs of PrivateNetwork."""

    spec: NetworkSpec
    """The network to create or use."""
    name: str
    """Name of the VNet the stack creates (and the prefix of its NSGs and NAT gateway)."""
    resource_group_name: pulumi.Input[str]
    """Resource group of the created VNet, NSGs, NAT gateway and DNS zone."""
    location: NotRequired[pulumi.Input[str] | None]
    """Azure region: the workspace's (the VNet "must reside in the same region")."""
    tags: NotRequired[dict[str, str]]
    """Tags for the created resources."""


def subnet_name(subnet_id: str) -> str:
    """A subnet's name, the last segment of its ARM id."""
    return subnet_id.rsplit("/", 1)[-1]


class PrivateNetwork(pulumi.ComponentResource):
    """The VNet the workspace is injected into, its endpoint subnet and the private DNS zone.

    Declared before the workspace, which takes `virtual_network_id` and the two subnet names;
    `WorkspaceEndpoints` then puts the private endpoints in `endpoint_subnet_id`.
    """

    virtual_network_id: pulumi.Output[str]
    """ARM id of the VNet."""
    host_subnet_name: pulumi.Output[str]
    """Name of the host (public) subnet: the workspace's customPublicSubnetName."""
    container_subnet_name: pulumi.Output[str]
    """Name of the container (private) subnet: the workspace's customPrivateSubnetName."""
    endpoint_subnet_id: pulumi.Output[str]
    """ARM id of the subnet the private endpoints go in."""
    dns_zone_id: pulumi.Output[str]
    """ARM id of the privatelink.azuredatabricks.net zone the endpoints register in."""
    virtual_network: network.VirtualNetwork | None
    """The created VNet (None with `existing`)."""

    def __init__(
        self, name: str, args: PrivateNetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        args = validation.parse(PrivateNetworkArgs, args, f"PrivateNetwork {name}: ")
        super().__init__("adf-databricks:index:PrivateNetwork", name, None, opts)
        spec = args["spec"]
        tags = dict(args["tags"])
        existing = spec.get("existing")
        if existing is not None:
            self.virtual_network = None
            self.virtual_network_id = pulumi.Output.from_input(existing["virtual_network_id"])
            self.host_subnet_name = pulumi.Output.from_input(subnet_name(existing["host_subnet_id"]))
            self.container_subnet_name = pulumi.Output.from_input(
                subnet_name(existing["container_subnet_id"])
            )
            self.endpoint_subnet_id = pulumi.Output.from_input(existing["endpoint_subnet_id"])
        else:
            self._create(name, args, tags)
        if "dns_zone_id" in spec:
            self.dns_zone_id = pulumi.Output.from_input(spec["dns_zone_id"])
        else:
            zone = privatedns.PrivateZone(
                f"{name}-dns-zone",
                private_zone_name=DNS_ZONE,
                resource_group_name=args["resource_group_name"],
                # Private DNS zones are global resources (Learn, dns/private-dns-privatednszone.md).
                location="global",
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.dns_zone_id = zone.id
            # The workspace's VNet, then the others: each link named by its VNet (unique in
            # the zone), so adding one renames none.
            linked: list[tuple[str, pulumi.Input[str]]] = [("workspace", self.virtual_network_id)]
            linked += [(vnet.rsplit("/", 1)[-1], vnet) for vnet in spec.get("linked_network_ids", [])]
            for i, (link, vnet) in enumerate(linked):
                privatedns.VirtualNetworkLink(
                    f"{name}-dns-link" if i == 0 else f"{name}-dns-link-{link}",
                    private_zone_name=zone.name,
                    resource_group_name=args["resource_group_name"],
                    virtual_network_link_name=link,
                    virtual_network=privatedns.SubResourceArgs(id=vnet),
                    # Resolution only: the endpoints' records come from their DNS zone groups.
                    registration_enabled=False,
                    location="global",
                    tags=tags,
                    opts=pulumi.ResourceOptions(parent=self),
                )
        outputs.register(self)

    def _create(self, name: str, args: PrivateNetworkArgs, tags: dict[str, str]) -> None:
        spec = args["spec"]
        group = args["resource_group_name"]
        location = args.get("location")

        def nsg(purpose: str) -> network.NetworkSecurityGroup:
            return network.NetworkSecurityGroup(
                f"{name}-{purpose}-nsg",
                network_security_group_name=f"{args['name']}-{purpose}",
                resource_group_name=group,
                location=location,
                tags=tags,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    # Azure Databricks adds and owns the rules it needs through the subnets'
                    # delegation ("You do not have permission to update or delete these NSG
                    # rules"; Learn, vnet-inject, "Network security group rules"). Declaring
                    # none and sending back what Azure has keeps an update from removing them.
                    ignore_changes=["securityRules"],
                ),
            )

        host_nsg, container_nsg = nsg(HOST_SUBNET), nsg(CONTAINER_SUBNET)
        # Secure cluster connectivity gives the nodes no public IP; a NAT gateway is their
        # stable way out (Learn, security/network/classic/secure-cluster-connectivity, "Egress
        # IP with VNet injection"), now that new subnets get no implicit outbound access (Learn,
        # virtual-network/ip-services/default-outbound-access).
        egress_ip = network.PublicIPAddress(
            f"{name}-egress-ip",
            public_ip_address_name=f"{args['name']}-egress",
            resource_group_name=group,
            location=location,
            sku=network.PublicIPAddressSkuArgs(name=network.PublicIPAddressSkuName.STANDARD),
            public_ip_allocation_method=network.IPAllocationMethod.STATIC,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        nat = network.NatGateway(
            f"{name}-nat",
            nat_gateway_name=f"{args['name']}-egress",
            resource_group_name=group,
            location=location,
            sku=network.NatGatewaySkuArgs(name=network.NatGatewaySkuName.STANDARD),
            public_ip_addresses=[network.SubResourceArgs(id=egress_ip.id)],
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

        def workspace_subnet(
            subnet: str, prefix: str, security_group: network.NetworkSecurityGroup
        ) -> network.SubnetArgs:
            return network.SubnetArgs(
                name=subnet,
                address_prefix=prefix,
                network_security_group=network.NetworkSecurityGroupArgs(id=security_group.id),
                nat_gateway=network.SubResourceArgs(id=nat.id),
                # Azure fills in the delegation's actions for the service.
                delegations=[network.DelegationArgs(name="databricks", service_name=DATABRICKS_DELEGATION)],
            )

        # The subnets are declared inline, the VNet their one owner: a VNet PUT replaces its
        # whole subnet list, so standalone Subnet resources beside a VNet are deleted or show a
        # diff on every refresh (pulumi-azure-native #611, #2368; the SDK's docstring: "Do not
        # mix inline and standalone resource").
        self.virtual_network = network.VirtualNetwork(
            f"{name}-vnet",
            virtual_network_name=args["name"],
            resource_group_name=group,
            location=location,
            address_space=network.AddressSpaceArgs(address_prefixes=[spec["address_space"]]),
            subnets=[
                workspace_subnet(HOST_SUBNET, spec["host_subnet"], host_nsg),
                workspace_subnet(CONTAINER_SUBNET, spec["container_subnet"], container_nsg),
                # SubnetArgs sends Azure's defaults for the network policies: private
                # endpoint policies Disabled, which endpoints in this subnet want.
                network.SubnetArgs(name=ENDPOINT_SUBNET, address_prefix=spec["endpoint_subnet"]),
            ],
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.virtual_network_id = self.virtual_network.id
        self.host_subnet_name = pulumi.Output.from_input(HOST_SUBNET)
        self.container_subnet_name = pulumi.Output.from_input(CONTAINER_SUBNET)
        self.endpoint_subnet_id = pulumi.Output.concat(self.virtual_network.id, "/subnets/", ENDPOINT_SUBNET)


@rules(
    workspace_name=rule("a workspace name (3-64 letters, digits, _ or -)", pattern=r"^[A-Za-z0-9_-]{3,64}$"),
    resource_group_name=RESOURCE_GROUP_NAME,
    tags=TAGS,
    browser_authentication=rule(default=DEFAULT_BROWSER_AUTHENTICATION),
)
class WorkspaceEndpointsArgs(TypedDict):
    """Inputs of WorkspaceEndpoints."""

    workspace_id: pulumi.Input[str]
    """ARM id of the VNet-injected workspace."""
    workspace_name: str
    """The workspace's name, which names the endpoints."""
    endpoint_subnet_id: pulumi.Input[str]
    """ARM id of the subnet the endpoints go in (PrivateNetwork.endpoint_subnet_id)."""
    dns_zone_id: pulumi.Input[str]
    """ARM id of the privatelink.azuredatabricks.net zone (PrivateNetwork.dns_zone_id)."""
    resource_group_name: pulumi.Input[str]
    """Resource group of the endpoints."""
    location: NotRequired[pulumi.Input[str] | None]
    """Azure region: the VNet's."""
    tags: NotRequired[dict[str, str]]
    """Tags for the endpoints."""
    browser_authentication: NotRequired[bool]
    """Also create the region's browser_authentication endpoint (default true)."""


class WorkspaceEndpoints(pulumi.ComponentResource):
    """The workspace's private endpoints, each registered in the private DNS zone."""

    ui_api: network.PrivateEndpoint
    """The databricks_ui_api endpoint: front end (UI, REST API) and back end (cluster relay)."""
    browser_authentication: network.PrivateEndpoint | None
    """The browser_authentication endpoint (SSO callbacks), unless shared with another workspace."""
    # A list of resources, which the component analyzer does not take as an output: Python
    # callers read it through the `ready` property.
    _ready: list[pulumi.CustomResource]

    def __init__(
        self, name: str, args: WorkspaceEndpointsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        args = validation.parse(WorkspaceEndpointsArgs, args, f"WorkspaceEndpoints {name}: ")
        super().__init__("adf-databricks:index:WorkspaceEndpoints", name, None, opts)
        self._ready = []
        self.ui_api = self._endpoint(name, args, UI_API, "ui-api", [])
        self.browser_authentication = None
        if args["browser_authentication"]:
            # One at a time: "if both ... are created at the same time one of them will fail.
            # This is because the workspace is put in an 'updating' state during either
            # operation" (databricks/terraform-databricks-sra azure/tf/modules/workspace/
            # backend_privatelink.tf; its webauth endpoint depends on the backend one).
            self.browser_authentication = self._endpoint(
                name, args, BROWSER_AUTHENTICATION, "browser-auth", [*self._ready]
            )
        outputs.register(self)

    @property
    def ready(self) -> list[pulumi.CustomResource]:
        """What must exist before anything else connects to the workspace: the endpoints and
        their DNS records (Azure refuses an endpoint operation while the workspace updates)."""
        return list(self._ready)

    def _endpoint(
        self,
        name: str,
        args: WorkspaceEndpointsArgs,
        group_id: str,
        purpose: str,
        after: list[pulumi.Resource],
    ) -> network.PrivateEndpoint:
        endpoint_name = f"{args['workspace_name']}-{purpose}"
        endpoint = network.PrivateEndpoint(
            f"{name}-{purpose}",
            private_endpoint_name=endpoint_name,
            resource_group_name=args["resource_group_name"],
            location=args.get("location"),
            # A reference by id only: SubnetArgs would add its defaults for the subnet's own
            # policies, which are the VNet's to set.
            subnet={"id": args["endpoint_subnet_id"]},
            # Not manual: the deployer may approve on the workspace (Contributor), so Azure
            # approves the connection as it creates it.
            private_link_service_connections=[
                network.PrivateLinkServiceConnectionArgs(
                    name=endpoint_name,
                    private_link_service_id=args["workspace_id"],
                    group_ids=[group_id],
                )
            ],
            tags=dict(args["tags"]),
            opts=pulumi.ResourceOptions(parent=self, depends_on=after),
        )
        zone_group = network.PrivateDnsZoneGroup(
            f"{name}-{purpose}-dns",
            private_endpoint_name=endpoint.name,
            private_dns_zone_group_name="databricks",
            resource_group_name=args["resource_group_name"],
            private_dns_zone_configs=[
                network.PrivateDnsZoneConfigArgs(
                    name=DNS_ZONE.replace(".", "-"), private_dns_zone_id=args["dns_zone_id"]
                )
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self._ready += [endpoint, zone_group]
        return endpoint
