"""Deals to plain data: what :func:`dealmodel.io.deals.deal_from_dict` reads back."""

from __future__ import annotations

from typing import Any

from dealmodel.io.fields import END_OF_PHASE
from dealmodel.model.actors import Party
from dealmodel.model.deal import Deal
from dealmodel.model.obligations import Obligation, Renewal
from dealmodel.model.phases import Phase

__all__ = ["deal_to_dict"]


def deal_to_dict(deal: Deal) -> dict[str, Any]:
    """Plain data that :func:`deal_from_dict` turns back into an equal Deal."""

    def obligation(o: Obligation) -> dict[str, Any]:
        out: dict[str, Any] = {"id": o.id}
        if len(o.obligors) == 1:
            out["obligor"] = o.obligor
        else:
            out["obligors"] = list(o.obligors)
        out["kind"] = o.kind.value
        if len(o.beneficiaries) == 1:
            out["beneficiary"] = o.beneficiary
        elif o.beneficiaries:
            out["beneficiaries"] = list(o.beneficiaries)
        if o.due is not None:
            out["due"] = {"after": o.due.after, "days": o.due.days}
        elif o.due_at_phase_end:
            out["due"] = END_OF_PHASE
        if o.parts:
            out["parts"] = list(o.parts)
        if o.strict:
            out["strict"] = True
        if o.description:
            out["description"] = o.description
        if o.quantity:
            out["quantity"] = ({"unit": o.quantity.unit} if o.quantity.amount is None
                               else {"amount": o.quantity.amount, "unit": o.quantity.unit})
        if o.due_day is not None:
            out["due_day"] = o.due_day
        if o.schedule:
            out["schedule"] = [{"day": s.day, "cumulative": s.cumulative} for s in o.schedule]
        if o.reciprocal:
            out["reciprocal"] = [{"per": r.per, "ratio": r.ratio} for r in o.reciprocal]
        if o.clause:
            out["clause"] = o.clause
        if o.due_deal_day is not None:
            out["due"] = {"day": o.due_deal_day}
        if o.term_days is not None:
            out["term_days"] = o.term_days
        if o.renewal is not None:
            out["renewal"] = renewal(o.renewal)
        if o.document is not None:
            out["document"] = o.document
        return out

    def renewal(r: Renewal) -> dict[str, Any]:
        out: dict[str, Any] = {"term_days": r.term_days, "automatic": r.automatic,
                               "notice_days": r.notice_days, "max_renewals": r.max_renewals}
        if r.clause:
            out["clause"] = r.clause
        return out

    def party(p: Party) -> dict[str, Any]:
        if len(p.roles) > 1:
            return {"id": p.id, "name": p.name, "roles": [r.value for r in p.roles]}
        return {"id": p.id, "name": p.name, "role": p.role.value}

    def phase(p: Phase) -> dict[str, Any]:
        out: dict[str, Any] = {"id": p.id, "duration_days": p.duration_days,
                               "on_expiry": p.on_expiry.value}
        if p.name:
            out["name"] = p.name
        if p.entry_condition is not None:
            out["entry_condition"] = p.entry_condition.source
        if p.requires_agreement:
            out["requires_agreement"] = True
        if not p.suspendable:
            out["suspendable"] = False
        if p.clause:
            out["clause"] = p.clause
        if p.extension is not None:
            out["extension"] = {"max_days": p.extension.max_days,
                                "granted_by": list(p.extension.granted_by),
                                "per_day": dict(p.extension.per_day)}
            if p.extension.clause:
                out["extension"]["clause"] = p.extension.clause
            if p.extension.max_days_each is not None:
                out["extension"]["max_days_each"] = p.extension.max_days_each
            if p.extension.jointly:
                out["extension"]["jointly"] = True
        if p.renewal is not None:
            out["renewal"] = renewal(p.renewal)
        out["obligations"] = [obligation(o) for o in p.obligations]
        return out

    return {
        "id": deal.id,
        "title": deal.title,
        "description": deal.description,
        "in_force": deal.in_force,
        "hypothetical": deal.hypothetical,
        "parties": [party(p) for p in deal.parties],
        "clauses": [{"id": c.id, "summary": c.summary, "sources": list(c.sources),
                     "disputed": c.disputed, "dispute_note": c.dispute_note}
                    for c in deal.clauses],
        "phases": [phase(p) for p in deal.phases],
        "powers": [{"power": w.kind.value, "holders": list(w.holders), "jointly": w.jointly,
                    "phases": list(w.phases), "notice_days": w.notice_days,
                    "max_days": w.max_days, "clause": w.clause} for w in deal.powers],
        "invariants": [c.source for c in deal.invariants],
        "documents": [{"id": d.id, "title": d.title, "signatories": list(d.signatories),
                       "clause": d.clause} for d in deal.documents],
        "indicators": [{"id": i.id, "unit": i.unit, "description": i.description,
                        "clause": i.clause} for i in deal.indicators],
    }
