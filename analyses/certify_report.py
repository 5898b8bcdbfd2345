"""``classify_language --certify``: certify every ``yes`` verdict by a built model.

For each family of :data:`ssm.constructions.certify.CERTIFIED_FAMILIES` whose verdict is
``yes``, build the exact model and check it (:func:`ssm.constructions.certify.certify`); the
report line reads "certified by construction (L layers, width W)" with the check's accuracy, or
says why it could not be certified.
"""
from __future__ import annotations

import torch

from ssm.constructions.certify import CERTIFIED_FAMILIES, certify
from ssm.constructions.errors import ConstructionError

__all__ = ["certificates", "certificate_lines"]


def certificates(target, classification, check_length: int, strings: int, seed: int = 0) -> list:
    """One dict per certified family with a ``yes`` verdict: the certificate, or an error."""
    torch.set_num_threads(1)
    out = []
    for fam in CERTIFIED_FAMILIES:
        if classification.prediction(fam).expressible != "yes":
            continue
        try:
            r = certify(target, fam, check_length=check_length, strings=strings, seed=seed,
                        classification=classification, name=classification.language)
            out.append({"family": fam, "certified": r.accuracy == 1.0, **r.to_dict()})
        except (ConstructionError, ValueError) as e:
            out.append({"family": fam, "certified": False, "error": str(e)})
    return out


def certificate_lines(certs: list) -> list[str]:
    lines = []
    for c in certs:
        if "error" in c:
            lines.append(f"{c['family']}: yes — not certified ({c['error']})")
        else:
            ok = "certified by construction" if c["certified"] else "construction FAILED its check"
            lines.append(f"{c['family']}: yes — {ok} ({c['layers']} layers, width {c['width']}; "
                         f"min_layers {c['min_layers']}; accuracy {100 * c['accuracy']:.2f}% on "
                         f"{c['strings']} strings of length {c['check_length']}, {c['dtype']})")
    return lines
