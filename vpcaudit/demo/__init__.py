"""The demo: an example account built in moto, scanned end to end (`vpcaudit demo`).

The estate builder is also what the scenario and end-to-end tests scan, so the demo report
and the tests show exactly the same mistakes.
"""
