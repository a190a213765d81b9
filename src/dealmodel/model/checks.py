"""Definition checks: every problem of a deal at once, each with its path and fix."""


from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dealmodel.errors import Problem
from dealmodel.model._checks import check_id
from dealmodel.model.obligations import ANCHOR_PREFIXES, ObligationKind, RelativeDue
from dealmodel.model.phases import TERMINAL_STATES, ExpiryRule
from dealmodel.model.powers import PARTIES

if TYPE_CHECKING:
    from dealmodel.model.conditions import Expression
    from dealmodel.model.deal import Deal



# -- checks ---------------------------------------------------------------------
def _duplicates(problems: list[Problem], label: str, items: list[tuple[str, str]]) -> None:
    seen: dict[str, str] = {}
    for path, item_id in items:
        if item_id in seen:
            problems.append(Problem(f"{path}.id", f"duplicate {label} id {item_id!r} "
                                    f"(first at {seen[item_id]})", "give each a unique id"))
        else:
            seen[item_id] = path


def deal_problems(deal: Deal) -> list[Problem]:
    """Every cross-reference problem of a deal (each part already checked itself)."""
    problems: list[Problem] = []
    check_id(problems, "id", deal.id)
    if not deal.phases:
        problems.append(Problem("phases", "a deal needs at least one phase"))
    parties = {p.id: p for p in deal.parties}
    clauses = {c.id for c in deal.clauses}
    phases = [p.id for p in deal.phases]
    _duplicates(problems, "party", [(f"parties[{i}]", p.id) for i, p in enumerate(deal.parties)])
    _duplicates(problems, "clause", [(f"clauses[{i}]", c.id) for i, c in enumerate(deal.clauses)])
    _duplicates(problems, "phase", [(f"phases[{i}]", p.id) for i, p in enumerate(deal.phases)])
    _duplicates(problems, "obligation", [
        (f"phases[{i}].obligations[{j}]", o.id)
        for i, ph in enumerate(deal.phases) for j, o in enumerate(ph.obligations)
    ])
    reserved = {"pending", *TERMINAL_STATES}
    documents = {d.id: d.signatories for d in deal.documents}
    _duplicates(problems, "document", [(f"documents[{i}]", d.id)
                                       for i, d in enumerate(deal.documents)])
    _duplicates(problems, "indicator", [(f"indicators[{i}]", d.id)
                                        for i, d in enumerate(deal.indicators)])
    obligations = deal._obligations

    def ref(path: str, value: str | None, known: Any, what: str) -> None:
        if value is not None and value not in known:
            listed = ", ".join(sorted(known)) or "none defined"
            problems.append(Problem(path, f"unknown {what} {value!r}", f"known: {listed}"))

    for i, phase in enumerate(deal.phases):
        path = f"phases[{i}]"
        if phase.id in reserved:
            problems.append(Problem(f"{path}.id", f"{phase.id!r} is a reserved state name",
                                    "rename the phase"))
        ref(f"{path}.clause", phase.clause, clauses, "clause")
        for j, ob in enumerate(phase.obligations):
            opath = f"{path}.obligations[{j}]"
            several = len(ob.obligors) > 1
            for k, obligor in enumerate(ob.obligors):
                field = f"{opath}.obligors[{k}]" if several else f"{opath}.obligor"
                ref(field, obligor, parties, "party")
                if obligor in parties and not parties[obligor].owes:
                    problems.append(Problem(field, f"{obligor!r} is a "
                                            f"{parties[obligor].role_text}, not a party",
                                            "obligations are owed by parties (or actors "
                                            "with the role obligor: roles: [mediator, "
                                            "obligor]); mediators, guarantors, monitors and "
                                            "joint bodies rule and report, non-signatories "
                                            "owe nothing"))
            if ob.document is not None:
                ref(f"{opath}.document", ob.document, documents, "document")
                signed = documents.get(ob.document, ())
                for obligor in ob.obligors:
                    if ob.document in documents and obligor not in signed:
                        problems.append(Problem(f"{opath}.document", f"{obligor!r} owes it "
                                                f"but did not sign {ob.document!r} "
                                                f"(signatories: {', '.join(signed)})",
                                                "name the document its obligor signed"))
            for k, beneficiary in enumerate(ob.beneficiaries):
                field = (f"{opath}.beneficiaries[{k}]" if len(ob.beneficiaries) > 1
                         else f"{opath}.beneficiary")
                ref(field, beneficiary, parties, "actor")
            ref(f"{opath}.clause", ob.clause, clauses, "clause")
            if ob.due is not None:
                _check_anchor(problems, f"{opath}.due.after", ob.due, obligations, phases)
            for k, rec in enumerate(ob.reciprocal):
                ref(f"{opath}.reciprocal[{k}].per", rec.per, obligations, "obligation")
            if phase.duration_days is not None and ob.kind is not ObligationKind.PROHIBITION:
                last = ob.due_days()[-1] if ob.due_days() else None
                if ob.schedule and last is not None and last > phase.duration_days:
                    problems.append(Problem(f"{opath}.schedule", f"the schedule runs to day "
                                            f"{last}, after the phase's {phase.duration_days} "
                                            "days", "use due_day for duties that outlive "
                                            "the phase"))
        if phase.extension is not None:
            ext = phase.extension
            for k, holder in enumerate(ext.granted_by):
                ref(f"{path}.extension.granted_by[{k}]", holder, parties, "party or mediator")
            for ob_id, _ in ext.per_day:
                ref(f"{path}.extension.per_day.{ob_id}", ob_id, obligations, "obligation")
                owed = obligations[ob_id][1] if ob_id in obligations else None
                if owed is not None and owed.kind is not ObligationKind.QUANTITY:
                    problems.append(Problem(
                        f"{path}.extension.per_day.{ob_id}", f"{ob_id!r} is "
                        f"{'an' if owed.kind.value[0] in 'aeiou' else 'a'} "
                        f"{owed.kind.value}, which has no amount to add to per day",
                        "name a duty with a quantity (kind: quantity)"))
            ref(f"{path}.extension.clause", ext.clause, clauses, "clause")
        if phase.entry_condition is not None:
            for _func, arg, kind, known in condition_names(deal, phase.entry_condition):
                ref(f"{path}.entry_condition", arg, known, kind.replace("-", " "))
        if phase.requires_agreement and i == 0:
            problems.append(Problem(f"{path}.requires_agreement", "the first phase is the "
                                    "agreement itself", "set requires_agreement: false"))
        if phase.renewal is not None:
            ref(f"{path}.renewal.clause", phase.renewal.clause, clauses, "clause")
    for i, power in enumerate(deal.powers):
        path = f"powers[{i}]"
        for k, holder in enumerate(power.holders):
            if holder != PARTIES:
                ref(f"{path}.holders[{k}]", holder, parties, "party or mediator")
        for k, phase_id in enumerate(power.phases):
            ref(f"{path}.phases[{k}]", phase_id, set(phases), "phase")
        ref(f"{path}.clause", power.clause, clauses, "clause")
    for i, invariant in enumerate(deal.invariants):
        for _func, arg, kind, known in condition_names(deal, invariant):
            ref(f"invariants[{i}]", arg, known, kind.replace("-", " "))
    for i, document in enumerate(deal.documents):
        for k, actor in enumerate(document.signatories):
            ref(f"documents[{i}].signatories[{k}]", actor, parties, "actor")
        ref(f"documents[{i}].clause", document.clause, clauses, "clause")
    for i, indicator in enumerate(deal.indicators):
        ref(f"indicators[{i}].clause", indicator.clause, clauses, "clause")
        if indicator.id in obligations:
            problems.append(Problem(f"indicators[{i}].id", f"{indicator.id!r} is also an "
                                    "obligation id", "give the indicator its own id"))
    problems.extend(_reachability(deal))
    return problems


def _check_anchor(problems: list[Problem], path: str, due: RelativeDue,
                  obligations: Any, phases: list[str]) -> None:
    """A relative deadline counts from a known obligation, phase or event type."""
    from dealmodel.model.events import EVENT_TYPES

    kind, anchor = due.anchor_kind, due.anchor
    known: Any = {"obligation": obligations, "phase": phases, "event": EVENT_TYPES}[kind]
    if anchor not in known:
        listed = ", ".join(sorted(known)) or "none defined"
        problems.append(Problem(path, f"unknown {kind} {anchor!r}",
                                f"known: {listed}; or use "
                                + " / ".join(f"{p}<id>" for p in ANCHOR_PREFIXES)))


def condition_names(deal: Deal, expression: Expression) -> list[tuple[str, str, str, set[str]]]:
    """Each name a condition reads: (function, argument, kind, the names of that kind)."""
    from dealmodel.model.conditions import FUNCTIONS

    obligations = set(deal._obligations)
    kinds = {
        "obligation": obligations,
        "phase": {p.id for p in deal.phases},
        "party": {p.id for p in deal.parties},
        "obligation-or-unit": obligations | deal.units(),
    }
    out = []
    for func, arg in expression.references:
        kind = FUNCTIONS[func][0][0]
        out.append((func, arg, kind, kinds[kind]))
    return out


def _reachability(deal: Deal) -> list[Problem]:
    """A phase is unreachable when the phase before it can never hand over to it.

    An open-ended phase (no ``duration_days``) hands over when an ``end_phase`` event
    ends it, so it may stand anywhere in the sequence.
    """
    problems: list[Problem] = []
    for i in range(1, len(deal.phases)):
        before = deal.phases[i - 1]
        why = None
        if before.on_expiry is ExpiryRule.LAPSE:
            why = f"phase {before.id!r} lapses when it ends (on_expiry: lapse)"
        if why:
            problems.append(Problem(f"phases[{i}]", f"phase {deal.phases[i].id!r} is "
                                    f"unreachable: {why}", "set on_expiry: advance or "
                                    "continue_while_negotiating, and a duration"))
            break
    return problems


# -- loading ------------------------------------------------------------------------
