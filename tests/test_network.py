"""PrivateNetwork and WorkspaceEndpoints: the checked address plan, the VNet with its delegated
subnets, NSGs and egress, the DNS zone, and the workspace's private endpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from components import validation
from components.network import NetworkSpec, PrivateNetwork
from components.validation import InvalidArgs
from tests.conftest import run_program
from tools import engine

SUB = engine.SUBSCRIPTION
VNET = f"/subscriptions/{SUB}/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/spoke"
ZONE = f"/subscriptions/{SUB}/resourceGroups/dns/providers/Microsoft.Network/privateDnsZones/privatelink.azuredatabricks.net"
RUNNER_VNET = f"/subscriptions/{SUB}/resourceGroups/ci/providers/Microsoft.Network/virtualNetworks/runners"

CREATED = {
    "addressSpace": "10.20.0.0/22",
    "hostSubnet": "10.20.0.0/24",
    "containerSubnet": "10.20.1.0/24",
    "endpointSubnet": "10.20.2.0/27",
}
EXISTING = {
    "virtualNetworkId": VNET,
    "hostSubnetId": f"{VNET}/subnets/dbx-host",
    "containerSubnetId": f"{VNET}/subnets/dbx-container",
    "endpointSubnetId": f"{VNET}/subnets/endpoints",
}


def problems(spec: dict[str, Any]) -> list[str]:
    return [str(p) for p in validation.problems(NetworkSpec, spec)]


@pytest.mark.parametrize(
    "spec",
    [
        CREATED,
        # The largest and smallest sizes Azure Databricks and Azure take.
        {
            "addressSpace": "10.0.0.0/16",
            "hostSubnet": "10.0.0.0/18",
            "containerSubnet": "10.0.64.0/18",
            "endpointSubnet": "10.0.128.0/29",
        },
        {
            "addressSpace": "192.168.10.0/24",
            "hostSubnet": "192.168.10.0/26",
            "containerSubnet": "192.168.10.64/26",
            "endpointSubnet": "192.168.10.128/29",
        },
        {"existing": EXISTING, "dnsZoneId": ZONE},
        {**CREATED, "linkedNetworkIds": [RUNNER_VNET], "browserAuthentication": False},
    ],
)
def test_network_plans_azure_takes(spec: dict[str, Any]) -> None:
    assert problems(spec) == []


def test_every_size_problem_is_refused_at_once_with_azures_reason() -> None:
    assert problems(
        {
            "addressSpace": "10.20.0.0/25",
            "hostSubnet": "10.20.0.0/27",
            "containerSubnet": "10.20.1.5/24",
            "endpointSubnet": "10.20.2.0/30",
        }
    ) == [
        "addressSpace: expected a VNet address space from /16 to /24, got 10.20.0.0/25: Azure"
        " Databricks takes a VNet of that size only (Learn, vnet-inject)",
        "hostSubnet: expected a /26 or larger subnet, got 10.20.0.0/27: Azure Databricks' host and"
        " container subnets are at least /26 (Learn, vnet-inject)",
        "containerSubnet: '10.20.1.5/24' has host bits set: the block is 10.20.1.0/24",
        "endpointSubnet: expected a /29 or larger subnet, got 10.20.2.0/30: Azure's smallest subnet",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10.20.0.0", "expected an IPv4 CIDR block like 10.0.0.0/16, got '10.20.0.0'"),
        ("10.20.300.0/22", "expected an IPv4 CIDR block, got '10.20.300.0/22'"),
        ("10.20.0.0/40", "expected a prefix length from /0 to /32, got '10.20.0.0/40'"),
    ],
)
def test_what_is_no_cidr_block(value: str, message: str) -> None:
    found = problems({**CREATED, "addressSpace": value})
    assert len(found) == 1 and found[0].startswith(f"addressSpace: {message}"), found


def test_subnets_inside_the_address_space_and_apart() -> None:
    assert problems(
        {
            "addressSpace": "10.20.0.0/22",
            "hostSubnet": "10.20.0.0/24",
            "containerSubnet": "10.20.0.128/26",
            "endpointSubnet": "10.30.0.0/27",
        }
    ) == [
        "containerSubnet: 10.20.0.128/26 overlaps hostSubnet (10.20.0.0/24): every subnet needs a"
        " block of its own",
        "endpointSubnet: 10.30.0.0/27 is outside addressSpace 10.20.0.0/22",
    ]


def test_a_network_is_created_or_existing_never_half_of_either() -> None:
    assert problems({"addressSpace": "10.20.0.0/22"}) == [
        "hostSubnet: is required to create the network (or give network.existing)",
        "containerSubnet: is required to create the network (or give network.existing)",
        "endpointSubnet: is required to create the network (or give network.existing)",
    ]
    assert problems({"existing": EXISTING, "hostSubnet": "10.20.0.0/24"}) == [
        "hostSubnet: applies to a network the stack creates, not with network.existing",
    ]


def test_existing_ids_of_the_right_type_and_one_network() -> None:
    storage = f"/subscriptions/{SUB}/resourceGroups/hub/providers/Microsoft.Storage/storageAccounts/lake"
    other = f"/subscriptions/{SUB}/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/other"
    assert problems({"existing": {**EXISTING, "virtualNetworkId": storage}}) == [
        "existing.virtualNetworkId: expected /subscriptions/<id>/resourceGroups/<group>/providers"
        "/Microsoft.Network/virtualNetworks/<name>, got " + repr(storage)
    ]
    assert problems(
        {
            "existing": {
                **EXISTING,
                "hostSubnetId": f"{other}/subnets/dbx-host",
                # ARM ids are case-insensitive: the same subnet written otherwise.
                "endpointSubnetId": EXISTING["containerSubnetId"].replace("subnets", "Subnets").upper(),
            }
        }
    ) == [
        "existing.hostSubnetId: is not a subnet of existing.virtualNetworkId",
        "existing.endpointSubnetId: is the same subnet as existing.containerSubnetId: each needs a"
        " subnet of its own",
    ]


def test_dns_zone_is_the_databricks_zone_and_links_belong_to_a_created_one() -> None:
    wrong = ZONE.replace("azuredatabricks", "blob.core.windows")
    assert [p.split(":")[0] for p in problems({**CREATED, "dnsZoneId": wrong})] == ["dnsZoneId"]
    assert problems({**CREATED, "dnsZoneId": ZONE, "linkedNetworkIds": [RUNNER_VNET]}) == [
        "linkedNetworkIds: applies to the zone the stack creates, not with network.dnsZoneId (its"
        " owner links it)"
    ]
    twin = RUNNER_VNET.replace("/ci/", "/ci2/")
    assert problems({"existing": EXISTING, "linkedNetworkIds": [VNET.upper(), RUNNER_VNET, twin]}) == [
        "linkedNetworkIds[0]: is the workspace's own VNet, which the zone is linked to already",
        "linkedNetworkIds[2]: is named like linkedNetworkIds[1]: the zone's links are named by their VNet",
    ]


def test_component_refuses_bad_args_before_declaring_anything() -> None:
    with pytest.raises(InvalidArgs) as caught:
        PrivateNetwork(
            "n",
            {"spec": {**CREATED, "hostSubnet": "10.20.0.0/27"}, "name": "-bad", "resource_group_name": "rg"},  # type: ignore[typeddict-item]
        )
    assert str(caught.value).splitlines() == [
        "PrivateNetwork n: spec.hostSubnet: expected a /26 or larger subnet, got 10.20.0.0/27: Azure"
        " Databricks' host and container subnets are at least /26 (Learn, vnet-inject)",
        "PrivateNetwork n: name: expected a virtual network name (2-64 letters, digits, _ . -), got '-bad'",
    ]


NETWORK_PROGRAM = """
import pulumi
from components.network import PrivateNetwork, WorkspaceEndpoints

net = PrivateNetwork(
    "net",
    {{"spec": {spec!r}, "name": "etl-vnet", "resource_group_name": "rg", "location": "westeurope",
     "tags": {{"owner": "me"}}}},
)
WorkspaceEndpoints(
    "endpoints",
    {{"workspace_id": "/subscriptions/{sub}/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/etl",
     "workspace_name": "etl", "endpoint_subnet_id": net.endpoint_subnet_id, "dns_zone_id": net.dns_zone_id,
     "resource_group_name": "rg", "location": "westeurope", "browser_authentication": {browser}}},
)
pulumi.export("vnet", net.virtual_network_id)
pulumi.export("host", net.host_subnet_name)
pulumi.export("container", net.container_subnet_name)
pulumi.export("endpoints", net.endpoint_subnet_id)
pulumi.export("zone", net.dns_zone_id)
"""


def network_program(tmp_path: Path, spec: dict[str, Any], browser: bool = True) -> engine.Result:
    snake = {
        "addressSpace": "address_space",
        "hostSubnet": "host_subnet",
        "containerSubnet": "container_subnet",
        "endpointSubnet": "endpoint_subnet",
        "dnsZoneId": "dns_zone_id",
        "linkedNetworkIds": "linked_network_ids",
    }
    given = {snake.get(k, k): v for k, v in spec.items()}
    if "existing" in given:
        given["existing"] = {
            "virtual_network_id": EXISTING["virtualNetworkId"],
            "host_subnet_id": EXISTING["hostSubnetId"],
            "container_subnet_id": EXISTING["containerSubnetId"],
            "endpoint_subnet_id": EXISTING["endpointSubnetId"],
        }
    return run_program(tmp_path, NETWORK_PROGRAM.format(spec=given, sub=SUB, browser=browser))


def test_created_vnet_owns_its_subnets_each_delegated_with_an_nsg_and_egress(tmp_path: Path) -> None:
    result = network_program(tmp_path, {**CREATED, "linkedNetworkIds": [RUNNER_VNET]})
    vnet = result.one("azure-native:network:VirtualNetwork")
    nsgs = {
        r.inputs["networkSecurityGroupName"]: r
        for r in result.of_type("azure-native:network:NetworkSecurityGroup")
    }
    nat = result.one("azure-native:network:NatGateway")
    assert vnet.inputs["addressSpace"] == {"addressPrefixes": ["10.20.0.0/22"]}
    delegation = [{"name": "databricks", "serviceName": "Microsoft.Databricks/workspaces"}]
    # SubnetArgs' own defaults, Azure's.
    policies = {"privateEndpointNetworkPolicies": "Disabled", "privateLinkServiceNetworkPolicies": "Enabled"}
    assert vnet.inputs["subnets"] == [
        {
            "name": "host",
            "addressPrefix": "10.20.0.0/24",
            "networkSecurityGroup": {"id": nsgs["etl-vnet-host"].id},
            "natGateway": {"id": nat.id},
            "delegations": delegation,
            **policies,
        },
        {
            "name": "container",
            "addressPrefix": "10.20.1.0/24",
            "networkSecurityGroup": {"id": nsgs["etl-vnet-container"].id},
            "natGateway": {"id": nat.id},
            "delegations": delegation,
            **policies,
        },
        {"name": "private-endpoints", "addressPrefix": "10.20.2.0/27", **policies},
    ]
    # No standalone Subnet beside the VNet (pulumi-azure-native #611).
    assert result.of_type("azure-native:network:Subnet") == []
    # Databricks owns the NSG rules it adds through the delegation; the stack never sends any.
    assert all(
        "securityRules" not in n.inputs and n.ignore_changes == ["securityRules"] for n in nsgs.values()
    )
    ip = result.one("azure-native:network:PublicIPAddress")
    assert nat.inputs["publicIpAddresses"] == [{"id": ip.id}]
    assert nat.inputs["sku"] == {"name": "Standard"}
    assert ip.inputs["sku"] == {"name": "Standard"} and ip.inputs["publicIPAllocationMethod"] == "Static"
    assert vnet.inputs["tags"] == {"owner": "me"}
    assert result.outputs["host"] == "host" and result.outputs["container"] == "container"
    assert result.outputs["endpoints"] == f"{vnet.id}/subnets/private-endpoints"
    zone = result.one("azure-native:privatedns:PrivateZone")
    assert zone.inputs["privateZoneName"] == "privatelink.azuredatabricks.net"
    assert zone.inputs["location"] == "global"
    links = {
        r.inputs["virtualNetworkLinkName"]: r.inputs
        for r in result.of_type("azure-native:privatedns:VirtualNetworkLink")
    }
    assert {name: link["virtualNetwork"]["id"] for name, link in links.items()} == {
        "workspace": vnet.id,
        "runners": RUNNER_VNET,
    }
    assert all(link["registrationEnabled"] is False for link in links.values())


def test_existing_network_is_used_not_created(tmp_path: Path) -> None:
    result = network_program(tmp_path, {"existing": EXISTING})
    for kind in ("VirtualNetwork", "NetworkSecurityGroup", "NatGateway", "PublicIPAddress"):
        assert result.of_type(f"azure-native:network:{kind}") == []
    assert result.outputs["vnet"] == VNET
    assert (result.outputs["host"], result.outputs["container"]) == ("dbx-host", "dbx-container")
    assert result.outputs["endpoints"] == EXISTING["endpointSubnetId"]
    link = result.one("azure-native:privatedns:VirtualNetworkLink").inputs
    assert link["virtualNetwork"] == {"id": VNET}


def test_an_existing_zone_is_used_and_left_to_its_owner(tmp_path: Path) -> None:
    result = network_program(tmp_path, {"existing": EXISTING, "dnsZoneId": ZONE})
    assert result.of_type("azure-native:privatedns:PrivateZone") == []
    assert result.of_type("azure-native:privatedns:VirtualNetworkLink") == []
    assert result.outputs["zone"] == ZONE
    groups = result.of_type("azure-native:network:PrivateDnsZoneGroup")
    assert {g.inputs["privateDnsZoneConfigs"][0]["privateDnsZoneId"] for g in groups} == {ZONE}


def test_workspace_endpoints_one_after_the_other_each_in_the_zone(tmp_path: Path) -> None:
    result = network_program(tmp_path, CREATED)
    endpoints = {
        r.inputs["privateEndpointName"]: r for r in result.of_type("azure-native:network:PrivateEndpoint")
    }
    assert set(endpoints) == {"etl-ui-api", "etl-browser-auth"}
    workspace = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/etl"
    for name, group_id in (
        ("etl-ui-api", "databricks_ui_api"),
        ("etl-browser-auth", "browser_authentication"),
    ):
        inputs = endpoints[name].inputs
        assert inputs["privateLinkServiceConnections"] == [
            {"name": name, "privateLinkServiceId": workspace, "groupIds": [group_id]}
        ]
        assert inputs["subnet"] == {"id": result.outputs["endpoints"]}
    # Azure refuses a second endpoint operation while the workspace is updating.
    ui_api_group = next(
        g
        for g in result.of_type("azure-native:network:PrivateDnsZoneGroup")
        if g.inputs["privateEndpointName"] == "etl-ui-api"
    )
    assert {endpoints["etl-ui-api"].urn, ui_api_group.urn} <= set(endpoints["etl-browser-auth"].dependencies)
    zone = result.one("azure-native:privatedns:PrivateZone")
    for group in result.of_type("azure-native:network:PrivateDnsZoneGroup"):
        assert group.inputs["privateDnsZoneConfigs"] == [
            {"name": "privatelink-azuredatabricks-net", "privateDnsZoneId": zone.id}
        ]


def test_a_second_workspace_shares_the_regions_browser_authentication_endpoint(tmp_path: Path) -> None:
    result = network_program(tmp_path, CREATED, browser=False)
    (endpoint,) = result.of_type("azure-native:network:PrivateEndpoint")
    assert endpoint.inputs["privateLinkServiceConnections"][0]["groupIds"] == ["databricks_ui_api"]
    assert len(result.of_type("azure-native:network:PrivateDnsZoneGroup")) == 1
