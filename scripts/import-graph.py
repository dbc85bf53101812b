"""Count the import arrows between the apps of pengaduan, and those running against a layer order.

    PYTHONPATH=src python scripts/import-graph.py brief|contract [-v]

brief: the order of issue 14 (workcalendar, sop -> units -> complaints -> notifications, documents -> reports
-> workdesk, portal, api -> ops; the wiring modules are left out).
contract: the order of pyproject.toml's layers contract.
An arrow is "app A imports app B" (migrations excluded); weights are the module-level import statements.
"""
import sys
from collections import Counter

import grimp

ORDERS = {
    "brief": [
        ["workcalendar", "sop"], ["units"], ["complaints"], ["notifications", "documents"], ["reports"],
        ["workdesk", "portal", "api"], ["ops"],
    ],
    "contract": [
        ["env"], ["settings", "wsgi", "middleware"], ["units"], ["workcalendar", "typesetting", "throttle", "logins"],
        ["sop"],
        ["complaints"], ["documents"], ["notifications"], ["reports"], ["workdesk", "portal", "api"], ["ops"],
        ["cli", "urls"],
    ],
}
order = ORDERS[sys.argv[1]]
LEVEL = {app: i for i, layer in enumerate(order) for app in layer}


def app_of(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


graph = grimp.build_graph("pengaduan", cache_dir=None)
arrows, lines = Counter(), []
for importer in graph.modules:
    if ".migrations" in importer:
        continue
    for imported in graph.find_modules_directly_imported_by(importer):
        a, b = app_of(importer), app_of(imported)
        if a and b and a != b:
            arrows[(a, b)] += 1
            lines.append((a, b, importer, imported))

unplaced = sorted({app for pair in arrows for app in pair if app not in LEVEL})
upward = {k: n for k, n in arrows.items() if k[0] in LEVEL and k[1] in LEVEL and LEVEL[k[0]] < LEVEL[k[1]]}
sideways = {k: n for k, n in arrows.items() if k[0] in LEVEL and k[1] in LEVEL and LEVEL[k[0]] == LEVEL[k[1]]}
print(f"order: {sys.argv[1]}")
print(f"app-to-app arrows: {len(arrows)} ({sum(arrows.values())} module imports)")
print(f"upward: {len(upward)} ({sum(upward.values())}): "
      + ", ".join(f"{a}->{b} {n}" for (a, b), n in sorted(upward.items())))
print(f"within one layer: {len(sideways)} ({sum(sideways.values())}): "
      + ", ".join(f"{a}->{b} {n}" for (a, b), n in sorted(sideways.items())))
if unplaced:
    print("apps not in this order:", ", ".join(unplaced))
if "-v" in sys.argv:
    for a, b, importer, imported in sorted(lines):
        if (a, b) in upward or (a, b) in sideways:
            print(f"    {importer} -> {imported}")
