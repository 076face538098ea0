"""One function per workflow step; each takes the session and `now`, flushes, never commits."""
from app.services.access import (
    can_see, case_scope, get_case_for, mask_phone, sees_reports, visible_cases, visible_posters,
    visible_unit_ids,
)
from app.services.casework import (
    ReplyText, accept_case, add_note, assign_case, extend_case, find_master, forward_case,
    mark_report, merge_case, refuse_extension, reject_case, reply_to_case, request_extension,
    return_case, reveal_phone, urge_case,
)
from app.services.errors import AlreadyFiled, Conflict, Mistyped, NotFound, Refused
from app.services.feedback import follow_up, rate_reply, request_review
from app.services.intake import (
    Filing, Receipt, Submission, TrackingState, active_categories, dispatch_centre, file_submission,
    find_by_code_and_pin, find_by_token, find_poster, pin_on_replay, prepare_submission, public_timeline,
    submit_suggestion, tracking_state,
)
from app.services.sweep import sweep

__all__ = [
    "AlreadyFiled", "Conflict", "Filing", "NotFound", "Receipt", "Refused", "ReplyText", "Submission",
    "Mistyped", "TrackingState", "accept_case", "active_categories", "add_note", "assign_case", "can_see",
    "case_scope", "dispatch_centre", "extend_case", "file_submission", "find_by_code_and_pin",
    "find_by_token", "find_master", "find_poster", "follow_up", "forward_case", "get_case_for",
    "mark_report", "mask_phone", "merge_case", "pin_on_replay", "prepare_submission", "public_timeline", "rate_reply",
    "refuse_extension", "reject_case", "reply_to_case", "request_extension", "request_review",
    "return_case", "reveal_phone", "sees_reports", "submit_suggestion", "sweep", "tracking_state",
    "urge_case", "visible_cases", "visible_posters", "visible_unit_ids",
]
