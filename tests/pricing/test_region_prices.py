"""Prices per Region: the table, its provenance, pricing-file overrides, CNY in China, every report says which."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from builders import RegionBuilder
from render_sample import sample_result

from vpcaudit import price_table, render
from vpcaudit.engine.runner import RunSettings, run
from vpcaudit.pricing import CostModel, Pricing, PricingError, format_money, load_pricing
from vpcaudit.rules.nat.nat004_nat_gateway_idle import nat_gateway_idle


def test_eu_west_1_uses_its_looked_up_nat_prices_and_says_the_rest_are_defaults() -> None:
    model = Pricing().model("eu-west-1")
    assert (model.nat_gateway_hour, model.nat_gateway_gb, model.currency) == (0.048, 0.048, "USD")
    assert model.interface_endpoint_hour_per_az == 0.01  # us-east-1 default
    note = Pricing().note("eu-west-1")
    assert note.looked_up == ("nat_gateway_hour", "nat_gateway_gb")
    assert note.sources == (price_table.PRICE_LIST_EU_WEST_1,)
    assert note.describe() == (
        "eu-west-1 (USD): 2 of 11 figures (nat_gateway_hour, nat_gateway_gb) are list prices as of 2026-12-05 "
        f"({price_table.PRICE_LIST_EU_WEST_1}); the others: us-east-1 list prices (documented default, not looked "
        "up for this Region)")


def test_us_east_1_figures_are_all_looked_up() -> None:
    note = Pricing().note("us-east-1")
    assert note.defaults == "" and len(note.looked_up) == len(price_table.US_EAST_1)
    assert Pricing().model("us-east-1") == CostModel()


@pytest.mark.parametrize("region", ["cn-north-1", "cn-northwest-1", "cn-south-9"])
def test_china_regions_are_priced_in_cny(region: str) -> None:
    model = Pricing().model(region)
    assert model.currency == "CNY"
    assert model.nat_gateway_hour == pytest.approx(0.045 * price_table.CNY_PER_USD)
    assert model.money(model.nat_gateway_month()) == "CN¥233.24"
    assert "converted at 7.1 CNY/USD" in Pricing().note(region).describe()


def test_a_region_missing_from_the_table_says_so() -> None:
    assert "xx-east-9 is not in vpcaudit's price table" in Pricing().note("xx-east-9").defaults


def test_a_pricing_file_overrides_every_region_and_one_region(tmp_path: Path) -> None:
    path = tmp_path / "pricing.toml"
    path.write_text('[pricing]\nnat_gateway_hour = 0.05\n[pricing.regions.cn-north-1]\ncurrency = "cny"\n'
                    'nat_gateway_hour = 0.35\n', encoding="utf-8")
    pricing = load_pricing(path)
    assert pricing.model("eu-west-1").nat_gateway_hour == 0.05
    assert pricing.model("eu-west-1").nat_gateway_gb == 0.048  # the table still prices what the file leaves out
    china = pricing.model("cn-north-1")
    assert (china.nat_gateway_hour, china.currency) == (0.35, "CNY")
    note = pricing.note("cn-north-1")
    assert note.overridden == ("nat_gateway_hour", "currency") and note.pricing_file == str(path)
    assert f"nat_gateway_hour, currency from {path}" in note.describe()


@pytest.mark.parametrize(("text", "message"), [
    ("[pricing]\nnat_gateway_hours = 1\n", "unknown pricing key 'nat_gateway_hours'"),
    ("[pricing]\nregions = 3\n", "'regions' must hold one table per Region"),
    ("[pricing.regions.eu-west-1]\ncurrency = \"euros\"\n", "regions.eu-west-1.'currency' must be a three-letter"),
    ("[pricing.regions.eu-west-1]\ntgw_gb = -1\n", "regions.eu-west-1.'tgw_gb' must be a number from 0 to 1,000,000"),
])
def test_a_bad_pricing_file_is_one_line_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "pricing.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PricingError, match=message.replace(".", r"\.").replace("(", r"\(")):
        load_pricing(path)


def test_money_and_rates_show_the_currency() -> None:
    assert (format_money(1234.5), format_money(7.1, "CNY"), format_money(3, "EUR"), format_money(None)) == (
        "$1,234.50", "CN¥7.10", "EUR 3.00", "—")
    assert (CostModel().rate(0.045), CostModel().rate(0.02), CostModel(currency="CNY").rate(0.3195)) == (
        "$0.045", "$0.02", "CN¥0.3195")


def _idle_nat_snapshot(region: str):  # type: ignore[no-untyped-def]
    b = RegionBuilder(region=region)
    vpc = b.vpc()
    nat = b.nat(b.subnet(vpc, "10.0.1.0/24", az=1), vpc_id=vpc)
    b.route_table(vpc, subnets=[b.subnet(vpc, "10.0.2.0/24", az=1)], routes={"0.0.0.0/0": nat})  # routed: NAT004's
    for name in ("BytesOutToDestination", "BytesInFromSource"):
        b.metric(nat, "AWS/NATGateway", name, 0)
    return b.snapshot()


def test_a_china_audit_prices_findings_and_cost_lines_in_cny_and_says_which_prices() -> None:
    result = run(_idle_nat_snapshot("cn-north-1"), [nat_gateway_idle], RunSettings())
    (finding,) = result.findings
    assert (finding.monthly_cost_usd, finding.currency) == (233.24, "CNY")
    assert "costs ~CN¥233.24/month" in finding.message
    (line,) = result.costs
    assert (line.monthly_fixed_usd, line.currency) == (233.24, "CNY")
    (note,) = result.prices
    assert (note.region, note.currency) == ("cn-north-1", "CNY")


def test_the_same_audit_in_eu_west_1_uses_eu_west_1_prices() -> None:
    result = run(_idle_nat_snapshot("eu-west-1"), [nat_gateway_idle], RunSettings())
    assert [(f.monthly_cost_usd, f.currency) for f in result.findings] == [(35.04, "USD")]  # 0.048 × 730


def _china_sample():  # type: ignore[no-untyped-def]
    sample = sample_result()
    costs = tuple(replace(c, currency="CNY") for c in sample.costs)
    findings = tuple(replace(f, currency="CNY") if f.monthly_cost_usd is not None else f for f in sample.findings)
    return replace(sample, costs=costs, findings=findings, prices=Pricing().notes(["cn-north-1"]))


def test_reports_show_the_currency_and_the_prices_used() -> None:
    china = _china_sample()
    html = render.render(china, "html")
    assert "CN¥45.00" in html and "CN¥54.75" in html and "$45.00" not in html
    assert '<ul id="prices">\n<li>cn-north-1 (CNY): all figures: us-east-1 list prices converted at 7.1' in html
    md = render.render(china, "md")
    assert "CN¥45.00" in md and "Prices used:\n\n- cn-north-1 (CNY): all figures" in md
    assert "Prices: cn-north-1 (CNY)" in render.render(china, "table")
    assert render.render(china, "csv").count(",CNY") == 1  # the one finding with a cost


def test_several_currencies_get_no_grand_total() -> None:
    sample = sample_result()
    mixed = replace(sample, costs=(replace(sample.costs[0], currency="CNY"), *sample.costs[1:]))
    context = render.build_report_context(mixed)
    assert (context.cost_currency, context.cost_total_fixed) == (None, None)


def test_a_diff_compares_costs_in_their_currency_only() -> None:
    from vpcaudit.engine.diff import MIXED, CostTotals
    from vpcaudit.render.diff.labels import cost_change

    fixed, _ = cost_change(CostTotals(10.0, None, "CNY"), CostTotals(12.5, None, "CNY"))
    assert fixed == "CN¥10.00 → CN¥12.50 (+CN¥2.50)"
    assert cost_change(CostTotals(0.0, None, MIXED), CostTotals(1.0, None, "USD")) == (
        "not compared: prices in mixed before and USD after",) * 2
