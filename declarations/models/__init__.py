"""Every model module, imported so that Base.metadata is complete."""
from declarations.models.audit import AppendOnlyError, AuditEntry
from declarations.models.declarations import (AssetItem, Declaration, IncomeRow, Relative, Upload,
                                              VariationRow)
from declarations.models.flags import FLAG_STATUSES, Flag
from declarations.models.legal import LegalRegime, Parameter
from declarations.models.people import Agency, IdentityLink, Person, RosterEntry
from declarations.models.reviews import (CASE_STATES, Case, ExplanationRequest, Guidance, JobRun,
                                         Notification, Reminder, SchedulerLock)
from declarations.models.users import AGENCY_SCOPED_ROLES, ROLES, User, user_agencies

__all__ = [
    "CASE_STATES", "Case", "ExplanationRequest", "Guidance", "JobRun", "Notification", "Reminder", "SchedulerLock",
    "AGENCY_SCOPED_ROLES", "ROLES", "Agency", "AppendOnlyError", "AssetItem", "AuditEntry", "Declaration", "FLAG_STATUSES", "Flag",
    "IdentityLink", "IncomeRow", "LegalRegime", "Parameter", "Person", "Relative", "RosterEntry", "Upload",
    "User", "VariationRow", "user_agencies",
]
