"""The fields each object of a deal file may have: one table for the loader and the schema."""

from __future__ import annotations

__all__ = ["END_OF_PHASE", "FIELDS"]

#: The fields a deal file may give, per object: the loader rejects any other field, and
#: the JSON Schema (:mod:`dealmodel.io.schema`) is generated from this table.
FIELDS: dict[str, tuple[str, ...]] = {
    "deal": ("id", "title", "description", "in_force", "hypothetical", "parties",
             "mediators", "actors", "clauses", "phases", "powers", "documents",
             "indicators", "invariants"),
    "party": ("id", "name", "role", "roles"),
    "document": ("id", "title", "signatories", "clause"),
    "indicator": ("id", "unit", "description", "clause"),
    "clause": ("id", "summary", "sources", "disputed", "dispute_note"),
    "power": ("power", "holders", "jointly", "phases", "notice_days", "max_days", "clause"),
    "phase": ("id", "name", "duration_days", "entry_condition", "requires_agreement",
              "on_expiry", "obligations", "extension", "suspendable", "clause", "renewal"),
    "extension": ("max_days", "granted_by", "per_day", "clause", "max_days_each", "jointly"),
    "renewal": ("term_days", "automatic", "notice_days", "max_renewals", "clause"),
    "obligation": ("id", "obligor", "obligors", "beneficiary", "beneficiaries", "kind",
                   "description", "quantity", "due_day", "due", "schedule", "reciprocal",
                   "parts", "strict", "clause", "term_days", "renewal", "document"),
    "quantity": ("amount", "unit"),
    "milestone": ("day", "cumulative"),
    "reciprocity": ("per", "ratio"),
    "due": ("after", "days"),
    "due_on": ("day", "date"),
}

#: ``due: end_of_phase``: an obligation due when its phase ends, whatever its length.
END_OF_PHASE = "end_of_phase"
